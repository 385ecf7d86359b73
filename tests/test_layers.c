/* test_layers.c: every layer's first-derivative pass against central finite differences, and
 * its second-derivative pass against finite-difference second derivatives where Eq. 27 is
 * exact: a layer that is linear in its inputs and parameters under the diagonal quadratic
 * E = 1/2 sum_k c_k out_k^2, c_k >= 0, has d2E/dw2 = sum over the connections sharing w of
 * c_k in^2 (Eq. 23-25 with nothing dropped) and d2E/din2 = sum c_k w^2. In the double
 * build only (float has too few digits for finite differences). */
#include "check.h"
#include "layers.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#ifdef LENET_DOUBLE

#define FD_H 1e-6 /* step for first derivatives */
#define FD_H2 1e-4 /* step for second derivatives */

/* A layer under test: out = layer(in, p), sizes fixed by the closure. */
typedef struct {
    int kind; /* 0 conv, 1 linear, 2 subsamp, 3 maxpool */
    const unsigned char *table;
    int cin, cout, h, w; /* conv: maps and input size; linear: nin = cin, nout = cout */
    int nin, nout, np;   /* element counts of in, out, params (w then b) */
} layer_case;

static void run_forward(const layer_case *L, real *out, const real *in, const real *p) {
    switch (L->kind) {
    case 0: conv_forward(out, in, p, p + L->np - L->cout, L->table, L->cin, L->cout, L->h, L->w); break;
    case 1: linear_forward(out, in, p, p + L->np - L->cout, L->cin, L->cout); break;
    case 2: subsamp_forward(out, in, p, p + L->cin, L->cin, L->h, L->w); break;
    default: maxpool_forward(out, in, L->cin, L->h, L->w); break;
    }
}

static void run_backward(const layer_case *L, real *din, real *dp, const real *dout,
                         const real *in, const real *p, int square) {
    switch (L->kind) {
    case 0:
        (square ? conv_backward2 : conv_backward)(din, dp, dp + L->np - L->cout, dout, in, p,
                                                  L->table, L->cin, L->cout, L->h, L->w);
        break;
    case 1:
        (square ? linear_backward2 : linear_backward)(din, dp, dp + L->np - L->cout, dout, in, p,
                                                      L->cin, L->cout);
        break;
    case 2:
        (square ? subsamp_backward2 : subsamp_backward)(din, dp, dp + L->cin, dout, in, p,
                                                        L->cin, L->h, L->w);
        break;
    default:
        (square ? maxpool_backward2 : maxpool_backward)(din, dout, in, L->cin, L->h, L->w);
        break;
    }
}

/* E = sum_k r_k out_k (first derivatives) or 1/2 sum_k c_k out_k^2 (second) */
static double objective(const layer_case *L, const real *in, const real *p, const real *coef,
                        int quadratic, real *out) {
    run_forward(L, out, in, p);
    double e = 0;
    for (int k = 0; k < L->nout; k++) e += quadratic ? 0.5 * coef[k] * out[k] * out[k] : coef[k] * out[k];
    return e;
}

/* checks d/dv and d2/dv2 of the objective for every element of v (an input or parameter
 * array) against the analytic arrays */
static void fd_check(const char *what, const layer_case *L, real *in, real *p, real *v, int n,
                     const real *coef, int quadratic, const real *analytic, real *out) {
    int bad = 0;
    for (int i = 0; i < n; i++) {
        const real keep = v[i];
        double fd;
        if (!quadratic) {
            v[i] = keep + FD_H;
            const double ep = objective(L, in, p, coef, 0, out);
            v[i] = keep - FD_H;
            const double em = objective(L, in, p, coef, 0, out);
            fd = (ep - em) / (2 * FD_H);
        } else {
            /* the objective is quadratic in each variable (exactly, except across a change
             * of max-pool winner), so a large step has no truncation error and little noise */
            const double h2 = L->kind == 3 ? FD_H2 : 1e-2;
            const double e0 = objective(L, in, p, coef, 1, out);
            v[i] = keep + h2;
            const double ep = objective(L, in, p, coef, 1, out);
            v[i] = keep - h2;
            const double em = objective(L, in, p, coef, 1, out);
            fd = (ep - 2 * e0 + em) / (h2 * h2);
        }
        v[i] = keep;
        const double tol = (quadratic ? 1e-5 : 1e-7) + 1e-5 * fabs(fd);
        if (fabs(fd - analytic[i]) > tol) {
            if (bad++ < 3)
                printf("FAIL %s[%d]: analytic %.10g, finite difference %.10g\n", what, i,
                       analytic[i], fd);
        }
    }
    if (bad) {
        check_failed++;
        printf("FAIL %s: %d of %d elements differ\n", what, bad, n);
    } else {
        check_passed++;
    }
}

