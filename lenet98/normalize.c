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

/* step 2a (ours): the background, estimated on a 3x3 grid of cells (each cell's median
 * ink is the minority of a cell) and interpolated bilinearly between
 * cell centres, so that uneven lighting is removed; an image under 48 pixels a side is one
 * cell. bg (h, w). */
static void norm_background(double *bg, const uint8_t *pix, int w, int h, int flip) {
    enum { G = 3 };
    const int gx = w < 48 ? 1 : G, gy = h < 48 ? 1 : G;
    double cell[G][G];
    for (int j = 0; j < gy; j++)
        for (int i = 0; i < gx; i++) {
            const int xa = i * w / gx, xb = (i + 1) * w / gx, ya = j * h / gy, yb = (j + 1) * h / gy;
            long hist[256] = {0}, n = 0;
            for (int y = ya; y < yb; y++)
                for (int x = xa; x < xb; x++) {
                    const uint8_t v = pix[(size_t)y * w + x];
                    hist[flip ? 255 - v : v]++;
                    n++;
                }
            long acc = 0;
            int k = 0;
            while (k < 255 && (acc += hist[k]) * 2 < n) k++;
            cell[j][i] = k;
        }
    for (int y = 0; y < h; y++) {
        double fy = gy == 1 ? 0 : (y + 0.5) * gy / h - 0.5;
        fy = fy < 0 ? 0 : fy > gy - 1 ? gy - 1 : fy;
        const int j0 = (int)fy, j1 = j0 + 1 < gy ? j0 + 1 : j0;
        const double ty = fy - j0;
        for (int x = 0; x < w; x++) {
            double fx = gx == 1 ? 0 : (x + 0.5) * gx / w - 0.5;
            fx = fx < 0 ? 0 : fx > gx - 1 ? gx - 1 : fx;
            const int i0 = (int)fx, i1 = i0 + 1 < gx ? i0 + 1 : i0;
            const double tx = fx - i0;
            bg[(size_t)y * w + x] = (1 - ty) * ((1 - tx) * cell[j0][i0] + tx * cell[j0][i1]) +
                                    ty * ((1 - tx) * cell[j1][i0] + tx * cell[j1][i1]);
        }
    }
}

/* step 2b: Otsu's threshold (1979) of values v (n) in 0..255: the t maximising the
 * between-class variance of {v <= t} and {v > t}. */
static int norm_otsu(const double *v, size_t n) {
    double hist[256] = {0}, sum = 0;
    for (size_t i = 0; i < n; i++) {
        const int k = (int)v[i];
        hist[k < 0 ? 0 : k > 255 ? 255 : k]++;
    }
    for (int k = 0; k < 256; k++) sum += k * hist[k];
    double w0 = 0, s0 = 0, best = -1;
    int t = 0;
    for (int k = 0; k < 255; k++) {
        w0 += hist[k];
        s0 += k * hist[k];
        const double w1 = (double)n - w0;
        if (w0 == 0 || w1 == 0) continue;
        const double m0 = s0 / w0, m1 = (sum - s0) / w1, b = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (b > best) {
            best = b;
            t = k;
        }
    }
    return t;
}

int norm_mnist(uint8_t *out, const uint8_t *pix, int w, int h, norm_invert inv, int *inverted,
               char *err, size_t errn) {
    return norm_mnist_report(out, pix, w, h, inv, inverted, NULL, err, errn);
}

