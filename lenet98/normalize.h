/* normalize.h: a digit image of any size made to look like an MNIST digit (Sec. III-A):
 * ink bright on a dark background, the ink's bounding box fitted into 20x20 keeping its aspect
 * ratio (antialiased: area-averaging resampling), then placed in a 28x28 field so that its
 * centre of mass is at the field's centre. lenet_code_input then pads it to 32x32.
 *
 * Steps, in order (the choices the paper leaves open are ours and marked so):
 *   1. polarity: MNIST is light ink (255) on black (0). Dark ink on light paper is inverted.
 *      auto (ours): the background b is the median of the border pixels; the ink is the
 *      extreme farthest from it: dark-on-light when b - min > max - b (on a tie, when
 *      b > 127). A light card on grey paper with dark ink is still dark-on-light.
 *   2. finding the digit (ours): the background is estimated per 3x3 cell of the image
 *      (its median, interpolated between cells) and subtracted, which removes
 *      uneven lighting; the contrast is the 99.9th percentile of what is left. Below
 *      NORM_MIN_CONTRAST: an error "contrast too low" giving it; 0: "no ink". Ink is what
 *      lies above Otsu's threshold of that histogram; its 8-connected components are the
 *      marks. The digit is the heaviest mark plus the marks of at least NORM_PART of its
 *      mass touching its box grown by 1/8 of its long side (a broken stroke) but no edge
 *      of the image; specks and border clutter (marks touching the edge) are dropped (norm_report says how much). Another mark of NORM_RIVAL of the digit's
 *      mass outside it: an error "several separate marks". The kept marks and their faint
 *      edges give ink = 255 v / contrast, clamped, values below NORM_FLOOR set to 0.
 *   3. the bounding box of the ink (bw x bh) is scaled by s = 20 / max(bw, bh) to
 *      round(s bw) x round(s bh) by area-averaging (each output pixel is the mean of the
 *      source area it covers, partial pixels weighted by overlap): antialiased when shrinking,
 *      blocky-with-blended-edges when enlarging; then scaled so its largest value is 255
 *      (ours: thin strokes of a large image would fade to grey when shrunk 20-fold).
 *   4. the box goes into the 28x28 field at the integer offset that puts its centre of mass
 *      nearest to (13.5, 13.5), the centre of the field; the offset is clamped to keep the
 *      whole box inside (ours: MNIST could clip very lopsided digits). */
#ifndef NORMALIZE_H
#define NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

typedef enum { NORM_INVERT_AUTO = 0, NORM_INVERT_YES = 1, NORM_INVERT_NO = 2 } norm_invert;

#define NORM_BOX 20           /* the bounding box fits in 20x20 */
#define NORM_FIELD 28         /* in a 28x28 field */
#define NORM_FLOOR 26         /* ink below 10% of the range is background */
#define NORM_MIN_CONTRAST 32  /* less contrast than this (of 255): too faint to trust */
#define NORM_PART 0.02        /* a mark this heavy near the digit is part of it */
#define NORM_RIVAL 0.3        /* a mark this heavy apart from the digit: two things */

/* What step 2 found: the measured contrast (0..255), the number of marks, the fraction of
 * the ink's mass dropped as specks or clutter. */
typedef struct {
    int contrast;
    int marks;
    double discarded;
} norm_report;

/* 1 if pix (h, w) looks like dark ink on a light background (step 1's auto rule), else 0. */
int norm_dark_on_light(const uint8_t *pix, int w, int h);

/* pix (h, w) -> out (28, 28), 0 = background, 255 = ink. inv says whether to invert (auto:
 * norm_dark_on_light). *inverted (may be NULL) gets whether the image was inverted.
 * Returns 0, or -1 with a message (without a path) in err: no ink, contrast too low,
 * several separate marks. */
int norm_mnist(uint8_t *out, const uint8_t *pix, int w, int h, norm_invert inv, int *inverted,
               char *err, size_t errn);
/* The same, and what step 2 found in *rep (may be NULL; filled also on failure). */
int norm_mnist_report(uint8_t *out, const uint8_t *pix, int w, int h, norm_invert inv,
                      int *inverted, norm_report *rep, char *err, size_t errn);

/* Centre of mass (x, y) of a 28x28 image, in pixel-index coordinates; -1, -1 if all zero. */
void norm_centre_of_mass(const uint8_t *img, int w, int h, double *cx, double *cy);

#endif