static void check_layer(const char *name, const layer_case *L, gsl_rng *r) {
    real *in = malloc(sizeof(real) * L->nin), *din = calloc(L->nin, sizeof(real));
    real *p = malloc(sizeof(real) * (L->np + 1)), *dp = calloc(L->np + 1, sizeof(real));
    real *coef = malloc(sizeof(real) * L->nout), *out = malloc(sizeof(real) * L->nout);
    char what[128];
    for (int i = 0; i < L->nin; i++) in[i] = (real)(2 * gsl_rng_uniform(r) - 1);
    for (int i = 0; i < L->np; i++) p[i] = (real)(2 * gsl_rng_uniform(r) - 1);
    for (int square = 0; square <= 1; square++) {
        /* first: r_k in [-1,1]; second: c_k in [0,1] */
        for (int k = 0; k < L->nout; k++) {
            const double u = gsl_rng_uniform(r);
            coef[k] = (real)(square ? u : 2 * u - 1);
        }
        memset(din, 0, sizeof(real) * L->nin);
        memset(dp, 0, sizeof(real) * (L->np + 1));
        /* backward is given dE/dout = r_k; backward2 d2E/dout2 = c_k */
        run_backward(L, din, dp, coef, in, p, square);
        snprintf(what, sizeof what, "%s %s input", name, square ? "d2E/din2" : "dE/din");
        fd_check(what, L, in, p, in, L->nin, coef, square, din, out);
        if (L->np) {
            snprintf(what, sizeof what, "%s %s params", name, square ? "d2E/dw2" : "dE/dw");
            fd_check(what, L, in, p, p, L->np, coef, square, dp, out);
        }
        /* accumulation: a second call adds the same again */
        real *dp2 = calloc(L->np + 1, sizeof(real)), *din2 = calloc(L->nin, sizeof(real));
        run_backward(L, din2, dp2, coef, in, p, square);
        run_backward(L, din2, dp2, coef, in, p, square);
        int acc_ok = 1;
        for (int i = 0; i < L->nin; i++) acc_ok &= fabs(din2[i] - 2 * din[i]) <= 1e-12 * (1 + fabs(din[i]));
        for (int i = 0; i < L->np; i++) acc_ok &= fabs(dp2[i] - 2 * dp[i]) <= 1e-12 * (1 + fabs(dp[i]));
        if (!acc_ok) printf("FAIL %s: backward does not accumulate\n", name);
        CHECK(acc_ok);
        free(dp2);
        free(din2);
    }
    free(in); free(din); free(p); free(dp); free(coef); free(out);
}

static void check_squash(lenet_squash kind, gsl_rng *r) {
    enum { N = 64 };
    real a[N], x[N], dx[N], da[N] = {0}, dda[N] = {0}, xp[N], xm[N], ap[N], am[N];
    for (int i = 0; i < N; i++) {
        a[i] = (real)(6 * gsl_rng_uniform(r) - 3);
        dx[i] = (real)(2 * gsl_rng_uniform(r) - 1);
        ap[i] = a[i] + FD_H;
        am[i] = a[i] - FD_H;
    }
    squash_forward(x, a, N, kind);
    squash_forward(xp, ap, N, kind);
    squash_forward(xm, am, N, kind);
    squash_backward(da, dx, x, N, kind);
    squash_backward2(dda, dx, x, N, kind); /* dx as d2E/dx2 (any sign here: a formula check) */
    int ok1 = 1, ok2 = 1;
    for (int i = 0; i < N; i++) {
        const double slope = (xp[i] - xm[i]) / (2 * FD_H);
        ok1 &= fabs(da[i] - slope * dx[i]) < 1e-8;
        ok2 &= fabs(dda[i] - slope * slope * dx[i]) < 1e-8; /* Eq. 27: f'(a)^2, f'' dropped */
    }
    CHECK(ok1);
    CHECK(ok2);
    if (kind == LENET_SQUASH_SCALED) {
        real one = 1, fone, mone = -1, fmone;
        squash_forward(&fone, &one, 1, kind);
        squash_forward(&fmone, &mone, 1, kind);
        CHECK_CLOSE(fone, 1.0, 2e-4, 0); /* f(1) = 1 (App. A): 1.7159 tanh(2/3) = 1.00000 */
        CHECK_CLOSE(fmone, -1.0, 2e-4, 0);
    }
}

/* RBF with the two losses: gradient by finite differences through loss(rbf(x)); for Eq. 8
 * the second derivative is exact (2 for every F6 state); for both it is >= 0. */
