/* test_idx.c: the IDX/MNIST reader on small files made here, plain and gzip, good and bad. */
#include "check.h"
#include "idx.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* check_tmpdir/name */
static void idx_t_path(char *buf, size_t n, const char *name) {
    snprintf(buf, n, "%s/%s", check_tmpdir, name);
}

/* Writes len bytes to path, through gzip if gz. Returns 0 on success. */
static int idx_t_write(const char *path, const uint8_t *data, size_t len, int gz) {
    if (gz) {
        gzFile g = gzopen(path, "wb");
        if (!g) return -1;
        int ok = len == 0 || gzwrite(g, data, (unsigned)len) == (int)len;
        return gzclose(g) == Z_OK && ok ? 0 : -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok ? 0 : -1;
}

static void idx_t_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* pixel i of a test set: a fixed pseudo-random pattern (compresses poorly) */
static uint8_t idx_t_pixel(size_t i) {
    return (uint8_t)((i * 2654435761u) >> 13);
}

/* An images file (n, rows, cols) in buf (malloc'ed); returns its length. */
static size_t idx_t_images(uint8_t **buf, uint32_t magic, int n, int rows, int cols) {
    const size_t np = (size_t)n * rows * cols, len = 16 + np;
    uint8_t *b = malloc(len + 16); /* room for tests that append */
    if (!b) abort();
    idx_t_be32(b, magic);
    idx_t_be32(b + 4, (uint32_t)n);
    idx_t_be32(b + 8, (uint32_t)rows);
    idx_t_be32(b + 12, (uint32_t)cols);
    for (size_t i = 0; i < np; i++) b[16 + i] = idx_t_pixel(i);
    *buf = b;
    return len;
}

/* A labels file (n) with label i = (i + 5) % 10 in buf (malloc'ed); returns its length. */
static size_t idx_t_labels(uint8_t **buf, int n) {
    const size_t len = 8 + (size_t)n;
    uint8_t *b = malloc(len + 16);
    if (!b) abort();
    idx_t_be32(b, IDX_MAGIC_LABELS);
    idx_t_be32(b + 4, (uint32_t)n);
    for (int i = 0; i < n; i++) b[8 + i] = (uint8_t)((i + 5) % 10);
    *buf = b;
    return len;
}

/* expects idx_read_images to fail on path with a message naming path and containing what */
static void idx_t_images_bad(const char *path, const char *what) {
    char err[512] = "";
    uint8_t *im = (uint8_t *)1;
    int n = -1, r = -1, c = -1;
    CHECK(idx_read_images(path, &im, &n, &r, &c, err, sizeof err) == -1);
    CHECK(im == NULL && n == 0 && r == 0 && c == 0);
    CHECK(strncmp(err, path, strlen(path)) == 0);
    CHECK(strstr(err, what) != NULL);
    if (check_verbose || strstr(err, what) == NULL) printf("  (message: %s)\n", err);
    free(im);
}

static void idx_t_labels_bad(const char *path, const char *what) {
    char err[512] = "";
    uint8_t *lab = (uint8_t *)1;
    int n = -1;
    CHECK(idx_read_labels(path, &lab, &n, err, sizeof err) == -1);
    CHECK(lab == NULL && n == 0);
    CHECK(strncmp(err, path, strlen(path)) == 0);
    CHECK(strstr(err, what) != NULL);
    if (check_verbose || strstr(err, what) == NULL) printf("  (message: %s)\n", err);
    free(lab);
}

static void idx_t_mnist_bad(const char *dir, const char *which, const char *what) {
    char err[512] = "";
    mnist_set s;
    CHECK(mnist_load(&s, dir, which, err, sizeof err) == -1);
    CHECK(s.n == 0 && s.images == NULL && s.labels == NULL);
    CHECK(strstr(err, what) != NULL);
    if (check_verbose || strstr(err, what) == NULL) printf("  (message: %s)\n", err);
    mnist_free(&s);
}

static void idx_t_good(void) {
    char p[512], err[512];
    uint8_t *buf, *im, *lab;
    int n, r, c;
    const size_t len = idx_t_images(&buf, IDX_MAGIC_IMAGES, 3, 4, 5);
    for (int gz = 0; gz <= 1; gz++) {
        idx_t_path(p, sizeof p, gz ? "good-images.gz" : "good-images");
        CHECK(idx_t_write(p, buf, len, gz) == 0);
        CHECK(idx_read_images(p, &im, &n, &r, &c, err, sizeof err) == 0);
        CHECK(n == 3 && r == 4 && c == 5);
        CHECK(im != NULL && memcmp(im, buf + 16, 60) == 0);
        free(im);
    }
    free(buf);
    const size_t llen = idx_t_labels(&buf, 12);
    for (int gz = 0; gz <= 1; gz++) {
        idx_t_path(p, sizeof p, gz ? "good-labels.gz" : "good-labels");
        CHECK(idx_t_write(p, buf, llen, gz) == 0);
        CHECK(idx_read_labels(p, &lab, &n, err, sizeof err) == 0);
        CHECK(n == 12 && lab != NULL && memcmp(lab, buf + 8, 12) == 0);
        free(lab);
    }
    free(buf);
    /* err may be NULL */
    idx_t_path(p, sizeof p, "no-such-file");
    CHECK(idx_read_labels(p, &lab, &n, NULL, 0) == -1);
}

static void idx_t_bad(void) {
    char p[512];
    uint8_t *buf;
    size_t len = idx_t_images(&buf, IDX_MAGIC_IMAGES, 3, 4, 5);

    idx_t_path(p, sizeof p, "missing-images");
    idx_t_images_bad(p, "cannot open");
    idx_t_path(p, sizeof p, "."); /* a directory */
    idx_t_images_bad(check_tmpdir, check_tmpdir);

    for (int gz = 0; gz <= 1; gz++) {
        idx_t_path(p, sizeof p, gz ? "bad.gz" : "bad");
        /* truncated: a pixel short, header only, part of the header, empty */
        CHECK(idx_t_write(p, buf, len - 1, gz) == 0);
        idx_t_images_bad(p, "truncated");
        CHECK(idx_t_write(p, buf, 16, gz) == 0);
        idx_t_images_bad(p, "truncated");
        CHECK(idx_t_write(p, buf, 10, gz) == 0);
        idx_t_images_bad(p, "truncated header");
        CHECK(idx_t_write(p, buf, 0, gz) == 0);
        idx_t_images_bad(p, "truncated header");
        /* trailing bytes */
        buf[len] = 0;
        CHECK(idx_t_write(p, buf, len + 1, gz) == 0);
        idx_t_images_bad(p, "trailing");
        /* wrong magic: a labels file, and garbage */
        uint8_t *lb;
        size_t llen = idx_t_labels(&lb, 4);
        CHECK(idx_t_write(p, lb, llen, gz) == 0);
        idx_t_images_bad(p, "magic");
        idx_t_be32(buf, 0x12345678);
        CHECK(idx_t_write(p, buf, len, gz) == 0);
        idx_t_images_bad(p, "magic");
        idx_t_be32(buf, IDX_MAGIC_IMAGES);
        CHECK(idx_t_write(p, buf, len, gz) == 0);
        idx_t_labels_bad(p, "magic");
        /* labels: label 10, truncated, trailing, zero count */
        lb[8 + 2] = 10;
        CHECK(idx_t_write(p, lb, llen, gz) == 0);
        idx_t_labels_bad(p, "label 2 is 10");
        lb[8 + 2] = 7;
        CHECK(idx_t_write(p, lb, llen - 1, gz) == 0);
        idx_t_labels_bad(p, "truncated");
        lb[llen] = 1;
        CHECK(idx_t_write(p, lb, llen + 1, gz) == 0);
        idx_t_labels_bad(p, "trailing");
        idx_t_be32(lb + 4, 0);
        CHECK(idx_t_write(p, lb, 8, gz) == 0);
        idx_t_labels_bad(p, "bad label count");
        idx_t_be32(lb + 4, 0xffffffffu);
        CHECK(idx_t_write(p, lb, llen, gz) == 0);
        idx_t_labels_bad(p, "bad label count");
        free(lb);
    }
    /* bad dimensions: zero, too large; then allowed counts the file cannot hold, refused from
     * the header and the file's size before anything is allocated or read */
    static const uint32_t dims[][3] = {{0, 28, 28}, {3, 0, 28}, {3, 28, 0}, {3, 1025, 28},
                                       {IDX_MAX_N + 1, 28, 28}, {0xffffffffu, 0xffffffffu, 1}};
    idx_t_path(p, sizeof p, "bad-dims");
    for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        for (int k = 0; k < 3; k++) idx_t_be32(buf + 4 + 4 * k, dims[i][k]);
        CHECK(idx_t_write(p, buf, len, 0) == 0);
        idx_t_images_bad(p, "bad dimensions");
    }
    idx_t_be32(buf + 4, IDX_MAX_N);
    idx_t_be32(buf + 8, 1024);
    idx_t_be32(buf + 12, 1024);
    CHECK(idx_t_write(p, buf, len, 0) == 0);
    idx_t_images_bad(p, "more than the");
    idx_t_be32(buf + 4, IDX_MAX_N);
    idx_t_be32(buf + 8, 28);
    idx_t_be32(buf + 12, 28);
    CHECK(idx_t_write(p, buf, len, 0) == 0);
    idx_t_images_bad(p, "header promises 784000000 bytes of pixels, only");
    /* the same as a gzip bomb: a few KB of compressed zeros cannot hold 784 MB */
    {
        const size_t zl = 16 + (1u << 20);
        uint8_t *z = calloc(zl, 1);
        CHECK(z != NULL);
        if (z) {
            memcpy(z, buf, 16);
            idx_t_path(p, sizeof p, "bomb.gz");
            CHECK(idx_t_write(p, z, zl, 1) == 0);
            idx_t_images_bad(p, "cannot hold");
            free(z);
        }
    }
    free(buf);
}

