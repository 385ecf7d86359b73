/* test_kernels.c: the fast convolution and full-connection kernels (conv_*, linear_*) against
 * the naive reference loops (conv_*_ref, linear_*_ref) at LeNet's sizes and at odd ones, in
 * both builds: forward outputs, and the accumulated din, dwt, db of both backward passes
 * (square = 0, 1), starting from nonzero gradients and with some zero output derivatives.
 * The two sum in different orders, so they agree to rounding, not bit for bit. The batched
 * forward of the full connections (linear_forward_n) takes linear_forward's sums: bit for bit. */
#include "check.h"
#include "layers.h"

#include <assert.h>
#include <fenv.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#ifdef LENET_DOUBLE
#define KERNEL_TOL 1e-12
#define SQUASH_TOL 1e-14
#else
#define KERNEL_TOL 2e-5
#define SQUASH_TOL 1e-6 /* a few float ulp of |f| <= 1.7159 */
#endif

static void fill(real *v, size_t n, gsl_rng *r) {
    for (size_t i = 0; i < n; i++) {
        const double u = gsl_rng_uniform(r);
        v[i] = (real)(2 * u - 1);
    }
}

/* whether a and b (n values each) hold the same bits; prints "# WHAT: same bits" under -v, or
 * "# WHAT: differs" whenever they do not (WHAT: printf's fmt and its arguments) */
__attribute__((format(printf, 4, 5))) static int same_bits(const real *a, const real *b,
                                                           size_t n, const char *fmt, ...) {
    const int same = memcmp(a, b, n * sizeof(real)) == 0;
    if (check_verbose || !same) {
        va_list ap;
        va_start(ap, fmt);
        printf("# ");
        vprintf(fmt, ap);
        va_end(ap);
        printf(": %s\n", same ? "same bits" : "differs");
    }
    return same;
}

/* max |a - b| / max(1, max |b|) over n; NaN if any difference is */
static double rel_diff(const real *a, const real *b, size_t n) {
    double d = 0, m = 1;
    for (size_t i = 0; i < n; i++) {
        const double e = fabs((double)a[i] - (double)b[i]);
        if (!(e <= d)) d = e;
        if (fabs((double)b[i]) > m) m = fabs((double)b[i]);
    }
    return d / m;
}

