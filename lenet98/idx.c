/* idx.c: strict IDX reader for MNIST, plain or gzip (see idx.h for the format). */
#include "idx.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

enum { IDX_CHUNK = 1 << 20 }; /* bytes per gzread call and the first buffer size */

#include "afile.h"
#include "fail.h"

/* Describes why a read stopped early: a zlib or I/O error if there was one, else NULL
 * (a clean end of data). The text may belong to gz: use it before gzclose. */
static const char *idx_gz_problem(gzFile gz, const char *path, int saved_errno) {
    int code = Z_OK;
    const char *msg = gzerror(gz, &code);
    /* zlib's messages start with "path: " */
    const size_t pn = strlen(path);
    if (msg && strncmp(msg, path, pn) == 0 && msg[pn] == ':' && msg[pn + 1] == ' ') msg += pn + 2;
    switch (code) {
    case Z_OK:
    case Z_STREAM_END:
        return NULL;
    case Z_BUF_ERROR:
        return "gzip stream truncated (unexpected end of file)";
    case Z_DATA_ERROR:
        return msg && *msg ? msg : "corrupt gzip data";
    case Z_MEM_ERROR:
        return "out of memory in zlib";
    case Z_ERRNO:
        return saved_errno ? strerror(saved_errno) : "read error";
    default:
        return msg && *msg ? msg : "zlib error";
    }
}

/* Reads up to len bytes into buf; *got is what arrived. Returns 0 (short only at the end of
 * the data), or -1 after a zlib or I/O error, with *problem set. */
static int idx_gz_read(gzFile gz, const char *path, uint8_t *buf, size_t len, size_t *got,
                       const char **problem) {
    *got = 0;
    *problem = NULL;
    while (*got < len) {
        size_t want = len - *got;
        if (want > IDX_CHUNK) want = IDX_CHUNK;
        errno = 0;
        int r = gzread(gz, buf + *got, (unsigned)want);
        int saved = errno;
        if (r < 0) {
            *problem = idx_gz_problem(gz, path, saved);
            if (!*problem) *problem = "read error";
            return -1;
        }
        *got += (size_t)r;
        if ((size_t)r < want) {
            /* short read: the end of the data, or an error zlib reports only through gzerror */
            *problem = idx_gz_problem(gz, path, saved);
            return *problem ? -1 : 0;
        }
    }
    return 0;
}

static uint32_t idx_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Opens path (a regular file only: afile_input), reads the magic and nd dimensions (nd <= 3)
 * into dims. *fsize is the size of the file, *plain 1 if it is not gzip-compressed. */
static int idx_open_header(const char *path, uint32_t magic, const char *kind, int nd,
                           uint32_t *dims, gzFile *out, long long *fsize, int *plain,
                           char *err, size_t errn) {
    assert(nd >= 1 && nd <= 3);
    *out = NULL;
    const int fd = afile_input(path, err, errn);
    if (fd < 0) return -1;
    struct stat st;
    *fsize = fstat(fd, &st) == 0 ? (long long)st.st_size : -1;
    errno = 0;
    gzFile gz = gzdopen(fd, "rb");
    if (!gz) {
        const int e = errno;
        close(fd);
        return fail_msg(err, errn, "%s: cannot open: %s", path,
                        e ? afile_strerror(e) : "out of memory");
    }
    gzbuffer(gz, 1u << 16);
    uint8_t head[16];
    const size_t want = 4 * (size_t)(nd + 1);
    size_t got;
    const char *problem;
    if (idx_gz_read(gz, path, head, want, &got, &problem) != 0) {
        fail_msg(err, errn, "%s: %s", path, problem); /* before gzclose frees problem */
        gzclose_r(gz);
        return -1;
    }
    *plain = gzdirect(gz);
    if (got >= 4 && idx_be32(head) != magic) {
        const uint32_t m = idx_be32(head);
        const char *hint = m == IDX_MAGIC_IMAGES   ? " (an IDX image file)"
                           : m == IDX_MAGIC_LABELS ? " (an IDX label file)"
                                                   : "";
        gzclose_r(gz);
        return fail_msg(err, errn, "%s: bad magic 0x%08x%s, expected 0x%08x for IDX %s", path,
                        (unsigned)m, hint, (unsigned)magic, kind);
    }
    if (got < want) {
        gzclose_r(gz);
        return fail_msg(err, errn, "%s: truncated header (%zu of %zu bytes)", path, got, want);
    }
    for (int i = 0; i < nd; i++) dims[i] = idx_be32(head + 4 * (i + 1));
    *out = gz;
    return 0;
}

/* Can a file of fsize bytes hold the hsize header bytes and the len data bytes its header
 * promises? A plain file must be exactly that long; deflate expands at most 1032-fold, so a
 * gzip file must be at least (hsize + len) / 1032 bytes. Checked before anything is
 * allocated. 0, or -1 with err. */
