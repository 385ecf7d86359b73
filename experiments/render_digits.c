/* render_digits.c: MNIST test digits made to look like scans and photos, to test `lenet98
 * classify` on real-image troubles. For digits A..B of the test set, writes to DIR
 * one PGM per kind (dark ink on light paper unless said):
 *   clean     the digit enlarged 4x (bilinear) into a 160x160 page, paper 235, ink 20
 *   small     enlarged 2x into a 200x200 page (a small digit on a large scan)
 *   thick     clean, strokes dilated by 2 pixels (3x3 max, twice)
 *   thin      clean, strokes eroded by 1 pixel (3x3 min)
 *   specks    clean with 12 dark 2x2 specks near the edges
 *   noise     clean with Gaussian sensor noise, sigma 25
 *   uneven    clean under a lighting gradient: paper from 250 (top left) to 120 (bottom right)
 *   lowcon    ink 170 on paper 215 (contrast 45)
 *   inverted  light ink (235) on dark paper (20)
 * and DIR/labels.tsv: file, kind, label. Noise and specks from gsl_rng mt19937, seed 1.
 * usage: render_digits DATA_DIR A B OUT_DIR */
#include "idx.h"
#include "pgm.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { S = 160, NK = 9 };
static const char *const KINDS[NK] = {"clean", "small", "thick", "thin",    "specks",
                                      "noise", "uneven", "lowcon", "inverted"};

/* in (28,28) ink 0..255 -> out (side, side) ink 0..1, enlarged by f, centred; bilinear */
static void render_enlarge(double *out, int side, const uint8_t *in, int f) {
    const int off = (side - 28 * f) / 2;
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            const double u = (x - off + 0.5) / f - 0.5, v = (y - off + 0.5) / f - 0.5;
            const int i = (int)(u < 0 ? u - 1 : u), j = (int)(v < 0 ? v - 1 : v);
            const double a = u - i, b = v - j;
            double acc = 0;
            for (int dj = 0; dj <= 1; dj++)
                for (int di = 0; di <= 1; di++) {
                    const int ii = i + di, jj = j + dj;
                    if (ii < 0 || jj < 0 || ii >= 28 || jj >= 28) continue;
                    acc += (di ? a : 1 - a) * (dj ? b : 1 - b) * in[jj * 28 + ii];
                }
            out[y * side + x] = acc / 255;
        }
}

/* 3x3 max (grow) or min (shrink) of im (side, side) */
static void render_morph(double *im, int side, int grow) {
    double *t = malloc(sizeof *t * (size_t)side * side);
    if (!t) abort();
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            double v = im[y * side + x];
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    const int u = x + dx, w = y + dy;
                    if (u < 0 || w < 0 || u >= side || w >= side) continue;
                    const double q = im[w * side + u];
                    if (grow ? q > v : q < v) v = q;
                }
            t[y * side + x] = v;
        }
    memcpy(im, t, sizeof *t * (size_t)side * side);
    free(t);
}

static uint8_t render_clamp(double v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v + 0.5); }

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: render_digits DATA_DIR A B OUT_DIR\n");
        return 2;
    }
    char err[1024], path[4200];
    mnist_set s;
    if (mnist_load(&s, argv[1], "test", err, sizeof err) != 0) {
        fprintf(stderr, "render_digits: %s\n", err);
        return 1;
    }
    const long a = strtol(argv[2], NULL, 10), b = strtol(argv[3], NULL, 10);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    snprintf(path, sizeof path, "%s/labels.tsv", argv[4]);
    FILE *lab = fopen(path, "w");
    if (!lab || !r || a < 0 || b >= s.n || b < a) {
        fprintf(stderr, "render_digits: %s: cannot write, or bad range\n", path);
        return 1;
    }
    fprintf(lab, "file\tkind\tlabel\n");
    enum { SS = 200 };
    double *ink = malloc(sizeof *ink * SS * SS);
    uint8_t *pix = malloc(SS * SS);
    if (!ink || !pix) abort();
    for (long i = a; i <= b; i++) {
        const uint8_t *d = s.images + (size_t)i * 784;
        for (int k = 0; k < NK; k++) {
            const int side = k == 1 ? SS : S;
            render_enlarge(ink, side, d, k == 1 ? 2 : 4);
            if (k == 2) {
                render_morph(ink, side, 1);
                render_morph(ink, side, 1);
            }
            if (k == 3) render_morph(ink, side, 0);
            double paper = 235, dark = 20;
            if (k == 7) paper = 215, dark = 170;
            if (k == 8) paper = 20, dark = 235;
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++) {
                    double p = paper;
                    if (k == 6) p = 250 - 130.0 * (x + y) / (2.0 * (side - 1));
                    const double t = ink[y * side + x];
                    double v = p + (dark - p) * t;
                    if (k == 5) v += gsl_ran_gaussian(r, 25);
                    pix[y * side + x] = render_clamp(v);
                }
            if (k == 4)
                for (int n = 0; n < 12; n++) {
                    const int e = (int)gsl_rng_uniform_int(r, 4);
                    const int along = 2 + (int)gsl_rng_uniform_int(r, (unsigned long)side - 4);
                    const int in = 1 + (int)gsl_rng_uniform_int(r, 12);
                    const int x = e == 0 ? in : e == 1 ? side - 3 - in : along - 2;
                    const int y = e == 2 ? in : e == 3 ? side - 3 - in : along - 2;
                    for (int dy = 0; dy < 2; dy++)
                        for (int dx = 0; dx < 2; dx++) pix[(y + dy) * side + x + dx] = 20;
                }
            snprintf(path, sizeof path, "%s/%05ld-%s.pgm", argv[4], i, KINDS[k]);
            if (pgm_write(path, pix, side, side, err, sizeof err) != 0) {
                fprintf(stderr, "render_digits: %s\n", err);
                return 1;
            }
            fprintf(lab, "%s\t%s\t%d\n", path, KINDS[k], s.labels[i]);
        }
    }
    fclose(lab);
    free(ink);
    free(pix);
    gsl_rng_free(r);
    mnist_free(&s);
    return 0;
}
