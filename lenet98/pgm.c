/* pgm.c: PGM (netpbm greyscale) reader for P2/P5 and atomic P5 writer (see pgm.h). */
#include "pgm.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "fail.h"

static int pgm_is_space(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Skips whitespace and '#' comments (to the end of the line); returns the next character,
 * consumed, or EOF. */
static int pgm_skip(FILE *f) {
    for (;;) {
        int c = getc(f);
        if (c == '#') {
            do c = getc(f);
            while (c != '\n' && c != '\r' && c != EOF);
            if (c == EOF) return EOF;
        } else if (!pgm_is_space(c)) {
            return c;
        }
    }
}

enum { PGM_OK = 0, PGM_EOF = -1, PGM_NOTNUM = -2, PGM_JUNK = -3 };

/* Reads one decimal number after whitespace and comments. Values above 10^6 are clamped to
 * 10^6 + 1 (every caller rejects them). *term is the character that ended it: whitespace
 * (consumed), EOF, or '#' (pushed back). */
static int pgm_number(FILE *f, long *v, int *term) {
    int c = pgm_skip(f);
    if (c == EOF) return PGM_EOF;
    if (c < '0' || c > '9') return PGM_NOTNUM;
    long x = 0;
    while (c >= '0' && c <= '9') {
        if (x <= 1000000) x = 10 * x + (c - '0');
        if (x > 1000000) x = 1000001;
        c = getc(f);
    }
    *term = c;
    if (c == '#') ungetc(c, f);
    else if (c != EOF && !pgm_is_space(c)) return PGM_JUNK;
    *v = x;
    return PGM_OK;
}

/* Bytes left in f if it is a regular file, else -1. */
static long long pgm_remaining(FILE *f) {
    struct stat st;
    long pos = ftell(f);
    if (pos < 0 || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    return (long long)st.st_size - pos;
}

/* Reads the header fields: width, height, maxval. */
static int pgm_header(FILE *f, const char *path, int *w, int *h, long *maxval, int *term,
                      char *err, size_t errn) {
    static const char *const names[3] = {"width", "height", "maxval"};
    static const long hi[3] = {PGM_MAX_SIDE, PGM_MAX_SIDE, 65535};
    long v[3];
    for (int i = 0; i < 3; i++) {
        int r = pgm_number(f, &v[i], term);
        if (r == PGM_EOF) {
            if (ferror(f)) return fail_msg(err, errn, "%s: read error: %s", path, strerror(errno));
            return fail_msg(err, errn, "%s: truncated header (no %s)", path, names[i]);
        }
        if (r != PGM_OK) return fail_msg(err, errn, "%s: bad header: %s is not a number", path,
                                         names[i]);
        if (v[i] < 1 || v[i] > hi[i]) {
            return fail_msg(err, errn, "%s: %s %ld%s out of range 1..%ld", path, names[i],
                            v[i] > 1000000 ? 1000000 : v[i], v[i] > 1000000 ? "+" : "", hi[i]);
        }
    }
    *w = (int)v[0];
    *h = (int)v[1];
    *maxval = v[2];
    return 0;
}

static int pgm_read_file(FILE *f, const char *path, uint8_t **pix, int *w, int *h, char *err,
                         size_t errn) {
    int c0 = getc(f), c1 = getc(f);
    if (c0 == EOF && ferror(f))
        return fail_msg(err, errn, "%s: read error: %s", path, strerror(errno));
    if (c0 != 'P' || (c1 != '2' && c1 != '5'))
        return fail_msg(err, errn, "%s: not a PGM file (magic must be P2 or P5)", path);
    const int binary = c1 == '5';
    /* the magic must be followed by whitespace or a comment */
    int c = getc(f);
    if (c != '#' && !pgm_is_space(c)) {
        if (c == EOF) return fail_msg(err, errn, "%s: truncated header", path);
        return fail_msg(err, errn, "%s: not a PGM file (junk after the magic)", path);
    }
    ungetc(c, f);

    long maxval = 0;
    int term = EOF;
    if (pgm_header(f, path, w, h, &maxval, &term, err, errn) != 0) return -1;
    const size_t n = (size_t)*w * (size_t)*h;
    const size_t bps = maxval < 256 ? 1 : 2; /* bytes per P5 sample */
    if (binary && !pgm_is_space(term)) {
        if (term == EOF) return fail_msg(err, errn, "%s: truncated (no raster)", path);
        return fail_msg(err, errn, "%s: maxval must be followed by one whitespace character",
                        path);
    }
    /* a cheap early check on regular files, before allocating */
    const long long left = pgm_remaining(f);
    const long long need = binary ? (long long)(n * bps) : 2 * (long long)n - 1;
    if (left >= 0 && left < need) {
        return fail_msg(err, errn, "%s: truncated: %dx%d raster needs %s%lld bytes, file has %lld",
                        path, *w, *h, binary ? "" : "at least ", need, left);
    }

    uint8_t *out = malloc(n);
    uint8_t *row = binary ? malloc((size_t)*w * bps) : NULL;
    if (!out || (binary && !row)) {
        free(out);
        free(row);
        return fail_msg(err, errn, "%s: out of memory for a %dx%d image", path, *w, *h);
    }
    const long half = maxval / 2;
    size_t k = 0;
    long bad = -1; /* a sample above maxval */
    if (binary) {
        for (int y = 0; y < *h; y++) {
            const size_t rowb = (size_t)*w * bps;
            const size_t got = fread(row, 1, rowb, f);
            if (got != rowb) {
                free(out);
                free(row);
                if (ferror(f))
                    return fail_msg(err, errn, "%s: read error: %s", path, strerror(errno));
                return fail_msg(err, errn, "%s: truncated raster (row %d of %d)", path, y, *h);
            }
            for (int x = 0; x < *w; x++) {
                long v = bps == 1 ? row[x] : (long)row[2 * x] << 8 | row[2 * x + 1];
                if (v > maxval && bad < 0) bad = v;
                out[k++] = (uint8_t)(maxval == 255 ? v : (v * 255 + half) / maxval);
            }
        }
        free(row);
        if (getc(f) != EOF) {
            free(out);
            return fail_msg(err, errn, "%s: trailing data after the raster", path);
        }
    } else {
        for (; k < n; k++) {
            long v;
            int r = pgm_number(f, &v, &term);
            if (r != PGM_OK) {
                free(out);
                if (r == PGM_EOF && ferror(f))
                    return fail_msg(err, errn, "%s: read error: %s", path, strerror(errno));
                if (r == PGM_EOF)
                    return fail_msg(err, errn, "%s: truncated raster (%zu of %zu samples)", path,
                                    k, n);
                return fail_msg(err, errn, "%s: the sample at position %zu of %zu (from 0) is "
                                "not a number", path, k, n);
            }
            if (v > maxval && bad < 0) bad = v;
            out[k] = (uint8_t)(v > maxval ? 255 : maxval == 255 ? v : (v * 255 + half) / maxval);
        }
        if (pgm_skip(f) != EOF) {
            free(out);
            return fail_msg(err, errn, "%s: trailing data after the raster", path);
        }
    }
    if (ferror(f)) {
        free(out);
        return fail_msg(err, errn, "%s: read error: %s", path, strerror(errno));
    }
    if (bad >= 0) {
        free(out);
        return fail_msg(err, errn, "%s: sample %ld exceeds maxval %ld", path, bad, maxval);
    }
    *pix = out;
    return 0;
}

int pgm_read(const char *path, uint8_t **pix, int *w, int *h, char *err, size_t errn) {
    assert(path && pix && w && h);
    *pix = NULL;
    *w = *h = 0;
    /* only a regular file: a FIFO or a device is refused without blocking (afile.h) */
    const int fd = afile_input(path, err, errn);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return fail_msg(err, errn, "%s: cannot open: %s", path, afile_strerror(errno));
    }
    afile_protect(path);
    int rc = pgm_read_file(f, path, pix, w, h, err, errn);
    fclose(f);
    if (rc != 0) *w = *h = 0;
    return rc;
}

int pgm_write(const char *path, const uint8_t *pix, int w, int h, char *err, size_t errn) {
    assert(path && pix);
    assert(w >= 1 && w <= PGM_MAX_SIDE && h >= 1 && h <= PGM_MAX_SIDE);
    afile f;
    if (afile_open(&f, path, err, errn) != 0) return -1;
    const size_t n = (size_t)w * (size_t)h;
    if (fprintf(f.f, "P5\n%d %d\n255\n", w, h) < 0 || fwrite(pix, 1, n, f.f) != n) {
        fail_msg(err, errn, "%s: write failed: %s", path, afile_strerror(errno));
        afile_abort(&f);
        return -1;
    }
    return afile_commit(&f, err, errn);
}