/* a damaged gzip stream: a flipped byte in the deflate data, a cut trailer, a cut stream */
static void idx_t_corrupt_gzip(void) {
    char p[512], q[512];
    uint8_t *buf;
    const size_t len = idx_t_images(&buf, IDX_MAGIC_IMAGES, 10, 28, 28);
    idx_t_path(p, sizeof p, "corrupt.gz");
    CHECK(idx_t_write(p, buf, len, 1) == 0);
    free(buf);
    FILE *f = fopen(p, "rb");
    CHECK(f != NULL);
    if (!f) return;
    uint8_t gzb[16384];
    const size_t gzlen = fread(gzb, 1, sizeof gzb, f);
    fclose(f);
    CHECK(gzlen > 1000 && gzlen < sizeof gzb);
    idx_t_path(q, sizeof q, "corrupt2.gz");
    gzb[gzlen / 2] ^= 0x55;
    CHECK(idx_t_write(q, gzb, gzlen, 0) == 0);
    idx_t_images_bad(q, ": ");
    gzb[gzlen / 2] ^= 0x55;
    gzb[gzlen - 6] ^= 0x01; /* the CRC-32 in the trailer */
    CHECK(idx_t_write(q, gzb, gzlen, 0) == 0);
    idx_t_images_bad(q, "incorrect data check");
    gzb[gzlen - 6] ^= 0x01;
    CHECK(idx_t_write(q, gzb, gzlen - 4, 0) == 0); /* no ISIZE */
    idx_t_images_bad(q, "gzip stream truncated");
    CHECK(idx_t_write(q, gzb, gzlen / 2, 0) == 0);
    idx_t_images_bad(q, "gzip stream truncated");
    CHECK(idx_t_write(q, gzb, 5, 0) == 0); /* a gzip header cut short */
    idx_t_images_bad(q, q);
}

