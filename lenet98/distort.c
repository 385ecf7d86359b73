/* distort.c: random planar affine distortions of the training images (Sec. III-C, Fig. 7).
 * See distort.h for the map and README.md ("Distortions") for the ranges. */
#include "distort.h"

#include <assert.h>
#include <math.h>

const distort_ranges DISTORT_DEFAULT = {DISTORT_TRANSLATE, DISTORT_SCALE, DISTORT_SQUEEZE,
                                        DISTORT_SHEAR};

#define DISTORT_GAMMA 0x9e3779b97f4a7c15ull /* splitmix64's increment, 2^64 / golden ratio */

/* splitmix64's finaliser (Steele, Lea & Flood 2014): a bijection of 64-bit words whose
 * output bits each depend on every input bit. */
static uint64_t distort_mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t distort_hash(uint64_t seed, uint64_t index, uint64_t k) {
    uint64_t z = distort_mix(seed + DISTORT_GAMMA);
    z = distort_mix(z + (index + 1) * DISTORT_GAMMA);
    return distort_mix(z + (k + 1) * DISTORT_GAMMA);
}

/* uniform in [-1, 1) from the top 53 bits of a hash */
static double distort_sym(uint64_t h) {
    return 2.0 * ((double)(h >> 11) * 0x1p-53) - 1.0;
}

void distort_draw(distort_params *p, const distort_ranges *g, uint64_t seed, uint64_t index) {
    p->tx = g->translate * distort_sym(distort_hash(seed, index, 0));
    p->ty = g->translate * distort_sym(distort_hash(seed, index, 1));
    p->s = 1.0 + g->scale * distort_sym(distort_hash(seed, index, 2));
    p->q = 1.0 + g->squeeze * distort_sym(distort_hash(seed, index, 3));
    p->h = g->shear * distort_sym(distort_hash(seed, index, 4));
}

/* floor(v), exactly, for |v| < 2^62, without a libm call (this file is not built for SSE4.1,
 * which has an instruction for it) */
static inline double distort_floor(double v) {
    const double t = (double)(long long)v; /* toward zero */
    return t > v ? t - 1.0 : t;
}

/* lround(v) for 0 <= v < 2^52, exactly, without a libm call: v - trunc(v) is exact there,
 * and a half rounds away from zero */
static inline long distort_round(double v) {
    const long r = (long)v;
    return r + (v - (double)r >= 0.5);
}

/* out (side,side) <- in (src,src) centred in a side x side field of background (src <= side),
 * under p, about the field's centre. Bilinear: the four pixels about the source point, 0
 * outside the field, read from a copy of the field with a border of zeros (every read in
 * bounds, no test per pixel). */
static void distort_apply_side(uint8_t *out, const uint8_t *in, int src,
                               const distort_params *p, int side) {
    assert(p->s > 0 && p->q > 0 && src <= side && side <= DISTORT_FIELD);
    enum { PS = DISTORT_FIELD + 2 }; /* the bordered copy's row stride */
    const int o = (side - src) / 2 + 1; /* where in's first pixel goes: row and column */
    uint8_t pad[PS * PS] = {0};
    for (int y = 0; y < src; y++)
        for (int x = 0; x < src; x++) pad[(y + o) * PS + x + o] = in[y * src + x];
    const double c = 0.5 * (side - 1); /* the centre in pixel units: 15.5 (32), 13.5 (28) */
    const double sx = 1.0 / (p->s * p->q), sy = p->q / p->s;
    for (int yo = 0; yo < side; yo++) {
        /* inverse map: y = (y' - ty) q / s, x = (x' - tx) / (s q) - h y */
        const double y = (yo - c - p->ty) * sy;
        const double ys = y + c;
        const double y0 = distort_floor(ys), fy = ys - y0;
        for (int xo = 0; xo < side; xo++) {
            const double xs = (xo - c - p->tx) * sx - p->h * y + c;
            const double x0 = distort_floor(xs), fx = xs - x0;
            double v = 0.0;
            if (xs > -1.0 && xs < side && ys > -1.0 && ys < side) {
                /* ix, iy in -1 .. side - 1: rows and columns 0 .. side of pad */
                const uint8_t *q = pad + ((int)y0 + 1) * PS + (int)x0 + 1;
                v = (1 - fy) * ((1 - fx) * q[0] + fx * q[1]) +
                    fy * ((1 - fx) * q[PS] + fx * q[PS + 1]);
            }
            /* v is a convex combination of grey levels: 0 <= v <= 255 */
            const long r = distort_round(v);
            out[yo * side + xo] = (uint8_t)(r < 0 ? 0 : r > 255 ? 255 : r);
        }
    }
}

void distort_apply(uint8_t *out, const uint8_t *in, const distort_params *p) {
    distort_apply_side(out, in, DISTORT_SIDE, p, DISTORT_SIDE);
}

void distort_image(uint8_t out[DISTORT_SIDE * DISTORT_SIDE],
                   const uint8_t in[DISTORT_SIDE * DISTORT_SIDE], const distort_ranges *g,
                   uint64_t seed, uint64_t index) {
    distort_params p;
    distort_draw(&p, g, seed, index);
    distort_apply(out, in, &p);
}

void distort_image_field(uint8_t out[DISTORT_FIELD * DISTORT_FIELD],
                         const uint8_t in[DISTORT_SIDE * DISTORT_SIDE],
                         const distort_ranges *g, uint64_t seed, uint64_t index) {
    distort_params p;
    distort_draw(&p, g, seed, index);
    distort_apply_side(out, in, DISTORT_SIDE, &p, DISTORT_FIELD); /* the image padded first */
}

int distort_version(uint64_t seed, long i, long pass) {
    assert(i >= 0 && pass >= 1);
    /* k = 5: a word none of the five parameter draws uses */
    const int o = (int)(distort_hash(seed, (uint64_t)i, 5) % DISTORT_VERSIONS);
    return (int)((pass - 1 + o) % DISTORT_VERSIONS);
}
