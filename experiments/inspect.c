/* inspect.c: what a trained network computes, as gnuplot-readable matrices (for the figures
 * of the trained models).
 *
 *   inspect prototypes MODEL DATA OUT   the ten 7x12 codes (row 1) and the mean F6 state of
 *                                       the correctly classified test digits of each class
 *                                       (row 2), one mosaic; then per-class counts
 *   inspect fig4 DATA OUT [N]           the first N (default 128) test digits as the network
 *                                       receives them (32x32 coded input), 16 per row
 *   inspect fig8 MODEL DATA OUT         every misclassified test digit (28x28), 14 per row,
 *                                       and a label block "true->predicted"
 *   inspect maps MODEL DATA OUT INDEX   test digit INDEX through the network: input, C1, S2,
 *                                       C3, S4, F6 (7x12), the ten outputs, then C5 (12x10)
 *
 * OUT is a gnuplot data file: a '#' header (model, seed, revision, command), then blocks
 * separated by two blank lines (gnuplot's `index`): matrices are written row by row, row 0
 * first, "NaN" where a mosaic has a gap (drawn transparent); label blocks are "x y text".
 * Written atomically. Exit 0, 1 on an I/O error, 2 on a usage error. */
#include "afile.h"
#include "cli.h"
#include "eval.h"
#include "idx.h"
#include "lenet.h"
#include "model.h"
#include "revision.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- mosaics: a (h, w) array of doubles, NaN where nothing is drawn -------------------- */
typedef struct {
    int w, h;
    double *v;
} mosaic;

static int mosaic_alloc(mosaic *m, int w, int h) {
    m->w = w;
    m->h = h;
    m->v = malloc(sizeof(double) * (size_t)w * h);
    if (!m->v) return -1;
    for (size_t i = 0; i < (size_t)w * h; i++) m->v[i] = NAN;
    return 0;
}

/* img (ih, iw) of reals at column x, row y of the mosaic */
static void mosaic_put(mosaic *m, const real *img, int iw, int ih, int x, int y) {
    for (int j = 0; j < ih; j++)
        for (int i = 0; i < iw; i++) m->v[(size_t)(y + j) * m->w + x + i] = img[j * iw + i];
}

static void mosaic_write(FILE *f, const mosaic *m) {
    for (int y = 0; y < m->h; y++) {
        for (int x = 0; x < m->w; x++) {
            const double v = m->v[(size_t)y * m->w + x];
            if (isnan(v))
                fputs(x ? " NaN" : "NaN", f);
            else
                fprintf(f, x ? " %.4g" : "%.4g", v);
        }
        fputc('\n', f);
    }
    fputs("\n\n", f);
}

/* n maps of (mh, mw) laid out `per` to a row with a gap of `gap` pixels */
static int mosaic_maps(mosaic *m, const real *maps, int n, int mw, int mh, int per, int gap) {
    const int rows = (n + per - 1) / per, cols = n < per ? n : per;
    if (mosaic_alloc(m, cols * (mw + gap) - gap, rows * (mh + gap) - gap)) return -1;
    for (int k = 0; k < n; k++)
        mosaic_put(m, maps + (size_t)k * mw * mh, mw, mh, (k % per) * (mw + gap),
                   (k / per) * (mh + gap));
    return 0;
}

/* ---- shared ---------------------------------------------------------------------------- */
static int usage(void) {
    fputs("usage: inspect prototypes MODEL DATA OUT | fig4 DATA OUT [N] |\n"
          "               fig8 MODEL DATA OUT | maps MODEL DATA OUT INDEX\n",
          stderr);
    return EXIT_USAGE;
}

static lenet_model *load(const char *path, uint64_t *seed) {
    char err[1024];
    lenet_model *m = model_load(path, seed, err, sizeof err);
    if (!m) fprintf(stderr, "inspect: %s\n", err);
    return m;
}

static void header(FILE *f, int argc, char **argv, const char *model, uint64_t seed) {
    fprintf(f, "# model %s; seed %llu; revision %s\n# command:", model ? model : "-",
            (unsigned long long)seed, lenet_revision());
    for (int i = 0; i < argc; i++) fprintf(f, " %s", argv[i]);
    fputc('\n', f);
}

/* the coded 32x32 input of test digit i, as the model (or the paper's coding) sees it */
static void coded(real *in, const mnist_set *s, long i, const lenet_model *m) {
    eval_pattern(in, s, i, m ? m->arch.input : LENET_INPUT_PAPER);
}

