/* normalize.c: any digit image -> an MNIST-like 28x28 digit. The steps are in normalize.h. */
#include "normalize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int norm_cmp_u8(const void *a, const void *b) {
    return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

/* the median of the border pixels of pix (h, w), inverted if flip */
static int norm_border_median(const uint8_t *pix, int w, int h, int flip, uint8_t *scratch) {
    long k = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
                const uint8_t v = pix[(size_t)y * w + x];
                scratch[k++] = flip ? (uint8_t)(255 - v) : v;
            }
    qsort(scratch, (size_t)k, 1, norm_cmp_u8);
    return scratch[k / 2];
}

static long norm_border_count(int w, int h) {
    return (w == 1 || h == 1) ? (long)w * h : 2L * w + 2L * h - 4;
}

int norm_dark_on_light(const uint8_t *pix, int w, int h) {
    uint8_t *scratch = malloc((size_t)norm_border_count(w, h));
    if (!scratch) return 0;
    const int b = norm_border_median(pix, w, h, 0, scratch);
    free(scratch);
    int lo = 255, hi = 0;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        if (pix[i] < lo) lo = pix[i];
        if (pix[i] > hi) hi = pix[i];
    }
    if (b - lo != hi - b) return b - lo > hi - b;
    return b > 127;
}

void norm_centre_of_mass(const uint8_t *img, int w, int h, double *cx, double *cy) {
    double s = 0, sx = 0, sy = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const double v = img[y * w + x];
            s += v;
            sx += v * x;
            sy += v * y;
        }
    *cx = s > 0 ? sx / s : -1;
    *cy = s > 0 ? sy / s : -1;
}

/* Area-averaging along one axis: out[j] for j < on covers in[j r .. (j+1) r), r = n / on.
 * in has n samples at stride is, out has on samples at stride os. */
static void norm_resample_line(double *out, int on, size_t os, const double *in, int n,
                               size_t is) {
    const double r = (double)n / on;
    for (int j = 0; j < on; j++) {
        const double lo = j * r, hi = (j + 1) * r;
        double acc = 0;
        for (int i = (int)floor(lo); i < n && i < hi; i++) {
            const double a = i > lo ? i : lo, b = i + 1 < hi ? i + 1 : hi;
            if (b > a) acc += (b - a) * in[(size_t)i * is];
        }
        out[(size_t)j * os] = acc / r;
    }
}

int norm_mnist(uint8_t *out, const uint8_t *pix, int w, int h, norm_invert inv, int *inverted,
               char *err, size_t errn) {
    const int flip = inv == NORM_INVERT_YES || (inv == NORM_INVERT_AUTO && norm_dark_on_light(pix, w, h));
    if (inverted) *inverted = flip;
    memset(out, 0, NORM_FIELD * NORM_FIELD);

    /* step 2: background level = median of the border, contrast stretch */
    uint8_t *bord = malloc((size_t)norm_border_count(w, h));
    double *ink = malloc(sizeof(double) * (size_t)w * h);
    if (!bord || !ink) {
        free(bord);
        free(ink);
        if (err) snprintf(err, errn, "out of memory");
        return -1;
    }
    const int b = norm_border_median(pix, w, h, flip, bord);
    free(bord);
    int m = 0;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        const int v = flip ? 255 - pix[i] : pix[i];
        if (v > m) m = v;
    }
    int x0 = w, y0 = h, x1 = -1, y1 = -1;
    if (m - b >= NORM_MIN_CONTRAST) {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                const int v = flip ? 255 - pix[(size_t)y * w + x] : pix[(size_t)y * w + x];
                double s = 255.0 * (v - b) / (m - b);
                if (s < NORM_FLOOR) s = 0;
                ink[(size_t)y * w + x] = s;
                if (s > 0) {
                    if (x < x0) x0 = x;
                    if (x > x1) x1 = x;
                    if (y < y0) y0 = y;
                    if (y > y1) y1 = y;
                }
            }
    }
    if (x1 < 0) {
        free(ink);
        if (err) snprintf(err, errn, "no ink: the image is all background");
        return -1;
    }

    /* step 3: the bounding box into at most 20x20, aspect kept, by area-averaging */
    const int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const double s = (double)NORM_BOX / (bw > bh ? bw : bh);
    int ow = (int)lround(s * bw), oh = (int)lround(s * bh);
    if (ow < 1) ow = 1;
    if (oh < 1) oh = 1;
    double *tmp = malloc(sizeof(double) * (size_t)bh * ow); /* rows resampled: (bh, ow) */
    if (!tmp) {
        free(ink);
        if (err) snprintf(err, errn, "out of memory");
        return -1;
    }
    for (int y = 0; y < bh; y++)
        norm_resample_line(tmp + (size_t)y * ow, ow, 1, ink + (size_t)(y0 + y) * w + x0, bw, 1);
    free(ink);
    double box[NORM_BOX * NORM_BOX];
    for (int x = 0; x < ow; x++) norm_resample_line(box + x, oh, (size_t)ow, tmp + x, bh, (size_t)ow);
    free(tmp);
    /* the darkest resampled pixel becomes full ink (ours): thin strokes of a large image
     * would otherwise fade to grey when shrunk 20-fold */
    double bmax = 0;
    for (int i = 0; i < ow * oh; i++)
        if (box[i] > bmax) bmax = box[i];
    uint8_t boxu[NORM_BOX * NORM_BOX];
    for (int i = 0; i < ow * oh; i++) {
        const double v = 255.0 * box[i] / bmax;
        boxu[i] = (uint8_t)lround(v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /* step 4: centre of mass to the centre of the field, integer offset, box kept inside */
    double cx, cy;
    norm_centre_of_mass(boxu, ow, oh, &cx, &cy);
    const double c = (NORM_FIELD - 1) / 2.0;
    long ox = lround(c - cx), oy = lround(c - cy);
    if (ox < 0) ox = 0;
    if (oy < 0) oy = 0;
    if (ox > NORM_FIELD - ow) ox = NORM_FIELD - ow;
    if (oy > NORM_FIELD - oh) oy = NORM_FIELD - oh;
    for (int y = 0; y < oh; y++)
        memcpy(out + (size_t)(y + oy) * NORM_FIELD + ox, boxu + (size_t)y * ow, (size_t)ow);
    return 0;
}