/* conv (table or NULL) or, with h = 0, linear (nin = cin, nout = cout) */
static void compare(const char *name, const unsigned char *table, int cin, int cout, int h,
                    gsl_rng *r) {
    const int lin = h == 0, kk = LENET_K * LENET_K, oh = lin ? 1 : h - LENET_K + 1;
    int pairs = 0;
    for (int i = 0; i < cin * cout; i++) pairs += !table || table[i];
    const size_t nin = lin ? (size_t)cin : (size_t)cin * h * h;
    const size_t nout = lin ? (size_t)cout : (size_t)cout * oh * oh;
    const size_t nw = lin ? (size_t)cin * cout : (size_t)pairs * kk;
    real *in = malloc(nin * sizeof(real)), *wt = malloc(nw * sizeof(real));
    real *b = malloc(cout * sizeof(real)), *dout = malloc(nout * sizeof(real));
    real *o1 = malloc(nout * sizeof(real)), *o2 = malloc(nout * sizeof(real));
    const size_t ng = nin + nw + cout; /* din, dwt, db in one array */
    real *g1 = malloc(ng * sizeof(real)), *g2 = malloc(ng * sizeof(real));
    fill(in, nin, r);
    fill(wt, nw, r);
    fill(b, cout, r);
    fill(dout, nout, r);
    for (size_t i = 0; i < nout; i += 7) dout[i] = 0;
    if (lin) {
        linear_forward(o1, in, wt, b, cin, cout);
        linear_forward_ref(o2, in, wt, b, cin, cout);
    } else {
        conv_forward(o1, in, wt, b, table, cin, cout, h, h);
        conv_forward_ref(o2, in, wt, b, table, cin, cout, h, h);
    }
    const double df = rel_diff(o1, o2, nout);
    if (check_verbose || df > KERNEL_TOL) printf("# %s forward: %.3g\n", name, df);
    CHECK(df <= KERNEL_TOL);
    for (int square = 0; square <= 1; square++)
        for (int with_din = 0; with_din <= 1; with_din++) {
            fill(g1, nin + nw + cout, r);
            memcpy(g2, g1, ng * sizeof(real));
            real *d1 = with_din ? g1 : NULL, *d2 = with_din ? g2 : NULL;
            if (lin) {
                (square ? linear_backward2 : linear_backward)(d1, g1 + nin, g1 + nin + nw, dout,
                                                              in, wt, cin, cout);
                linear_backward_ref(d2, g2 + nin, g2 + nin + nw, dout, in, wt, cin, cout, square);
            } else {
                (square ? conv_backward2 : conv_backward)(d1, g1 + nin, g1 + nin + nw, dout, in,
                                                          wt, table, cin, cout, h, h);
                conv_backward_ref(d2, g2 + nin, g2 + nin + nw, dout, in, wt, table, cin, cout, h,
                                  h, square);
            }
            const double db = rel_diff(g1, g2, ng);
            if (check_verbose || db > KERNEL_TOL)
                printf("# %s backward%s%s: %.3g\n", name, square ? "2" : "",
                       with_din ? "" : " (no din)", db);
            CHECK(db <= KERNEL_TOL);
        }
    free(in);
    free(wt);
    free(b);
    free(dout);
    free(o1);
    free(o2);
    free(g1);
    free(g2);
}

/* max-pool against a plain first-maximum loop (row-major order, ties to the first), with
 * ties planted, of equal values and of +0 against -0 (a NaN would trap: the tests enable
 * FE_INVALID): forward values and where backward sends each derivative, bit for bit; at
 * LeNet's sizes (the backward's flat fast path for an even width), at a width below LANES, at
 * a map of fewer than LANES outputs and at odd sizes (the plain loops; the last row, column
 * unused) */
static void compare_maxpool(int C, int H, int W, gsl_rng *r) {
    const int OH = H / 2, OW = W / 2, nin = C * H * W, nout = C * OH * OW;
    real *in = malloc((size_t)nin * sizeof(real)), *din = malloc((size_t)nin * sizeof(real));
    real *ref_din = malloc((size_t)nin * sizeof(real));
    real *out = malloc((size_t)nout * sizeof(real)), *ref_out = malloc((size_t)nout * sizeof(real));
    real *dout = malloc((size_t)nout * sizeof(real));
    fill(in, (size_t)nin, r);
    for (int i = 0; i < nin; i += 5) in[i] = (real)0.25; /* ties across blocks */
    for (int i = 3; i < nin; i += 11) in[i] = i % 2 ? (real)-0.0 : (real)0.0; /* +-0 ties */
    for (int b = 0; b < C * OH * OW; b += 7) { /* blocks of zeros only, signs mixed */
        const int m = b / (OH * OW), y = b / OW % OH, x = b % OW, k = m * H * W + 2 * y * W + 2 * x;
        in[k] = b % 2 ? (real)-0.0 : 0, in[k + 1] = b % 3 ? 0 : (real)-0.0;
        in[k + W] = b % 5 ? (real)-0.0 : 0, in[k + W + 1] = 0;
    }
    in[0] = in[1] = in[W] = in[W + 1] = (real)0.5;           /* a block all equal */
    fill(dout, (size_t)nout, r);
    memset(din, 0, (size_t)nin * sizeof(real));
    memset(ref_din, 0, (size_t)nin * sizeof(real));
    maxpool_forward(out, in, C, H, W);
    maxpool_backward(din, dout, in, C, H, W);
    for (int m = 0; m < C; m++)
        for (int y = 0; y < OH; y++)
            for (int x = 0; x < OW; x++) {
                const int base = m * H * W + 2 * y * W + 2 * x, off[4] = {0, 1, W, W + 1};
                int best = base;
                for (int t = 1; t < 4; t++)
                    if (in[base + off[t]] > in[best]) best = base + off[t];
                ref_out[(m * OH + y) * OW + x] = in[best];
                ref_din[best] += dout[(m * OH + y) * OW + x];
            }
    const int same_out = memcmp(out, ref_out, (size_t)nout * sizeof(real)) == 0;
    const int same_din = memcmp(din, ref_din, (size_t)nin * sizeof(real)) == 0;
    if (check_verbose || !same_out || !same_din)
        printf("# maxpool %dx%dx%d: forward %s, backward %s\n", C, H, W,
               same_out ? "same bits" : "differs", same_din ? "same bits" : "differs");
    CHECK(same_out); /* bit for bit */
    CHECK(same_din);
    CHECK(din[0] == dout[0] && din[1] == 0 && din[W] == 0 && din[W + 1] == 0);
    free(in);
    free(din);
    free(ref_din);
    free(out);
    free(ref_out);
    free(dout);
}

