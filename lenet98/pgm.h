/* pgm.h: greyscale images for people: read P2 (ASCII) and P5 (binary) PGM, write P5.
 * Both return 0 on success, or -1 with a message "path: problem" in err (at most errn bytes,
 * err may be NULL). */
#ifndef PGM_H
#define PGM_H

#include <stddef.h>
#include <stdint.h>

#define PGM_MAX_SIDE 8192 /* width and height in 1..PGM_MAX_SIDE */

/* pix (h, w), row-major, malloc'ed (the caller frees); values scaled from 0..maxval to 0..255
 * (rounded). Accepts '#' comments between tokens, maxval 1..65535 (16-bit P5 samples are
 * big-endian). Rejects a bad magic, bad sizes, samples above maxval, truncated rasters and
 * data after the raster (trailing whitespace is allowed in P2), and anything that is not a
 * regular file (afile_input). On failure *pix is NULL. */
int pgm_read(const char *path, uint8_t **pix, int *w, int *h, char *err, size_t errn);

/* Writes pix (h, w) as an 8-bit P5 through afile_open (afile.h): atomically to a regular
 * file (a unique temporary renamed over path), directly to stdout ("-"), a device or a FIFO. */
int pgm_write(const char *path, const uint8_t *pix, int w, int h, char *err, size_t errn);

#endif