/* ---- the subcommands ------------------------------------------------------------------- */
static int do_prototypes(FILE *f, const lenet_model *m, const mnist_set *s) {
    if (m->arch.out != LENET_OUT_RBF) {
        fprintf(stderr, "inspect: prototypes needs a model with the RBF output\n");
        return 1;
    }
    double sum[OUT_N][F6_N] = {{0}};
    long count[OUT_N] = {0}, total[OUT_N] = {0};
    lenet_acts *a = lenet_acts_alloc();
    if (!a) return 1;
    for (long i = 0; i < s->n; i++) {
        coded(a->x.in, s, i, m);
        lenet_forward(m, a);
        const int y = s->labels[i];
        total[y]++;
        if (lenet_predict(m, a->x.out) != y) continue;
        count[y]++;
        for (int k = 0; k < F6_N; k++) sum[y][k] += a->x.f6[k];
    }
    lenet_acts_free(a);
    enum { GAP = 2 };
    mosaic mo;
    if (mosaic_alloc(&mo, OUT_N * (RBF_COLS + GAP) - GAP, 2 * RBF_ROWS + 3)) return 1;
    real cell[F6_N];
    for (int d = 0; d < OUT_N; d++) {
        mosaic_put(&mo, m->codes + d * F6_N, RBF_COLS, RBF_ROWS, d * (RBF_COLS + GAP), 0);
        for (int k = 0; k < F6_N; k++) cell[k] = (real)(count[d] ? sum[d][k] / count[d] : NAN);
        mosaic_put(&mo, cell, RBF_COLS, RBF_ROWS, d * (RBF_COLS + GAP), RBF_ROWS + 3);
    }
    fprintf(f, "# block 0: codes (rows 0-11) and mean F6 states (rows 15-26), class 0..9 "
               "left to right, 7 columns each with 2 empty\n");
    fprintf(f, "# block 1: class, correctly classified test digits, test digits of the class, "
               "mean squared distance from mean F6 to the code\n");
    mosaic_write(f, &mo);
    for (int d = 0; d < OUT_N; d++) {
        double dist = 0;
        for (int k = 0; k < F6_N; k++) {
            const double e = (count[d] ? sum[d][k] / count[d] : 0) - m->codes[d * F6_N + k];
            dist += e * e;
        }
        fprintf(f, "%d %ld %ld %.4f\n", d, count[d], total[d], dist / F6_N);
    }
    free(mo.v);
    return 0;
}

static int do_fig4(FILE *f, const mnist_set *s, long n) {
    enum { PER = 16, GAP = 2 };
    if (n > s->n) n = s->n;
    real *all = malloc(sizeof(real) * LENET_IN * LENET_IN * (size_t)n);
    if (!all) return 1;
    for (long i = 0; i < n; i++) coded(all + (size_t)i * LENET_IN * LENET_IN, s, i, NULL);
    mosaic mo;
    const int rc = mosaic_maps(&mo, all, (int)n, LENET_IN, LENET_IN, PER, GAP);
    free(all);
    if (rc) return 1;
    fprintf(f, "# block 0: test digits 0..%ld, 32x32 coded input (background -0.1, ink "
               "1.175), 16 per row, gaps of 2\n# block 1: x y label (the digit's class)\n",
            n - 1);
    mosaic_write(f, &mo);
    for (long i = 0; i < n; i++)
        fprintf(f, "%ld %ld %d\n", (i % PER) * (LENET_IN + GAP) + LENET_IN / 2,
                (i / PER) * (LENET_IN + GAP) + LENET_IN, s->labels[i]);
    free(mo.v);
    return 0;
}

static int do_fig8(FILE *f, const lenet_model *m, const mnist_set *s) {
    enum { PER = 14, GAP = 8, SIDE = 28 };
    int *pred = malloc(sizeof(int) * (size_t)s->n);
    real *img = malloc(sizeof(real) * SIDE * SIDE * (size_t)s->n);
    if (!pred || !img) return 1;
    const long errors = eval_set(m, s, s->n, NULL, pred);
    long k = 0;
    for (long i = 0; i < s->n; i++) {
        if (pred[i] == s->labels[i]) continue;
        for (int p = 0; p < SIDE * SIDE; p++)
            img[(size_t)k * SIDE * SIDE + p] = s->images[(size_t)i * SIDE * SIDE + p] / (real)255;
        k++;
    }
    mosaic mo = {0, 0, NULL};
    if (k > 0 && mosaic_maps(&mo, img, (int)k, SIDE, SIDE, PER, GAP)) return 1;
    fprintf(f, "# errors %ld of %d\n# block 0: the misclassified test digits, in test-set "
               "order, 28x28 grey 0..1, 14 per row, gaps of 8\n# block 1: x y "
               "true->predicted index\n",
            errors, s->n);
    if (k > 0)
        mosaic_write(f, &mo);
    else
        fputs("NaN\n\n\n", f);
    k = 0;
    for (long i = 0; i < s->n; i++) {
        if (pred[i] == s->labels[i]) continue;
        fprintf(f, "%ld %ld %d->%d %ld\n", (k % PER) * (SIDE + GAP) + SIDE / 2,
                (k / PER) * (SIDE + GAP) + SIDE + 3, s->labels[i], pred[i], i);
        k++;
    }
    free(mo.v);
    free(pred);
    free(img);
    return 0;
}