static void check_rbf(gsl_rng *r) {
    real x[F6_N], w[OUT_N * F6_N], y[OUT_N], dy[OUT_N], ddy[OUT_N], dx[F6_N], ddx[F6_N];
    lenet_rbf_codes(w);
    for (int j = 0; j < F6_N; j++) x[j] = (real)(2 * gsl_rng_uniform(r) - 1);
    for (int kind = LOSS_MSE; kind <= LOSS_MAP; kind++) {
        const int label = 3;
        const double jj = 2.0;
        rbf_forward(y, x, w, F6_N, OUT_N);
        loss_eval(kind, dy, ddy, y, label, jj);
        memset(dx, 0, sizeof dx);
        memset(ddx, 0, sizeof ddx);
        rbf_backward(dx, dy, x, w, F6_N, OUT_N);
        rbf_backward2(ddx, ddy, dy, x, w, F6_N, OUT_N);
        int ok = 1, nonneg = 1, exact = 1;
        for (int j = 0; j < F6_N; j++) {
            const real keep = x[j];
            double e[3];
            const double hs[3] = {FD_H, -FD_H, 0};
            for (int s = 0; s < 3; s++) {
                x[j] = keep + hs[s];
                rbf_forward(y, x, w, F6_N, OUT_N);
                real t1[OUT_N], t2[OUT_N];
                e[s] = loss_eval(kind, t1, t2, y, label, jj);
            }
            const double fd = (e[0] - e[1]) / (2 * FD_H);
            ok &= fabs(fd - dx[j]) < 1e-6 * (1 + fabs(fd));
            double e2[2];
            for (int s = 0; s < 2; s++) {
                x[j] = keep + (s ? -FD_H2 : FD_H2);
                rbf_forward(y, x, w, F6_N, OUT_N);
                real t1[OUT_N], t2[OUT_N];
                e2[s] = loss_eval(kind, t1, t2, y, label, jj);
            }
            x[j] = keep;
            const double fd2 = (e2[0] - 2 * e[2] + e2[1]) / (FD_H2 * FD_H2);
            nonneg &= ddx[j] >= 0;
            if (kind == LOSS_MSE) exact &= fabs(fd2 - ddx[j]) < 1e-5 && fabs(ddx[j] - 2) < 1e-12;
        }
        printf("# rbf + %s: gradient %s, second derivative >= 0 %s%s\n",
               kind == LOSS_MSE ? "Eq. 8" : "Eq. 9", ok ? "ok" : "WRONG", nonneg ? "ok" : "WRONG",
               kind == LOSS_MSE ? (exact ? ", = 2 exactly" : ", NOT 2") : "");
        CHECK(ok);
        CHECK(nonneg);
        if (kind == LOSS_MSE) CHECK(exact);
    }
}

/* loss gradients and diagonal second derivatives by finite differences, including Eq. 9 with
 * large penalties (no overflow) */
static void check_losses(gsl_rng *r) {
    for (int kind = LOSS_MSE; kind <= LOSS_SOFTMAX; kind++) {
        for (int scale = 0; scale < 2; scale++) {
            real y[OUT_N], dy[OUT_N], ddy[OUT_N], t1[OUT_N], t2[OUT_N];
            for (int i = 0; i < OUT_N; i++)
                y[i] = (real)((scale ? 300 : 3) * gsl_rng_uniform(r));
            const double jj = 1.5;
            const double e = loss_eval(kind, dy, ddy, y, 7, jj);
            CHECK(isfinite(e));
            int ok = 1;
            for (int i = 0; i < OUT_N; i++) {
                const real keep = y[i];
                y[i] = keep + FD_H2;
                const double ep = loss_eval(kind, t1, t2, y, 7, jj);
                y[i] = keep - FD_H2;
                const double em = loss_eval(kind, t1, t2, y, 7, jj);
                y[i] = keep;
                ok &= fabs((ep - em) / (2 * FD_H2) - dy[i]) < 1e-6;
                ok &= fabs((ep - 2 * e + em) / (FD_H2 * FD_H2) - ddy[i]) < 1e-4;
                ok &= ddy[i] >= 0;
            }
            if (!ok) printf("FAIL loss %d scale %d\n", kind, scale);
            CHECK(ok);
        }
    }
}

/* Eq. 23 read literally for a sub-sampling coefficient: each unit's four connections carry
 * one input each and share the coefficient, so h_coef = sum over the map's connections of
 * d2E/du2 with u that connection's own copy of the coefficient. Perturbing connection q's
 * copy by d turns coef x_q into (coef + d) x_q, the same as scaling input x_q by
 * (1 + d / coef); the blocks do not overlap, so each input is one connection. Under the
 * quadratic E = 1/2 sum c_k out_k^2 the finite difference in d is exact, and its sum over a
 * map's inputs must equal subsamp_backward2_eq23's h_coef; its ddin and h_bias must equal
 * subsamp_backward2's (the two readings differ only in h_coef). */