int norm_mnist_report(uint8_t *out, const uint8_t *pix, int w, int h, norm_invert inv,
                      int *inverted, norm_report *rep, char *err, size_t errn) {
    const int flip = inv == NORM_INVERT_YES || (inv == NORM_INVERT_AUTO && norm_dark_on_light(pix, w, h));
    if (inverted) *inverted = flip;
    memset(out, 0, NORM_FIELD * NORM_FIELD);
    norm_report rr = {0, 0, 0};
    if (!rep) rep = &rr;
    *rep = rr;

    const size_t np = (size_t)w * h;
    double *ink = malloc(sizeof(double) * np);
    int *lab = malloc(sizeof(int) * np), *stack = malloc(sizeof(int) * np);
    if (!ink || !lab || !stack) {
        free(ink);
        free(lab);
        free(stack);
        if (err) snprintf(err, errn, "out of memory");
        return -1;
    }
    /* step 2a: v - background, >= 0; the contrast is the 99.9th percentile of it (ours: a
     * few hot pixels do not count as ink) */
    norm_background(ink, pix, w, h, flip);
    long hist[256] = {0};
    for (size_t i = 0; i < np; i++) {
        const int v = flip ? 255 - pix[i] : pix[i];
        const double d = v - ink[i];
        ink[i] = d > 0 ? d : 0;
        hist[(int)ink[i]]++;
    }
    int contrast = 255;
    {
        long acc = 0;
        while (contrast > 0 && (acc += hist[contrast]) * 1000 < (long)np) contrast--;
        if (np < 1000) {
            contrast = 0;
            for (size_t i = 0; i < np; i++)
                if (ink[i] > contrast) contrast = (int)ink[i];
        }
    }
    rep->contrast = contrast;
    int rc = 0;
    if (contrast == 0) {
        if (err) snprintf(err, errn, "no ink: the image is all background");
        rc = -1;
        goto done;
    }
    if (contrast < NORM_MIN_CONTRAST) {
        if (err)
            snprintf(err, errn, "contrast too low: the ink differs from the background by %d "
                     "of 255 (at least %d needed); rescan darker or stretch the levels",
                     contrast, NORM_MIN_CONTRAST);
        rc = -1;
        goto done;
    }
    /* step 2b: ink = above Otsu's threshold (and above NORM_FLOOR of the contrast); its
     * 8-connected components; the digit is the heaviest (sum of v) and the others of at
     * least NORM_PART of its mass that touch its box grown by an eighth of its longer side (the parts of
     * a broken stroke) and touch no edge of the image; the rest (specks, border clutter) is
     * dropped */
    int t = norm_otsu(ink, np);
    if (t < contrast * NORM_FLOOR / 255) t = contrast * NORM_FLOOR / 255;
    int nc = 0;
    for (size_t i = 0; i < np; i++) lab[i] = -1;
    typedef struct {
        double mass;
        int x0, y0, x1, y1;
    } comp;
    comp *cs = NULL;
    int ncap = 0;
    for (size_t i0 = 0; i0 < np; i0++) {
        if (lab[i0] >= 0 || ink[i0] <= t) continue;
        if (nc == ncap) {
            ncap = ncap ? 2 * ncap : 64;
            comp *g = realloc(cs, sizeof *cs * (size_t)ncap);
            if (!g) {
                free(cs);
                if (err) snprintf(err, errn, "out of memory");
                rc = -1;
                goto done;
            }
            cs = g;
        }
        comp c = {0, w, h, -1, -1};
        long sp = 0;
        stack[sp++] = (int)i0;
        lab[i0] = nc;
        while (sp > 0) {
            const int i = stack[--sp], x = i % w, y = i / w;
            c.mass += ink[i];
            if (x < c.x0) c.x0 = x;
            if (x > c.x1) c.x1 = x;
            if (y < c.y0) c.y0 = y;
            if (y > c.y1) c.y1 = y;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    const int u = x + dx, v = y + dy;
                    if (u < 0 || v < 0 || u >= w || v >= h) continue;
                    const int k = v * w + u;
                    if (lab[k] < 0 && ink[k] > t) {
                        lab[k] = nc;
                        stack[sp++] = k;
                    }
                }
        }
        cs[nc++] = c;
    }
    if (nc == 0) {
        free(cs);
        if (err) snprintf(err, errn, "no ink: the image is all background");
        rc = -1;
        goto done;
    }
    int main_c = 0;
    double total = 0;
    for (int k = 0; k < nc; k++) {
        total += cs[k].mass;
        if (cs[k].mass > cs[main_c].mass) main_c = k;
    }
    /* the heaviest other mark: as heavy as NORM_RIVAL of the digit and apart from it means
     * the image holds more than one digit-sized thing */
    const comp M = cs[main_c];
    const int side = M.x1 - M.x0 > M.y1 - M.y0 ? M.x1 - M.x0 + 1 : M.y1 - M.y0 + 1;
    const int gw = side / 8 + 1, gh = gw;
    unsigned char *keep = calloc((size_t)nc, 1);
    if (!keep) {
        free(cs);
        if (err) snprintf(err, errn, "out of memory");
        rc = -1;
        goto done;
    }
    int x0 = w, y0 = h, x1 = -1, y1 = -1, rival = -1;
    double kept = 0;
    for (int k = 0; k < nc; k++) {
        const comp *c = &cs[k];
        const int near = c->x1 >= M.x0 - gw && c->x0 <= M.x1 + gw && c->y1 >= M.y0 - gh &&
                         c->y0 <= M.y1 + gh;
        const int edge = c->x0 == 0 || c->y0 == 0 || c->x1 == w - 1 || c->y1 == h - 1;
        if (k == main_c || (near && !edge && c->mass >= NORM_PART * M.mass)) {
            keep[k] = 1;
            kept += c->mass;
            if (c->x0 < x0) x0 = c->x0;
            if (c->x1 > x1) x1 = c->x1;
            if (c->y0 < y0) y0 = c->y0;
            if (c->y1 > y1) y1 = c->y1;
        } else if (!edge && c->mass >= NORM_RIVAL * M.mass &&
                   (rival < 0 || c->mass > cs[rival].mass)) {
            rival = k;
        }
    }
    rep->marks = nc;
    rep->discarded = total > 0 ? 1 - kept / total : 0;
    if (rival >= 0) {
        if (err)
            snprintf(err, errn, "several separate marks of similar size (%d marks; the two "
                     "largest at (%d,%d)-(%d,%d) and (%d,%d)-(%d,%d)); crop to one digit",
                     nc, M.x0, M.y0, M.x1, M.y1, cs[rival].x0, cs[rival].y0, cs[rival].x1,
                     cs[rival].y1);
        free(cs);
        free(keep);
        rc = -1;
        goto done;
    }
    /* the digit's ink: kept components at full value, and their faint edge (pixels below
     * the threshold touching them) as measured; everything else is background */
    for (size_t i = 0; i < np; i++) stack[i] = lab[i] >= 0 && keep[lab[i]];
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            const size_t i = (size_t)y * w + x;
            int on = stack[i];
            for (int dy = -1; !on && dy <= 1; dy++)
                for (int dx = -1; !on && dx <= 1; dx++) {
                    const int u = x + dx, v = y + dy;
                    if (u >= 0 && v >= 0 && u < w && v < h && stack[(size_t)v * w + u]) on = 1;
                }
            double s = on ? 255.0 * ink[i] / contrast : 0;
            if (s > 255) s = 255;
            if (s < NORM_FLOOR) s = 0;
            lab[i] = (int)lround(s); /* reuse: the digit's ink, 0..255 */
        }
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) ink[(size_t)y * w + x] = lab[(size_t)y * w + x];
    free(cs);
    free(keep);
    free(lab);
    free(stack);
    lab = stack = NULL;
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
done:
    free(ink);
    free(lab);
    free(stack);
    return rc;
}
