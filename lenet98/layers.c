/* layers.c: the layers of LeNet-5 (Sec. II-B) with their first-derivative pass (App. B,
 * Eq. 19: shared weights sum their gradients, which accumulation gives for free) and their
 * Gauss-Newton second-derivative pass (App. C, Eq. 23-27). See layers.h for the contracts.
 *
 * Each backward / backward2 pair shares one static kernel with a `square` switch: the second
 * pass is the first with every derivative and weight squared (Eq. 25, 27), so the two can
 * never drift apart. The switch is a compile-time constant at each call and folds away. */
#include "layers.h"

#include <assert.h>
#include <math.h>
#include <string.h>

#define K LENET_K

static inline real sq(real v) { return v * v; }

/* ======================================================================================
 * Squashing (Eq. 5-6, App. A) */

#ifdef LENET_DOUBLE
static inline real fast_tanh(real v) { return tanh(v); }
#else
/* tanh to float precision: a [13/6] rational approximation on [-7.9, 7.9] (the one Eigen
 * uses, max error a few ulp); beyond that tanh is +-1 in float. Vectorises, unlike tanhf. */
static inline float fast_tanh(float v) {
    const float lim = 7.90531110763549805f;
    v = v < -lim ? -lim : (v > lim ? lim : v);
    const float v2 = v * v;
    float p = -2.76076847742355e-16f;
    p = p * v2 + 2.00018790482477e-13f;
    p = p * v2 + -8.60467152213735e-11f;
    p = p * v2 + 5.12229709037114e-08f;
    p = p * v2 + 1.48572235717979e-05f;
    p = p * v2 + 6.37261928875436e-04f;
    p = p * v2 + 4.89352455891786e-03f;
    p = p * v;
    float q = 1.19825839466702e-06f;
    q = q * v2 + 1.18534705686654e-04f;
    q = q * v2 + 2.26843463243900e-03f;
    q = q * v2 + 4.89352518554385e-03f;
    return p / q;
}
#endif

/* x (n) = f(a (n)) */
void squash_forward(real *x, const real *a, int n, lenet_squash kind) {
    if (kind == LENET_SQUASH_SCALED) {
        const real A = (real)SQUASH_A, S = (real)SQUASH_S;
#pragma omp simd
        for (int i = 0; i < n; i++) x[i] = A * fast_tanh(S * a[i]);
    } else {
#pragma omp simd
        for (int i = 0; i < n; i++) x[i] = fast_tanh(a[i]);
    }
}

/* f'(a) from the state x = f(a) */
static inline real squash_slope(real x, lenet_squash kind) {
    if (kind == LENET_SQUASH_SCALED)
        return (real)(SQUASH_S / SQUASH_A) * ((real)(SQUASH_A * SQUASH_A) - x * x);
    return 1 - x * x;
}

/* da (n) += f'(a) dx (n). App. B. */
void squash_backward(real *da, const real *dx, const real *x, int n, lenet_squash kind) {
#pragma omp simd
    for (int i = 0; i < n; i++) da[i] += squash_slope(x[i], kind) * dx[i];
}

/* dda (n) += f'(a)^2 ddx (n). Eq. 27. */
void squash_backward2(real *dda, const real *ddx, const real *x, int n, lenet_squash kind) {
#pragma omp simd
    for (int i = 0; i < n; i++) dda[i] += sq(squash_slope(x[i], kind)) * ddx[i];
}

/* ======================================================================================
 * Convolution (C1, C3). in (cin,h,w), wt (pairs,K,K), b (cout) -> out (cout,oh,ow). */

void conv_forward(real *out, const real *in, const real *wt, const real *b,
                  const unsigned char *table, int cin, int cout, int h, int w) {
    const int oh = h - K + 1, ow = w - K + 1;
    assert(oh > 0 && ow > 0 && ow <= LENET_IN);
    const real *kern = wt; /* the kernels of output map o */
    for (int o = 0; o < cout; o++) {
        int pairs = 0;
        for (int c = 0; c < cin; c++) pairs += !table || table[o * cin + c];
        for (int y = 0; y < oh; y++) {
            real acc[LENET_IN];
            for (int x = 0; x < ow; x++) acc[x] = b[o];
            const real *k = kern;
            for (int c = 0; c < cin; c++) {
                if (table && !table[o * cin + c]) continue;
                const real *ip = in + (size_t)c * h * w + (size_t)y * w;
                for (int ky = 0; ky < K; ky++)
                    for (int kx = 0; kx < K; kx++) {
                        const real wv = k[ky * K + kx];
                        const real *row = ip + ky * w + kx;
#pragma omp simd
                        for (int x = 0; x < ow; x++) acc[x] += wv * row[x];
                    }
                k += K * K;
            }
            memcpy(out + ((size_t)o * oh + y) * ow, acc, (size_t)ow * sizeof(real));
        }
        kern += (size_t)pairs * K * K;
    }
}