static int do_maps(FILE *f, const lenet_model *m, const mnist_set *s, long idx) {
    lenet_acts *a = lenet_acts_alloc();
    if (!a) return 1;
    coded(a->x.in, s, idx, m);
    lenet_forward(m, a);
    lenet_states(m, a); /* pool=max: x.c1, x.c3 too */
    const lenet_layers *X = &a->x;
    const int pred = lenet_predict(m, X->out);
    char tag[128];
    lenet_arch_tag(&m->arch, tag, sizeof tag);
    fprintf(f, "# test digit %ld, label %d, predicted %d, architecture %s, output %s\n", idx,
            s->labels[idx], pred, tag, m->arch.out == LENET_OUT_RBF ? "rbf" : "linear");
    fprintf(f, "# blocks: 0 input 32x32; 1 C1 6@28x28; 2 S2 6@14x14; 3 C3 16@10x10 (8 per "
               "row); 4 S4 16@5x5 (8 per row); 5 F6 as 7x12; 6 class output; 7 index label "
               "predicted rbf(1/0); 8 C5 120 units as 12 wide x 10 high, unit 12*row+col\n");
    mosaic mo;
    int rc = 0;
    rc |= mosaic_maps(&mo, X->in, 1, LENET_IN, LENET_IN, 1, 0);
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    rc |= mosaic_maps(&mo, X->c1, C1_N, C1_H, C1_H, C1_N, 3);
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    rc |= mosaic_maps(&mo, X->s2, S2_N, S2_H, S2_H, S2_N, 2);
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    rc |= mosaic_maps(&mo, X->c3, C3_N, C3_H, C3_H, 8, 2);
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    rc |= mosaic_maps(&mo, X->s4, S4_N, S4_H, S4_H, 8, 1);
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    rc |= mosaic_maps(&mo, X->f6, 1, RBF_COLS, RBF_ROWS, 1, 0);
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    for (int k = 0; k < OUT_N; k++) fprintf(f, "%d %.6g\n", k, (double)X->out[k]);
    fprintf(f, "\n\n%ld %d %d %d\n\n\n", idx, s->labels[idx], pred, m->arch.out == LENET_OUT_RBF);
    rc |= mosaic_maps(&mo, X->c5, 1, 12, C5_N / 12, 1, 0);  /* block 8, after the old ones */
    if (!rc) mosaic_write(f, &mo), free(mo.v);
    lenet_acts_free(a);
    return rc ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc < 4) return usage();
    const char *cmd = argv[1];
    const int with_model = strcmp(cmd, "fig4") != 0;
    if (strcmp(cmd, "prototypes") && strcmp(cmd, "fig4") && strcmp(cmd, "fig8") &&
        strcmp(cmd, "maps"))
        return usage();
    if (with_model && argc < 5) return usage();
    const char *model = with_model ? argv[2] : NULL;
    const char *data = argv[with_model ? 3 : 2], *out = argv[with_model ? 4 : 3];
    long extra = -1;
    if (strcmp(cmd, "maps") == 0) {
        if (argc != 6 || cli_long("INDEX", argv[5], 0, 9999, &extra)) return usage();
    } else if (strcmp(cmd, "fig4") == 0) {
        extra = 128;
        if (argc > 5 || (argc == 5 && cli_long("N", argv[4], 1, 10000, &extra))) return usage();
    } else if (argc != 5) {
        return usage();
    }
    uint64_t seed = 0;
    lenet_model *m = NULL;
    if (with_model && !(m = load(model, &seed))) return 1;
    char err[1024];
    mnist_set s;
    if (mnist_load(&s, data, "test", err, sizeof err) != 0) {
        fprintf(stderr, "inspect: %s\n", err);
        lenet_free(m);
        return 1;
    }
    afile f;
    int rc = 1;
    if (afile_open(&f, out, err, sizeof err) == 0) {
        header(f.f, argc, argv, model, seed);
        if (strcmp(cmd, "prototypes") == 0)
            rc = do_prototypes(f.f, m, &s);
        else if (strcmp(cmd, "fig4") == 0)
            rc = do_fig4(f.f, &s, extra);
        else if (strcmp(cmd, "fig8") == 0)
            rc = do_fig8(f.f, m, &s);
        else
            rc = do_maps(f.f, m, &s, extra);
        if (rc != 0) {
            afile_abort(&f);
            fprintf(stderr, "inspect: %s: not written\n", out);
        } else if (afile_commit(&f, err, sizeof err) != 0) {
            fprintf(stderr, "inspect: %s\n", err);
            rc = 1;
        }
    } else {
        fprintf(stderr, "inspect: %s\n", err);
    }
    mnist_free(&s);
    lenet_free(m);
    return rc;
}