/* sub-sampling (the flat fast path for an even width, the plain loops for an odd one) against
 * a plain loop here: forward, and the three backward passes (first derivatives; h_coef from
 * the block's sum; Eq. 23 read literally) from nonzero gradients, to rounding */
static void compare_subsamp(int c, int h, int w, gsl_rng *r) {
    const int oh = h / 2, ow = w / 2, nin = c * h * w, nout = c * oh * ow;
    real *in = malloc((size_t)nin * sizeof(real)), *dout = malloc((size_t)nout * sizeof(real));
    real *o1 = malloc((size_t)nout * sizeof(real)), *o2 = malloc((size_t)nout * sizeof(real));
    const size_t ng = (size_t)nin + 2 * c; /* din, dcoef, dbias */
    real *g1 = malloc(ng * sizeof(real)), *g2 = malloc(ng * sizeof(real));
    real p[2 * 16];
    assert(c <= 16);
    fill(in, nin, r);
    fill(dout, nout, r);
    fill(p, 2 * c, r);
    for (int i = 0; i < nout; i += 7) dout[i] = 0;
    subsamp_forward(o1, in, p, p + c, c, h, w);
    for (int m = 0; m < c; m++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                const real *q = in + ((size_t)m * h + 2 * y) * w + 2 * x;
                o2[(m * oh + y) * ow + x] = p[m] * (q[0] + q[1] + q[w] + q[w + 1]) + p[c + m];
            }
    const double df = rel_diff(o1, o2, nout);
    if (check_verbose || df > KERNEL_TOL)
        printf("# subsample %dx%dx%d forward: %.3g\n", c, h, w, df);
    CHECK(df <= KERNEL_TOL);
    for (int square = 0; square <= 2; square++) {
        fill(g1, ng, r);
        memcpy(g2, g1, ng * sizeof(real));
        if (square == 0) subsamp_backward(g1, g1 + nin, g1 + nin + c, dout, in, p, c, h, w);
        if (square == 1) subsamp_backward2(g1, g1 + nin, g1 + nin + c, dout, in, p, c, h, w);
        if (square == 2)
            subsamp_backward2_eq23(g1, g1 + nin, g1 + nin + c, dout, in, p, c, h, w);
        for (int m = 0; m < c; m++) {
            const real cm = square ? p[m] * p[m] : p[m];
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    const size_t at = ((size_t)m * h + 2 * y) * w + 2 * x;
                    const real *q = in + at, d = dout[(m * oh + y) * ow + x];
                    const real s = q[0] + q[1] + q[w] + q[w + 1];
                    const real s2 = q[0] * q[0] + q[1] * q[1] + q[w] * q[w] + q[w + 1] * q[w + 1];
                    g2[nin + m] += d * (square == 2 ? s2 : square ? s * s : s);
                    g2[nin + c + m] += d;
                    g2[at] += cm * d;
                    g2[at + 1] += cm * d;
                    g2[at + w] += cm * d;
                    g2[at + w + 1] += cm * d;
                }
        }
        const double db = rel_diff(g1, g2, ng);
        if (check_verbose || db > KERNEL_TOL)
            printf("# subsample %dx%dx%d backward square=%d: %.3g\n", c, h, w, square, db);
        CHECK(db <= KERNEL_TOL);
        /* the _set pass over a din of garbage (NaN) = the adding pass from a zero din, bit for
         * bit, and dcoef, dbias still added to */
        fill(g1, ng, r);
        memcpy(g2, g1, ng * sizeof(real));
        memset(g1, 0, (size_t)nin * sizeof(real));
        for (int i = 0; i < nin; i++) g2[i] = NAN;
        if (square == 0) subsamp_backward(g1, g1 + nin, g1 + nin + c, dout, in, p, c, h, w);
        if (square == 0) subsamp_backward_set(g2, g2 + nin, g2 + nin + c, dout, in, p, c, h, w);
        if (square == 1) subsamp_backward2(g1, g1 + nin, g1 + nin + c, dout, in, p, c, h, w);
        if (square == 1) subsamp_backward2_set(g2, g2 + nin, g2 + nin + c, dout, in, p, c, h, w);
        if (square == 2) {
            subsamp_backward2_eq23(g1, g1 + nin, g1 + nin + c, dout, in, p, c, h, w);
            subsamp_backward2_eq23_set(g2, g2 + nin, g2 + nin + c, dout, in, p, c, h, w);
        }
        CHECK(same_bits(g1, g2, ng, "subsample %dx%dx%d backward square=%d set", c, h, w,
                        square));
    }
    free(in);
    free(dout);
    free(o1);
    free(o2);
    free(g1);
    free(g2);
}