static int idx_fits(const char *path, long long fsize, int plain, size_t hsize, uint64_t len,
                    const char *what, char *err, size_t errn) {
    if (fsize < 0) return 0;
    const uint64_t total = hsize + len;
    if (plain && (uint64_t)fsize < total)
        return fail_msg(err, errn,
                        "%s: truncated: header promises %llu bytes of %s, only %lld follow", path,
                        (unsigned long long)len, what, fsize - (long long)hsize);
    if (plain && (uint64_t)fsize > total)
        return fail_msg(err, errn, "%s: trailing data after the %llu bytes of %s the header "
                        "promises", path, (unsigned long long)len, what);
    if (!plain && total / 1032 > (uint64_t)fsize)
        return fail_msg(err, errn, "%s: the header promises %llu bytes of %s; a gzip file of "
                        "%lld bytes cannot hold them", path, (unsigned long long)len, what,
                        fsize);
    return 0;
}

/* Reads exactly len data bytes after the header, then checks that nothing follows. The buffer
 * grows with the data actually read. Returns a malloc'ed buffer, or NULL with err set. */
static uint8_t *idx_read_body(gzFile gz, const char *path, size_t len, const char *what,
                              char *err, size_t errn) {
    assert(len > 0);
    size_t cap = len < IDX_CHUNK ? len : IDX_CHUNK;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        fail_msg(err, errn, "%s: out of memory (%zu bytes)", path, cap);
        return NULL;
    }
    size_t have = 0;
    for (;;) {
        size_t got;
        const char *problem;
        if (idx_gz_read(gz, path, buf + have, cap - have, &got, &problem) != 0) {
            fail_msg(err, errn, "%s: %s", path, problem);
            free(buf);
            return NULL;
        }
        have += got;
        if (have < cap) {
            fail_msg(err, errn,
                     "%s: truncated: header promises %zu bytes of %s, only %zu follow", path,
                     len, what, have);
            free(buf);
            return NULL;
        }
        if (have == len) break;
        size_t ncap = cap > len / 2 ? len : 2 * cap;
        uint8_t *nbuf = realloc(buf, ncap);
        if (!nbuf) {
            fail_msg(err, errn, "%s: out of memory (%zu bytes)", path, ncap);
            free(buf);
            return NULL;
        }
        buf = nbuf;
        cap = ncap;
    }
    /* one byte past the end: trailing data, or (gzip) a damaged or missing trailer */
    uint8_t extra;
    size_t got;
    const char *problem;
    if (idx_gz_read(gz, path, &extra, 1, &got, &problem) != 0) {
        fail_msg(err, errn, "%s: %s", path, problem);
        free(buf);
        return NULL;
    }
    if (got != 0) {
        fail_msg(err, errn, "%s: trailing data after the %zu bytes of %s the header promises",
                 path, len, what);
        free(buf);
        return NULL;
    }
    return buf;
}

/* idx_read_images, with rows x cols required when want_rows > 0 (checked in the header,
 * before the body is read) */
static int idx_read_images_as(const char *path, int want_rows, int want_cols, uint8_t **images,
                              int *n, int *rows, int *cols, char *err, size_t errn) {
    assert(path && images && n && rows && cols);
    *images = NULL;
    *n = *rows = *cols = 0;
    uint32_t d[3] = {0, 0, 0};
    gzFile gz;
    long long fsize = -1;
    int plain = 0;
    if (idx_open_header(path, IDX_MAGIC_IMAGES, "images", 3, d, &gz, &fsize, &plain, err,
                        errn) != 0)
        return -1;
    if (d[0] < 1 || d[0] > IDX_MAX_N || d[1] < 1 || d[1] > IDX_MAX_SIDE || d[2] < 1 ||
        d[2] > IDX_MAX_SIDE) {
        gzclose_r(gz);
        return fail_msg(err, errn,
                        "%s: bad dimensions %lu x %lu x %lu (want n in 1..%d, rows and cols in "
                        "1..%d)",
                        path, (unsigned long)d[0], (unsigned long)d[1], (unsigned long)d[2],
                        IDX_MAX_N, IDX_MAX_SIDE);
    }
    if (want_rows > 0 && (d[1] != (uint32_t)want_rows || d[2] != (uint32_t)want_cols)) {
        gzclose_r(gz);
        return fail_msg(err, errn, "%s: images are %lux%lu, MNIST needs %dx%d", path,
                        (unsigned long)d[1], (unsigned long)d[2], want_rows, want_cols);
    }
    const uint64_t len64 = (uint64_t)d[0] * d[1] * d[2]; /* <= 1e6 * 2^20 < 2^40 */
    if (len64 > IDX_MAX_BYTES || len64 > SIZE_MAX) {
        gzclose_r(gz);
        return fail_msg(err, errn, "%s: %lu images of %lux%lu are %llu bytes, more than the "
                        "%llu this reader accepts", path, (unsigned long)d[0],
                        (unsigned long)d[1], (unsigned long)d[2], (unsigned long long)len64,
                        (unsigned long long)IDX_MAX_BYTES);
    }
    if (idx_fits(path, fsize, plain, 16, len64, "pixels", err, errn) != 0) {
        gzclose_r(gz);
        return -1;
    }
    uint8_t *pix = idx_read_body(gz, path, (size_t)len64, "pixels", err, errn);
    gzclose_r(gz);
    if (!pix) return -1;
    *images = pix;
    *n = (int)d[0];
    *rows = (int)d[1];
    *cols = (int)d[2];
    return 0;
}