static void check_subsamp_eq23(gsl_rng *r) {
    enum { C = 3, H = 6, W = 6, NIN = C * H * W, NOUT = C * (H / 2) * (W / 2) };
    layer_case L = {2, NULL, C, C, H, W, NIN, NOUT, 2 * C};
    real in[NIN], p[2 * C], cc[NOUT], out[NOUT];
    real dd1[NIN] = {0}, dd2[NIN] = {0}, h1[2 * C] = {0}, h2[2 * C] = {0};
    for (int i = 0; i < NIN; i++) in[i] = (real)(2 * gsl_rng_uniform(r) - 1);
    for (int m = 0; m < C; m++) {
        p[m] = (real)(0.5 + gsl_rng_uniform(r)); /* the coefficient, away from 0 */
        p[C + m] = (real)(2 * gsl_rng_uniform(r) - 1);
    }
    for (int k = 0; k < NOUT; k++) cc[k] = (real)gsl_rng_uniform(r);
    subsamp_backward2_eq23(dd1, h1, h1 + C, cc, in, p, C, H, W);
    subsamp_backward2(dd2, h2, h2 + C, cc, in, p, C, H, W);
    int same = 1;
    for (int i = 0; i < NIN; i++) same &= dd1[i] == dd2[i];
    for (int m = 0; m < C; m++) same &= h1[C + m] == h2[C + m];
    if (!same) printf("FAIL subsample Eq. 23: ddin or h_bias differ between the readings\n");
    CHECK(same);
    int ok = 1, differ = 0;
    for (int m = 0; m < C; m++) {
        const double d = 1e-2, e0 = objective(&L, in, p, cc, 1, out);
        double fd = 0;
        for (int j = m * H * W; j < (m + 1) * H * W; j++) {
            const real keep = in[j];
            in[j] = keep * (real)(1 + d / p[m]);
            const double ep = objective(&L, in, p, cc, 1, out);
            in[j] = keep * (real)(1 - d / p[m]);
            const double em = objective(&L, in, p, cc, 1, out);
            in[j] = keep;
            fd += (ep - 2 * e0 + em) / (d * d);
        }
        if (fabs(fd - h1[m]) > 1e-6 + 1e-6 * fabs(fd)) {
            ok = 0;
            printf("FAIL subsample Eq. 23: h_coef[%d] = %.10g, sum over connections %.10g\n", m,
                   h1[m], fd);
        }
        differ += fabs(h1[m] - h2[m]) > 1e-3 * fabs(h2[m]);
    }
    CHECK(ok);
    /* and the two readings do differ (random signs: sum x^2 is not (sum x)^2) */
    CHECK(differ == C);
}

void test_layers(void) {
    TEST_GROUP("layers: finite-difference first and exact second derivatives");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    const int kk = LENET_K * LENET_K;
    /* C1: 1 map 32x32 -> 6 maps 28x28; smaller field to keep it quick: 9x9 -> 5x5 */
    layer_case c1 = {0, NULL, 1, 6, 9, 9, 81, 6 * 25, 6 * kk + 6};
    check_layer("conv C1-like", &c1, r);
    /* C3 with Table I: 6 maps 8x8 -> 16 maps 4x4, 60 kernels */
    layer_case c3 = {0, &LENET_TABLE_I[0][0], 6, 16, 8, 8, 6 * 64, 16 * 16, 60 * kk + 16};
    check_layer("conv C3 Table I", &c3, r);
    layer_case c3f = {0, NULL, 6, 16, 6, 6, 6 * 36, 16 * 4, 96 * kk + 16};
    check_layer("conv C3 full", &c3f, r);
    layer_case lin = {1, NULL, 40, 12, 0, 0, 40, 12, 40 * 12 + 12};
    check_layer("linear", &lin, r);
    layer_case sub = {2, NULL, 3, 3, 6, 6, 3 * 36, 3 * 9, 6};
    check_layer("subsample", &sub, r);
    check_subsamp_eq23(r);
    layer_case mp = {3, NULL, 3, 3, 6, 6, 3 * 36, 3 * 9, 0};
    check_layer("maxpool", &mp, r);
    check_squash(LENET_SQUASH_SCALED, r);
    check_squash(LENET_SQUASH_TANH, r);
    check_rbf(r);
    check_losses(r);
    gsl_rng_free(r);
}

#else
/* float build: the fast tanh agrees with tanh to float precision */
void test_layers(void) {
    TEST_GROUP("layers: float squashing");
    enum { N = 2001 };
    static real a[N], x[N];
    for (int i = 0; i < N; i++) a[i] = (real)(-10 + 0.01 * i);
    squash_forward(x, a, N, LENET_SQUASH_TANH);
    double worst = 0;
    for (int i = 0; i < N; i++) {
        const double e = fabs(x[i] - tanh((double)a[i]));
        if (e > worst) worst = e;
    }
    printf("# fast tanh: max |error| %.3g on [-10, 10]\n", worst);
    CHECK(worst < 5e-7);
}
#endif