/* squash_forward (vectors of LANES, a zero-padded tail; its fast tanh in the float build)
 * against libm's tanh in double, at C1's size and at an odd one, a in [-range, range]
 * (range 10: the scaled tanh's rational alone, plain tanh's clamped beyond 7.9 too; 20: both
 * clamped) */
static void compare_squash(int n, double range, gsl_rng *r) {
    real *a = malloc((size_t)n * sizeof(real)), *x = malloc((size_t)n * sizeof(real));
    for (int kind = LENET_SQUASH_SCALED; kind <= LENET_SQUASH_TANH; kind++) {
        for (int i = 0; i < n; i++) a[i] = (real)(2 * range * gsl_rng_uniform(r) - range);
        a[0] = 0;
        squash_forward(x, a, n, (lenet_squash)kind);
        const double A = kind == LENET_SQUASH_SCALED ? SQUASH_A : 1;
        const double S = kind == LENET_SQUASH_SCALED ? SQUASH_S : 1;
        double d = 0;
        for (int i = 0; i < n; i++) {
            const double e = fabs((double)x[i] - A * tanh(S * (double)a[i]));
            if (!(e <= d)) d = e;
        }
        if (check_verbose || d > SQUASH_TOL)
            printf("# squash n=%d kind=%d range %g: %.3g\n", n, kind, range, d);
        CHECK(d <= SQUASH_TOL);
    }
    free(a);
    free(x);
}

#ifndef LENET_DOUBLE
/* The float squashing takes each chunk of vectors without its clamp and again with it only
 * if some |a| is beyond the rational's range: a value's bits never depend on its neighbours
 * (an array with one large entry planted, against the same array without it); +-inf and huge
 * values give +-A (to SQUASH_TOL), a NaN stays NaN, in a chunk retaken or not. */