int idx_read_images(const char *path, uint8_t **images, int *n, int *rows, int *cols, char *err,
                    size_t errn) {
    return idx_read_images_as(path, 0, 0, images, n, rows, cols, err, errn);
}

int idx_read_labels(const char *path, uint8_t **labels, int *n, char *err, size_t errn) {
    assert(path && labels && n);
    *labels = NULL;
    *n = 0;
    uint32_t d[1] = {0};
    gzFile gz;
    long long fsize = -1;
    int plain = 0;
    if (idx_open_header(path, IDX_MAGIC_LABELS, "labels", 1, d, &gz, &fsize, &plain, err,
                        errn) != 0)
        return -1;
    if (d[0] < 1 || d[0] > IDX_MAX_N) {
        gzclose_r(gz);
        return fail_msg(err, errn, "%s: bad label count %lu (want 1..%d)", path,
                        (unsigned long)d[0], IDX_MAX_N);
    }
    if (idx_fits(path, fsize, plain, 8, d[0], "labels", err, errn) != 0) {
        gzclose_r(gz);
        return -1;
    }
    uint8_t *lab = idx_read_body(gz, path, d[0], "labels", err, errn);
    gzclose_r(gz);
    if (!lab) return -1;
    for (uint32_t i = 0; i < d[0]; i++) {
        if (lab[i] > 9) {
            const unsigned v = lab[i];
            free(lab);
            return fail_msg(err, errn, "%s: label %lu is %u, not in 0..9", path,
                            (unsigned long)i, v);
        }
    }
    *labels = lab;
    *n = (int)d[0];
    return 0;
}

/* Sets path to DIR/name if it exists, else DIR/name.gz if that exists. */
static int idx_find(char *path, size_t pathn, const char *dir, const char *name, char *err,
                    size_t errn) {
    int k = snprintf(path, pathn, "%s/%s", dir, name);
    if (k < 0 || (size_t)k + 3 >= pathn) return fail_msg(err, errn, "%s: path too long", dir);
    if (access(path, F_OK) == 0) return 0;
    strcat(path, ".gz");
    if (access(path, F_OK) == 0) return 0;
    return fail_msg(err, errn, "%s/%s: not found (nor %s/%s.gz); run `make data`", dir, name,
                    dir, name);
}

int mnist_load(mnist_set *s, const char *dir, const char *which, char *err, size_t errn) {
    assert(s && dir && which);
    memset(s, 0, sizeof *s);
    const char *prefix;
    if (strcmp(which, "train") == 0) {
        prefix = "train";
    } else if (strcmp(which, "test") == 0) {
        prefix = "t10k";
    } else {
        return fail_msg(err, errn, "%s: unknown MNIST set (expected train or test)", which);
    }
    char name[64], ipath[4096], lpath[4096];
    snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
    if (idx_find(ipath, sizeof ipath, dir, name, err, errn) != 0) return -1;
    snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
    if (idx_find(lpath, sizeof lpath, dir, name, err, errn) != 0) return -1;

    mnist_set t = {0};
    if (idx_read_images_as(ipath, 28, 28, &t.images, &t.n, &t.rows, &t.cols, err, errn) != 0)
        return -1;
    int nl = 0;
    if (idx_read_labels(lpath, &t.labels, &nl, err, errn) != 0) {
        mnist_free(&t);
        return -1;
    }
    if (nl != t.n) {
        fail_msg(err, errn, "%s: %d labels, but %s has %d images", lpath, nl, ipath, t.n);
        mnist_free(&t);
        return -1;
    }
    /* no output of this command may overwrite them */
    afile_protect(ipath);
    afile_protect(lpath);
    *s = t;
    return 0;
}

void mnist_free(mnist_set *s) {
    if (!s) return;
    free(s->images);
    free(s->labels);
    memset(s, 0, sizeof *s);
}
