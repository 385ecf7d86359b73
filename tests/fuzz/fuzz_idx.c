/* fuzz_idx.c: the IDX reader (idx.h) on arbitrary bytes, read both as an image file and as
 * a label file. zlib recognises a gzip stream by its magic, so the same target fuzzes the
 * plain and the gzip path (the seed corpus has both); fuzz_idx_gz reaches the IDX parser
 * behind valid gzip. What a success promises: dimensions in range, every byte readable, every
 * label in 0..9. */
#include "fuzz.h"
#include "idx.h"

#include <stdlib.h>

/* both readers on the file at path */
static void fuzz_idx_path(const char *path) {
    char err[256];
    uint8_t *img = NULL;
    int n = -1, rows = -1, cols = -1;
    if (idx_read_images(path, &img, &n, &rows, &cols, err, sizeof err) == 0) {
        FUZZ_ASSERT(img != NULL);
        FUZZ_ASSERT(n >= 1 && n <= IDX_MAX_N);
        FUZZ_ASSERT(rows >= 1 && rows <= IDX_MAX_SIDE && cols >= 1 && cols <= IDX_MAX_SIDE);
        unsigned sum = 0;
        for (size_t i = 0; i < (size_t)n * rows * cols; i++) sum += img[i];
        (void)sum;
    } else {
        FUZZ_ASSERT(img == NULL && n == 0 && err[0] != 0);
    }
    free(img);
    uint8_t *lab = NULL;
    n = -1;
    if (idx_read_labels(path, &lab, &n, err, sizeof err) == 0) {
        FUZZ_ASSERT(lab != NULL && n >= 1 && n <= IDX_MAX_N);
        for (int i = 0; i < n; i++) FUZZ_ASSERT(lab[i] <= 9);
    } else {
        FUZZ_ASSERT(lab == NULL && n == 0 && err[0] != 0);
    }
    free(lab);
}

int fuzz_idx(const uint8_t *d, size_t n) {
    fuzz_idx_path(fuzz_file(d, n));
    return 0;
}

/* the input as the content of a gzip file: whole, cut short, and with one byte damaged (the
 * input's last byte picks where), so the gzip error paths are reached with valid headers */
int fuzz_idx_gz(const uint8_t *d, size_t n) {
    uint8_t *z = NULL;
    size_t zn = 0;
    if (fuzz_gzip(d, n, &z, &zn) != 0) return 0;
    fuzz_idx_path(fuzz_file(z, zn));
    const size_t at = n > 0 ? (size_t)d[n - 1] * 7919u % zn : 0;
    fuzz_idx_path(fuzz_file(z, at));
    z[at] ^= 0x20;
    fuzz_idx_path(fuzz_file(z, zn));
    free(z);
    return 0;
}