static void check_squash_clamp(gsl_rng *r) {
    enum { N = 203 }; /* chunks of 64, a vector and a tail */
    real a[N], x0[N], x1[N];
    /* traps off: the first sweep over a chunk with a huge value overflows there before the
     * chunk is retaken clamped, and a NaN compared raises the invalid flag (squash_chunk) */
    const int traps = fedisableexcept(FE_ALL_EXCEPT);
    for (int kind = LENET_SQUASH_SCALED; kind <= LENET_SQUASH_TANH; kind++) {
        const double A = kind == LENET_SQUASH_SCALED ? SQUASH_A : 1;
        for (int i = 0; i < N; i++) a[i] = (real)(4 * gsl_rng_uniform(r) - 2);
        squash_forward(x0, a, N, (lenet_squash)kind);
        const int planted[] = {5, 64 + 17, 192 + 3, 202};
        int same = 1, ends = 1;
        for (size_t k = 0; k < sizeof planted / sizeof *planted; k++) {
            real b[N];
            memcpy(b, a, sizeof b);
            b[planted[k]] = (k % 2 ? -1 : 1) * (real)(k < 2 ? 1e30 : 40);
            squash_forward(x1, b, N, (lenet_squash)kind);
            for (int i = 0; i < N; i++)
                if (i != planted[k]) same &= memcmp(&x0[i], &x1[i], sizeof(real)) == 0;
            ends &= fabs(x1[planted[k]] - (k % 2 ? -1 : 1) * A) <= SQUASH_TOL;
        }
        a[1] = INFINITY, a[70] = -INFINITY, a[130] = NAN, a[200] = NAN;
        squash_forward(x1, a, N, (lenet_squash)kind);
        ends &= fabs(x1[1] - A) <= SQUASH_TOL && fabs(x1[70] + A) <= SQUASH_TOL &&
                isnan(x1[130]) && isnan(x1[200]);
        a[1] = a[70] = 0.5f; /* no clamp left: the NaNs' chunks run once */
        squash_forward(x1, a, N, (lenet_squash)kind);
        ends &= isnan(x1[130]) && isnan(x1[200]) && x1[1] == x1[70];
        if (check_verbose || !same || !ends)
            printf("# squash clamp kind=%d: neighbours %s, ends %s\n", kind,
                   same ? "unchanged" : "changed", ends ? "right" : "wrong");
        CHECK(same);
        CHECK(ends);
    }
    feclearexcept(FE_ALL_EXCEPT);
    feenableexcept(traps);
}
#endif

/* linear_forward_n against linear_forward on each input (wide = 0), or linear_forward_n_wide
 * against linear_forward_n (wide = 1: 8 and 4 inputs at a time on 16 lanes where AVX-512),
 * bit for bit, for n = 1 .. NMAX: one sweep of LINEAR_N or fewer, several, and 8 + 1 (nout:
 * whole blocks of rows or not; nin: whole vectors or not) */
static void compare_linear_n(int nin, int nout, int wide, gsl_rng *r) {
    enum { NMAX = 2 * LINEAR_N + 1 };
    const size_t ni = (size_t)NMAX * nin, no = (size_t)NMAX * nout;
    real *in = malloc(ni * sizeof(real)), *wt = malloc((size_t)nin * nout * sizeof(real));
    real *b = malloc((size_t)nout * sizeof(real));
    real *o1 = malloc(no * sizeof(real)), *o2 = malloc(no * sizeof(real));
    fill(in, ni, r);
    fill(wt, (size_t)nin * nout, r);
    fill(b, (size_t)nout, r);
    for (int n = 1; n <= NMAX; n++) {
        real *out1[NMAX], *out2[NMAX];
        const real *inp[NMAX];
        for (int q = 0; q < n; q++)
            out1[q] = o1 + (size_t)q * nout, out2[q] = o2 + (size_t)q * nout,
            inp[q] = in + (size_t)(NMAX - 1 - q) * nin;
        if (wide) {
            linear_forward_n(out1, inp, wt, b, nin, nout, n);
            linear_forward_n_wide(out2, inp, wt, b, nin, nout, n);
        } else {
            for (int q = 0; q < n; q++) linear_forward(out1[q], inp[q], wt, b, nin, nout);
            linear_forward_n(out2, inp, wt, b, nin, nout, n);
        }
        CHECK(same_bits(o1, o2, (size_t)n * nout, "%s %d -> %d, n=%d",
                        wide ? "linear_forward_n_wide" : "linear_forward_n", nin, nout, n));
    }
    free(in);
    free(wt);
    free(b);
    free(o1);
    free(o2);
}

