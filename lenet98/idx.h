/* idx.h: a strict reader for the IDX files of MNIST (LeCun et al. 1998, Sec. III-A), plain or
 * gzip-compressed (zlib reads both transparently).
 *
 * File layout (all integers big-endian):
 *   images: magic 0x00000803, n, rows, cols, then n*rows*cols uint8 pixels, row-major
 *   labels: magic 0x00000801, n, then n uint8 labels in 0..9
 * Anything else is an error: wrong magic, zero or absurd dimensions, a file shorter or longer
 * than its header promises, a label outside 0..9, a damaged gzip stream, a path that is not a
 * regular file (a FIFO, a device: afile_input). The header is checked before the body is
 * read: the counts in range, a plain file exactly as long as promised, a gzip file long
 * enough to hold it (deflate expands at most 1032-fold). Memory grows only with the bytes
 * actually read, never past what the header allows, so neither a short file claiming a huge
 * n nor a gzip bomb can exhaust memory.
 *
 * Every function returns 0 on success, or -1 with a message "path: problem" in err (at most
 * errn bytes, always NUL-terminated; err may be NULL). On failure nothing is allocated. */
#ifndef IDX_H
#define IDX_H

#include <stddef.h>
#include <stdint.h>

#define IDX_MAGIC_IMAGES 0x00000803u
#define IDX_MAGIC_LABELS 0x00000801u
#define IDX_MAX_N 1000000   /* at most this many items per file (MNIST has 60,000) */
#define IDX_MAX_BYTES (1ull << 30) /* at most this many pixels per file */
#define IDX_MAX_SIDE 1024   /* rows and cols in 1..IDX_MAX_SIDE */

typedef struct {
    int n, rows, cols;
    uint8_t *images; /* (n, rows, cols), row-major, 0 = background, 255 = ink */
    uint8_t *labels; /* (n), each in 0..9 */
} mnist_set;

/* images (n, rows, cols): malloc'ed, the caller frees. Any rows, cols in 1..IDX_MAX_SIDE. */
int idx_read_images(const char *path, uint8_t **images, int *n, int *rows, int *cols, char *err,
                    size_t errn);
/* labels (n): malloc'ed, the caller frees. */
int idx_read_labels(const char *path, uint8_t **labels, int *n, char *err, size_t errn);

/* which is "train" (60000) or "test" (10000, the t10k files). Reads DIR/<name> or, if that
 * does not exist, DIR/<name>.gz. Requires 28x28 images (in the header, before the body is
 * read) and as many labels as images. Both files become inputs afile_open refuses to
 * overwrite (afile_protect).
 * On failure *s is all zero (mnist_free on it is harmless). */
int mnist_load(mnist_set *s, const char *dir, const char *which, char *err, size_t errn);
/* Frees what mnist_load allocated and zeroes *s; safe on a zeroed or already-freed set. */
void mnist_free(mnist_set *s);

#endif