/* The shared kernel of conv_backward (square = 0) and conv_backward2 (square = 1):
 * db[o]  += sum dout[o]
 * dwt    += sum_{y,x} dout[o][y][x] in[c][y+ky][x+kx]           (squared: in^2)
 * din[c] += sum wt dout[o] over the positions it reached         (squared: wt^2) */
static inline void conv_backprop(real *din, real *dwt, real *db, const real *dout,
                                 const real *in, const real *wt, const unsigned char *table,
                                 int cin, int cout, int h, int w, int square) {
    const int oh = h - K + 1, ow = w - K + 1;
    const real *kern = wt;
    real *dkern = dwt;
    for (int o = 0; o < cout; o++) {
        const real *dop = dout + (size_t)o * oh * ow;
        real s = 0;
        for (int i = 0; i < oh * ow; i++) s += dop[i];
        db[o] += s;
        for (int c = 0; c < cin; c++) {
            if (table && !table[o * cin + c]) continue;
            const real *ip = in + (size_t)c * h * w;
            real *dip = din ? din + (size_t)c * h * w : NULL;
            for (int ky = 0; ky < K; ky++)
                for (int kx = 0; kx < K; kx++) {
                    const real wv = square ? sq(kern[ky * K + kx]) : kern[ky * K + kx];
                    real g = 0;
                    for (int y = 0; y < oh; y++) {
                        const real *row = ip + (y + ky) * w + kx;
                        const real *drow = dop + y * ow;
                        if (square) {
#pragma omp simd reduction(+ : g)
                            for (int x = 0; x < ow; x++) g += drow[x] * row[x] * row[x];
                        } else {
#pragma omp simd reduction(+ : g)
                            for (int x = 0; x < ow; x++) g += drow[x] * row[x];
                        }
                        if (dip) {
                            real *dirow = dip + (y + ky) * w + kx;
#pragma omp simd
                            for (int x = 0; x < ow; x++) dirow[x] += wv * drow[x];
                        }
                    }
                    dkern[ky * K + kx] += g;
                }
            kern += K * K;
            dkern += K * K;
        }
    }
}

void conv_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                   const real *wt, const unsigned char *table, int cin, int cout, int h, int w) {
    conv_backprop(din, dwt, db, dout, in, wt, table, cin, cout, h, w, 0);
}

void conv_backward2(real *ddin, real *hwt, real *hb, const real *ddout, const real *in,
                    const real *wt, const unsigned char *table, int cin, int cout, int h,
                    int w) {
    conv_backprop(ddin, hwt, hb, ddout, in, wt, table, cin, cout, h, w, 1);
}

/* ======================================================================================
 * Full connection (C5, F6, linear output). in (nin), wt (nout,nin), b (nout) -> out (nout). */

void linear_forward(real *out, const real *in, const real *wt, const real *b, int nin,
                    int nout) {
    for (int o = 0; o < nout; o++) {
        const real *wr = wt + (size_t)o * nin;
        real acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int i = 0; i < nin; i++) acc += wr[i] * in[i];
        out[o] = acc + b[o];
    }
}

static inline void linear_backprop(real *din, real *dwt, real *db, const real *dout,
                                   const real *in, const real *wt, int nin, int nout,
                                   int square) {
    for (int o = 0; o < nout; o++) {
        const real d = dout[o];
        const real *wr = wt + (size_t)o * nin;
        real *dwr = dwt + (size_t)o * nin;
        db[o] += d;
        if (d == 0) continue; /* exact: adds nothing */
        if (square) {
#pragma omp simd
            for (int i = 0; i < nin; i++) dwr[i] += d * in[i] * in[i];
            if (din)
#pragma omp simd
                for (int i = 0; i < nin; i++) din[i] += wr[i] * wr[i] * d;
        } else {
#pragma omp simd
            for (int i = 0; i < nin; i++) dwr[i] += d * in[i];
            if (din)
#pragma omp simd
                for (int i = 0; i < nin; i++) din[i] += wr[i] * d;
        }
    }
}

void linear_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                     const real *wt, int nin, int nout) {
    linear_backprop(din, dwt, db, dout, in, wt, nin, nout, 0);
}

void linear_backward2(real *ddin, real *hwt, real *hb, const real *ddout, const real *in,
                      const real *wt, int nin, int nout) {
    linear_backprop(ddin, hwt, hb, ddout, in, wt, nin, nout, 1);
}

/* ======================================================================================
 * Subsampling (S2, S4). in (c,h,w) -> out (c,h/2,w/2); coef, bias (c). */

static inline real block_sum(const real *ip, int w) { return ip[0] + ip[1] + ip[w] + ip[w + 1]; }

void subsamp_forward(real *out, const real *in, const real *coef, const real *bias, int c,
                     int h, int w) {
    const int oh = h / 2, ow = w / 2;
    for (int m = 0; m < c; m++) {
        const real *ip = in + (size_t)m * h * w;
        real *op = out + (size_t)m * oh * ow;
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++)
                op[y * ow + x] = coef[m] * block_sum(ip + 2 * y * w + 2 * x, w) + bias[m];
    }
}