#ifndef LENET_DOUBLE
/* The 16-lane kernels (layers.h conv_forward_wide, squash_forward_wide,
 * linear_forward_n_wide) against the 8-lane ones, bit for bit: conv at LeNet's shapes, with
 * and without a table, and at odd ones (a map of no whole number of vectors; one below 16
 * values, which takes the 8-lane code; a non-square input), squash at every size a forward
 * pass uses and at odd ones, with values beyond the clamp, infinities and NaNs planted, the
 * full connections at LeNet's sizes and an odd one. On a machine without AVX-512 both sides
 * run the 8-lane code and the comparisons hold trivially: reported as a skip. */
static void compare_wide_conv(const unsigned char *table, int cin, int cout, int h, int w,
                              gsl_rng *r) {
    const int oh = h - LENET_K + 1, ow = w - LENET_K + 1;
    int pairs = 0;
    for (int i = 0; i < cin * cout; i++) pairs += !table || table[i];
    const size_t nin = (size_t)cin * h * w, nout = (size_t)cout * oh * ow;
    const size_t nw = (size_t)pairs * LENET_K * LENET_K;
    real *in = malloc(nin * sizeof(real)), *wt = malloc(nw * sizeof(real));
    real *b = malloc((size_t)cout * sizeof(real));
    real *o1 = malloc(nout * sizeof(real)), *o2 = malloc(nout * sizeof(real));
    fill(in, nin, r);
    fill(wt, nw, r);
    fill(b, (size_t)cout, r);
    conv_forward(o1, in, wt, b, table, cin, cout, h, w);
    conv_forward_wide(o2, in, wt, b, table, cin, cout, h, w);
    CHECK(same_bits(o1, o2, nout, "conv_forward_wide %dx%dx%d -> %dx%dx%d%s", cin, h, w, cout,
                    oh, ow, table ? " (table)" : ""));
    free(in);
    free(wt);
    free(b);
    free(o1);
    free(o2);
}

static void compare_wide_squash(int n, gsl_rng *r) {
    real *a = malloc((size_t)n * sizeof(real));
    real *x1 = malloc((size_t)n * sizeof(real)), *x2 = malloc((size_t)n * sizeof(real));
    const int traps = fedisableexcept(FE_ALL_EXCEPT); /* see check_squash_clamp */
    for (int kind = LENET_SQUASH_SCALED; kind <= LENET_SQUASH_TANH; kind++)
        for (int planted = 0; planted <= 1; planted++) {
            for (int i = 0; i < n; i++) a[i] = (real)(30 * gsl_rng_uniform(r) - 15);
            if (planted)
                for (int i = 0; i < n; i += 37)
                    a[i] = i % 3 == 0 ? INFINITY : i % 3 == 1 ? -(real)1e30 : NAN;
            squash_forward(x1, a, n, (lenet_squash)kind);
            squash_forward_wide(x2, a, n, (lenet_squash)kind);
            CHECK(same_bits(x1, x2, (size_t)n, "squash_forward_wide n=%d kind=%d%s", n, kind,
                            planted ? " (inf, 1e30, NaN planted)" : ""));
        }
    feclearexcept(FE_ALL_EXCEPT);
    feenableexcept(traps);
    free(a);
    free(x1);
    free(x2);
}