/* mnist_load on directories made here */
static void idx_t_mnist(void) {
    char d[512], p[600], err[512];
    uint8_t *im, *lab;
    size_t len, llen;
    mnist_set s;

    idx_t_path(d, sizeof d, "mnist-good"); /* plain images, gzip labels; plain preferred */
    CHECK(mkdir(d, 0700) == 0);
    len = idx_t_images(&im, IDX_MAGIC_IMAGES, 3, 28, 28);
    llen = idx_t_labels(&lab, 3);
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte", d);
    CHECK(idx_t_write(p, im, len, 0) == 0);
    snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte.gz", d);
    CHECK(idx_t_write(p, lab, llen, 1) == 0);
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte.gz", d); /* must be ignored */
    CHECK(idx_t_write(p, im, 20, 1) == 0);
    CHECK(mnist_load(&s, d, "train", err, sizeof err) == 0);
    CHECK(s.n == 3 && s.rows == 28 && s.cols == 28);
    CHECK(s.images && memcmp(s.images, im + 16, 3 * 784) == 0);
    CHECK(s.labels && s.labels[0] == 5 && s.labels[2] == 7);
    mnist_free(&s);
    CHECK(s.images == NULL && s.labels == NULL && s.n == 0);
    mnist_free(&s); /* twice is harmless */
    idx_t_mnist_bad(d, "test", "t10k-images-idx3-ubyte: not found");
    idx_t_mnist_bad(d, "validation", "unknown MNIST set");
    idx_t_mnist_bad("/nonexistent-dir", "train", "/nonexistent-dir/train-images");

    /* count mismatch: 3 images, 4 labels */
    idx_t_path(d, sizeof d, "mnist-count");
    CHECK(mkdir(d, 0700) == 0);
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte.gz", d);
    CHECK(idx_t_write(p, im, len, 1) == 0);
    free(lab);
    llen = idx_t_labels(&lab, 4);
    snprintf(p, sizeof p, "%s/t10k-labels-idx1-ubyte", d);
    CHECK(idx_t_write(p, lab, llen, 0) == 0);
    idx_t_mnist_bad(d, "test", "4 labels, but");
    /* a bad label file through mnist_load */
    lab[8] = 200;
    CHECK(idx_t_write(p, lab, llen, 0) == 0);
    idx_t_mnist_bad(d, "test", "label 0 is 200");
    free(im);
    free(lab);

    /* not 28x28 */
    idx_t_path(d, sizeof d, "mnist-shape");
    CHECK(mkdir(d, 0700) == 0);
    len = idx_t_images(&im, IDX_MAGIC_IMAGES, 3, 27, 28);
    llen = idx_t_labels(&lab, 3);
    snprintf(p, sizeof p, "%s/train-images-idx3-ubyte", d);
    CHECK(idx_t_write(p, im, len, 0) == 0);
    snprintf(p, sizeof p, "%s/train-labels-idx1-ubyte", d);
    CHECK(idx_t_write(p, lab, llen, 0) == 0);
    idx_t_mnist_bad(d, "train", "27x28, MNIST needs 28x28");
    free(im);
    free(lab);
}

/* the real files, only if `make data` has been run (CI runs without them) */
static void idx_t_real(void) {
    if (access("data/train-labels-idx1-ubyte", R_OK) != 0 &&
        access("data/train-labels-idx1-ubyte.gz", R_OK) != 0)
        return;
    char err[512] = "";
    mnist_set s;
    int rc = mnist_load(&s, "data", "train", err, sizeof err);
    CHECK(rc == 0);
    if (rc != 0) printf("  (message: %s)\n", err);
    CHECK(s.n == 60000 && s.rows == 28 && s.cols == 28);
    CHECK(s.labels && s.labels[0] == 5);
    mnist_free(&s);
    rc = mnist_load(&s, "data", "test", err, sizeof err);
    CHECK(rc == 0);
    if (rc != 0) printf("  (message: %s)\n", err);
    CHECK(s.n == 10000 && s.labels && s.labels[0] == 7);
    mnist_free(&s);
}

void test_idx(void) {
    TEST_GROUP("idx: IDX and MNIST reader");
    idx_t_good();
    idx_t_bad();
    idx_t_corrupt_gzip();
    idx_t_mnist();
    idx_t_real();
}