static inline void subsamp_backprop(real *din, real *dcoef, real *dbias, const real *dout,
                                    const real *in, const real *coef, int c, int h, int w,
                                    int square) {
    const int oh = h / 2, ow = w / 2;
    for (int m = 0; m < c; m++) {
        const real *ip = in + (size_t)m * h * w;
        const real *dop = dout + (size_t)m * oh * ow;
        real *dip = din ? din + (size_t)m * h * w : NULL;
        const real cm = square ? sq(coef[m]) : coef[m];
        real gc = 0, gb = 0;
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                const real d = dop[y * ow + x];
                const real s = block_sum(ip + 2 * y * w + 2 * x, w);
                gb += d;
                gc += d * (square ? s * s : s);
                if (dip) {
                    real *di = dip + 2 * y * w + 2 * x;
                    di[0] += cm * d;
                    di[1] += cm * d;
                    di[w] += cm * d;
                    di[w + 1] += cm * d;
                }
            }
        dcoef[m] += gc;
        dbias[m] += gb;
    }
}

void subsamp_backward(real *din, real *dcoef, real *dbias, const real *dout, const real *in,
                      const real *coef, int c, int h, int w) {
    subsamp_backprop(din, dcoef, dbias, dout, in, coef, c, h, w, 0);
}

void subsamp_backward2(real *ddin, real *hcoef, real *hbias, const real *ddout,
                       const real *in, const real *coef, int c, int h, int w) {
    subsamp_backprop(ddin, hcoef, hbias, ddout, in, coef, c, h, w, 1);
}

/* ======================================================================================
 * Max-pool (modern variant). in (c,h,w) -> out (c,h/2,w/2). */

/* offset of the first maximum of the 2x2 block at ip, in row-major order */
static inline int block_argmax(const real *ip, int w) {
    const int off[4] = {0, 1, w, w + 1};
    int best = 0;
    for (int t = 1; t < 4; t++)
        if (ip[off[t]] > ip[best]) best = off[t];
    return best;
}

void maxpool_forward(real *out, const real *in, int c, int h, int w) {
    const int oh = h / 2, ow = w / 2;
    for (int m = 0; m < c; m++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                const real *ip = in + (size_t)m * h * w + 2 * y * w + 2 * x;
                out[((size_t)m * oh + y) * ow + x] = ip[block_argmax(ip, w)];
            }
}

/* The derivative of a max is 0 or 1, so its square is itself: backward2 = backward. */
void maxpool_backward(real *din, const real *dout, const real *in, int c, int h, int w) {
    const int oh = h / 2, ow = w / 2;
    for (int m = 0; m < c; m++)
        for (int y = 0; y < oh; y++)
            for (int x = 0; x < ow; x++) {
                const size_t base = (size_t)m * h * w + 2 * y * w + 2 * x;
                din[base + block_argmax(in + base, w)] += dout[((size_t)m * oh + y) * ow + x];
            }
}

void maxpool_backward2(real *ddin, const real *ddout, const real *in, int c, int h, int w) {
    maxpool_backward(ddin, ddout, in, c, h, w);
}

/* ======================================================================================
 * Euclidean RBF output (Eq. 7). x (nin), w (nout,nin) -> y (nout). */

void rbf_forward(real *y, const real *x, const real *w, int nin, int nout) {
    for (int i = 0; i < nout; i++) {
        const real *wi = w + (size_t)i * nin;
        real acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int j = 0; j < nin; j++) acc += sq(x[j] - wi[j]);
        y[i] = acc;
    }
}

/* dx_j += sum_i dy_i 2 (x_j - w_ij) */
void rbf_backward(real *dx, const real *dy, const real *x, const real *w, int nin, int nout) {
    for (int i = 0; i < nout; i++) {
        const real d = 2 * dy[i];
        const real *wi = w + (size_t)i * nin;
        if (d == 0) continue;
#pragma omp simd
        for (int j = 0; j < nin; j++) dx[j] += d * (x[j] - wi[j]);
    }
}

/* ddx_j += sum_i [ ddy_i (2 (x_j - w_ij))^2 + 2 dy_i ] */
void rbf_backward2(real *ddx, const real *ddy, const real *dy, const real *x, const real *w,
                   int nin, int nout) {
    real curv = 0;
    for (int i = 0; i < nout; i++) {
        curv += 2 * dy[i];
        const real *wi = w + (size_t)i * nin;
        const real d = 4 * ddy[i];
        if (d == 0) continue;
#pragma omp simd
        for (int j = 0; j < nin; j++) ddx[j] += d * sq(x[j] - wi[j]);
    }
    for (int j = 0; j < nin; j++) ddx[j] += curv;
}