/* the 16-lane pooling forwards against the 8-lane ones, bit for bit: subsamp_forward_wide
 * (maxpool = 0) or maxpool_forward_wide (1; ties planted: equal values in a block, the first
 * maximum's value either way, and -0 against +0) */
static void compare_wide_pool(int maxpool, int c, int h, int w, gsl_rng *r) {
    const size_t nin = (size_t)c * h * w, nout = (size_t)c * (h / 2) * (w / 2);
    real *in = malloc(nin * sizeof(real)), *coef = malloc((size_t)c * sizeof(real));
    real *bias = malloc((size_t)c * sizeof(real));
    real *o1 = malloc(nout * sizeof(real)), *o2 = malloc(nout * sizeof(real));
    fill(in, nin, r);
    fill(coef, (size_t)c, r);
    fill(bias, (size_t)c, r);
    if (maxpool) {
        for (size_t i = 0; i + 1 < nin; i += 7) in[i + 1] = in[i];
        for (size_t i = 0; i + 1 < nin; i += 11) in[i] = 0, in[i + 1] = -(real)0;
        maxpool_forward(o1, in, c, h, w);
        maxpool_forward_wide(o2, in, c, h, w);
    } else {
        subsamp_forward(o1, in, coef, bias, c, h, w);
        subsamp_forward_wide(o2, in, coef, bias, c, h, w);
    }
    CHECK(same_bits(o1, o2, nout, "%s %dx%dx%d",
                    maxpool ? "maxpool_forward_wide" : "subsamp_forward_wide", c, h, w));
    free(in);
    free(coef);
    free(bias);
    free(o1);
    free(o2);
}

static void compare_wide(gsl_rng *r) {
    if (!layers_wide())
        printf("SKIP wide: no AVX-512 (x86-64-v4) here; the 16-lane kernels are not compared "
               "with the 8-lane ones\n");
    compare_wide_conv(NULL, 1, C1_N, LENET_IN, LENET_IN, r);
    compare_wide_conv(&LENET_TABLE_I[0][0], S2_N, C3_N, S2_H, S2_H, r);
    compare_wide_conv(NULL, S2_N, C3_N, S2_H, S2_H, r);
    compare_wide_conv(NULL, 2, 3, 9, 9, r);   /* 25 values a map: a vector and a tail */
    compare_wide_conv(NULL, 1, 2, 8, 8, r);   /* 16 values: one vector exactly */
    compare_wide_conv(NULL, 1, 2, 6, 6, r);   /* 4 values: below 16, the 8-lane code */
    compare_wide_conv(NULL, 3, 7, 12, 21, r); /* not square; 7 maps: groups of 4 and 3 */
    compare_wide_conv(NULL, 2, 11, 10, 30, r); /* 11 maps: 6 and 5; rows of 26: 16 + 10 */
    const int sizes[] = {C1_N * C1_H * C1_H, S2_N * S2_H * S2_H, C3_N * C3_H * C3_H,
                         S4_N * S4_H * S4_H, C5_N, F6_N, 203, 13};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) compare_wide_squash(sizes[k], r);
    compare_wide_pool(0, C1_N, C1_H, C1_H, r); /* S2: rows of 28 (16 + 12), 196 outputs a map */
    compare_wide_pool(0, C3_N, C3_H, C3_H, r); /* S4: rows of 10 (8-lane), 25 a map */
    compare_wide_pool(0, 3, 9, 36, r);         /* an odd height (last row unused), 72 a map */
    compare_wide_pool(0, 2, 12, 32, r);        /* rows of two whole vectors */
    compare_wide_pool(0, 2, 6, 6, r);          /* 9 outputs a map: below 16, the 8-lane code */
    compare_wide_pool(1, C1_N, C1_H, C1_H, r); /* rows of 14: one run of 16 each */
    compare_wide_pool(1, C3_N, C3_H, C3_H, r); /* rows of 5: the 8-lane code */
    compare_wide_pool(1, 3, 6, 32, r);         /* rows of 16 exactly */
    compare_wide_pool(1, 2, 9, 20, r);         /* an odd height: the 8-lane code */
    compare_linear_n(S4_N * S4_H * S4_H, C5_N, 1, r); /* C5: 400 -> 120: 20 blocks of 6, 24 of 5 */
    compare_linear_n(C5_N, F6_N, 1, r);               /* F6: 120 -> 84 */
    compare_linear_n(F6_N, OUT_N, 1, r);              /* the linear output: 84, a tail of 4 */
    compare_linear_n(13, 5, 1, r);                    /* below one vector; one short block */
}
#endif

