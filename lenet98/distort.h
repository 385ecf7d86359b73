/* distort.h: the random planar affine distortions of Sec. III-C (Fig. 7): horizontal and
 * vertical translation, scaling, squeezing (horizontal compression with vertical elongation,
 * or the reverse) and horizontal shearing, resampled bilinearly with background (0) outside
 * the source image: by default in the network's 32x32 input field (distort_image_field, the
 * 28x28 image padded first, so ink moved past the 28x28 border is kept), or in the 28x28
 * image itself (distort_image; lenet98 train --distort-field 28).
 *
 * The training set of the paper is 60,000 originals + 540,000 distorted copies. Nothing is
 * stored: the parameters of copy `index` are a pure function of (seed, index) through a
 * counter-based hash (splitmix64), so any copy can be made again in any order, on any
 * thread, with no generator state. The paper gives no ranges; ours, and why, are in
 * README.md ("Distortions"). */
#ifndef DISTORT_H
#define DISTORT_H

#include <stdint.h>

enum { DISTORT_SIDE = 28 }; /* the MNIST image */
enum { DISTORT_FIELD = 32 }; /* the network's input field */

/* Half-widths of the uniform ranges. A zero range switches that distortion off. */
typedef struct {
    double translate; /* pixels: tx, ty in [-translate, +translate] */
    double scale;     /* s in [1 - scale, 1 + scale], both axes */
    double squeeze;   /* q in [1 - squeeze, 1 + squeeze]: width times q, height divided by q */
    double shear;     /* h in [-shear, +shear]: x += h * y (y measured from the centre) */
} distort_ranges;

/* Our defaults (README.md, "Distortions"): clearly recognisable digits. */
#define DISTORT_TRANSLATE 2.0
#define DISTORT_SCALE 0.15
#define DISTORT_SQUEEZE 0.15
#define DISTORT_SHEAR 0.3
extern const distort_ranges DISTORT_DEFAULT;

/* One drawn distortion. The map, about the centre c of the square it is applied in (15.5 in
 * the 32x32 field, 13.5 in the 28x28 image; x right, y down):
 *   x' = s q (x + h y) + tx,  y' = (s / q) y + ty   (x, y, x', y' relative to c). */
typedef struct {
    double tx, ty, s, q, h;
} distort_params;

/* A 64-bit hash of (seed, index, k), the k-th random word of copy `index` (splitmix64). */
uint64_t distort_hash(uint64_t seed, uint64_t index, uint64_t k);
/* The parameters of copy `index`: five uniform draws, one per parameter, from distort_hash. */
void distort_draw(distort_params *p, const distort_ranges *g, uint64_t seed, uint64_t index);
/* out (28,28) <- in (28,28) under p: each output pixel is the bilinear interpolation of the
 * input at the inverse image of its centre; outside the input is background 0. Rounded to
 * nearest. out and in must not overlap. */
void distort_apply(uint8_t *out, const uint8_t *in, const distort_params *p);
/* distort_draw then distort_apply: copy `index` of in. Pure, no allocation. */
void distort_image(uint8_t out[DISTORT_SIDE * DISTORT_SIDE],
                   const uint8_t in[DISTORT_SIDE * DISTORT_SIDE], const distort_ranges *g,
                   uint64_t seed, uint64_t index);

/* The same copy made in the network's 32x32 input field instead (the 28x28 image padded with
 * 2 background pixels a side first, the map about the field's centre 15.5), so ink moved past
 * the 28x28 border is kept (lenet98 train --distort-field 32). */
void distort_image_field(uint8_t out[DISTORT_FIELD * DISTORT_FIELD],
                         const uint8_t in[DISTORT_SIDE * DISTORT_SIDE],
                         const distort_ranges *g, uint64_t seed, uint64_t index);

/* The 600,000-pattern training set (Sec. III-C) over n originals: DISTORT_VERSIONS versions
 * of each, version 0 the original, version v >= 1 the distorted copy with index v * n + i.
 * distort_version gives the version of original i that pass `pass` (1-based) trains on:
 * (pass - 1 + o_i) mod DISTORT_VERSIONS with a per-original offset o_i from the hash, so in
 * any DISTORT_VERSIONS consecutive passes every one of the 10 n patterns is seen once. */
enum { DISTORT_VERSIONS = 10 };
int distort_version(uint64_t seed, long i, long pass);

#endif