void test_kernels(void) {
    TEST_GROUP("kernels: fast conv, linear and sub-sampling against the reference loops");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    compare("C1 1x32x32 -> 6x28x28", NULL, 1, C1_N, LENET_IN, r);
    compare("C3 Table I 6x14x14 -> 16x10x10", &LENET_TABLE_I[0][0], S2_N, C3_N, S2_H, r);
    compare("C3 full 6x14x14 -> 16x10x10", NULL, S2_N, C3_N, S2_H, r);
    compare_subsamp(2, 9, 12, r);         /* odd height, even width: the fast path, the last row unused */
    compare("conv 2x9x9 -> 3x5x5", NULL, 2, 3, 9, r);
    compare("conv 1x6x6 -> 2x2x2 (reference path)", NULL, 1, 2, 6, r);
    compare("conv 1x5x5 -> 1x1x1 (reference path)", NULL, 1, 1, 5, r);
    compare("C5 400 -> 120", NULL, S4_N * S4_H * S4_H, C5_N, 0, r);
    compare("F6 120 -> 84", NULL, C5_N, F6_N, 0, r);
    compare("output 84 -> 10", NULL, F6_N, OUT_N, 0, r);
    compare("linear 43 -> 13", NULL, 43, 13, 0, r);
    compare("linear 5 -> 3", NULL, 5, 3, 0, r);
    compare_linear_n(S4_N * S4_H * S4_H, C5_N, 0, r); /* C5 */
    compare_linear_n(C5_N, F6_N, 0, r);               /* F6 */
    compare_linear_n(F6_N, OUT_N, 0, r);              /* a linear output: a short last block */
    compare_linear_n(43, 13, 0, r);
    compare_linear_n(5, 2, 0, r);
    compare_maxpool(3, 6, 8, r);
    compare_maxpool(C1_N, C1_H, C1_H, r); /* the modern variant's S2 */
    compare_maxpool(C3_N, C3_H, C3_H, r); /* S4: 25 outputs a map, a vector and a tail */
    compare_maxpool(2, 6, 6, r);          /* a width below LANES */
    compare_maxpool(2, 4, 4, r);          /* 4 outputs a map: below LANES */
    compare_maxpool(2, 7, 9, r);          /* odd: the plain loops */
    compare_maxpool(2, 9, 10, r);         /* an odd height: the forward's runs, a row unused */
    compare_maxpool(3, 8, 12, r);         /* outputs 6 a row: one run of LANES, lanes to spare */
    compare_subsamp(C1_N, C1_H, C1_H, r); /* S2 */
    compare_subsamp(C3_N, C3_H, C3_H, r); /* S4 */
    compare_subsamp(3, 6, 6, r);          /* a width below LANES */
    compare_subsamp(2, 12, 18, r);        /* rows of 18: two vectors and a tail */
    compare_subsamp(2, 7, 9, r);          /* odd: the plain loops, the last row and column unused */
    compare_squash(C1_N * C1_H * C1_H, 10, r);
    compare_squash(C1_N * C1_H * C1_H, 20, r);
    compare_squash(13, 10, r);
    compare_squash(13, 20, r);
#ifndef LENET_DOUBLE
    check_squash_clamp(r);
    compare_wide(r);
#endif
    gsl_rng_free(r);
}
