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
#include <stdint.h>
#include <string.h>

#define K LENET_K

static inline real sq(real v) { return v * v; }

/* CALL, in which LH and LW stand for the sizes h and w (a layer's height and a width), once
 * for each of LeNet's two shapes (H1, W1) and (H2, W2) with them as constants and once for
 * any other (h, w): each branch is inlined apart, so its loop bounds and offsets are literals */
#define AT_LENET_SIZES(h, w, H1, W1, H2, W2, CALL)                                        \
    do {                                                                                   \
        if ((h) == (H1) && (w) == (W1)) {                                                  \
            const int LH = (H1), LW = (W1);                                                \
            CALL;                                                                          \
        } else if ((h) == (H2) && (w) == (W2)) {                                           \
            const int LH = (H2), LW = (W2);                                                \
            CALL;                                                                          \
        } else {                                                                           \
            const int LH = (h), LW = (w);                                                  \
            CALL;                                                                          \
        }                                                                                  \
    } while (0)

/* ======================================================================================
 * Vectors for the fast kernels: GNU C vectors of LANES reals, loaded and stored unaligned
 * with memcpy (one instruction). */

enum { LANES = 8, BLOCK = 9 }; /* BLOCK: vectors in flight in a kernel, at most */
typedef real vec __attribute__((vector_size(LANES * sizeof(real))));
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define ALIGNED __attribute__((aligned(64))) /* scratch on a cache line: fewer split loads */

ALWAYS_INLINE vec vload(const real *p) {
    vec v;
    memcpy(&v, p, sizeof v);
    return v;
}
ALWAYS_INLINE void vstore(real *p, vec v) { memcpy(p, &v, sizeof v); }
ALWAYS_INLINE vec vsplat(real s) { return (vec){0} + s; }
/* the sum of the lanes, pairwise: lane l + lane l + 4, then l + l + 2, then 0 + 1, in
 * registers (through memory, as a loop over an array, the narrower reloads of the stored
 * vector stalled on store forwarding) */
ALWAYS_INLINE real vsum(vec v) {
    _Static_assert(LANES == 8, "three halvings");
    v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 4, 5, 6, 7);
    v += __builtin_shufflevector(v, v, 2, 3, 2, 3, 2, 3, 2, 3);
    v += __builtin_shufflevector(v, v, 1, 1, 1, 1, 1, 1, 1, 1);
    return v[0];
}

/* the integer vector a comparison of two vecs gives (lanes of all ones or all zeros) */
#ifdef LENET_DOUBLE
typedef int64_t ivec __attribute__((vector_size(LANES * sizeof(double))));
#else
typedef int32_t ivec __attribute__((vector_size(LANES * sizeof(float))));
#endif
/* non-zero if any lane of m (a vector comparison) is set: or-ed in registers, halving as vsum */
ALWAYS_INLINE int vany(ivec m) {
    m |= __builtin_shufflevector(m, m, 4, 5, 6, 7, 4, 5, 6, 7);
    m |= __builtin_shufflevector(m, m, 2, 3, 2, 3, 2, 3, 2, 3);
    m |= __builtin_shufflevector(m, m, 1, 1, 1, 1, 1, 1, 1, 1);
    return m[0];
}
/* lane by lane m ? a : b, m from a vector comparison */
ALWAYS_INLINE vec vselect(ivec m, vec a, vec b) {
    return (vec)((m & (ivec)a) | (~m & (ivec)b));
}

/* A load that stays one instruction: gcc folds a vector load into each multiply-add that uses
 * it (two loads for a vector that feeds two; the kernels where that happens are bound by
 * loads), but never folds a volatile access into arithmetic. It replaced an add of an opaque
 * zero (x + 0, the same value but for -0), which cost nothing on AMD's cores, whose adders sit
 * beside the FMA units, but took an FMA port on Intel's: on the AVX-512 Xeon the 16-lane
 * forward spent a quarter of its issue slots on those adds. */
typedef real vec_once __attribute__((vector_size(LANES * sizeof(real)), aligned(sizeof(real)),
                                     may_alias));
ALWAYS_INLINE vec vload_once(const real *p) { return *(const volatile vec_once *)p; }

/* r[l] = the sum of the lanes of v[l], l < LANES (= 8): three rounds of shuffles and adds,
 * pairs of lanes, then pairs of pairs, then halves, instead of eight vsum */
_Static_assert(LANES == 8, "vsum8 and the sub-sampling's shuffles are written for 8 lanes");
/* lanes of (a,b) at even / odd indices, as gcc's and clang's __builtin_shufflevector take them */
#define EVENS(a, b) __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODDS(a, b) __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15)
ALWAYS_INLINE vec vsum8(const vec *v) {
    vec a[4], b[2];
    for (int k = 0; k < 4; k++) /* lane pairs: a[k] = v[2k] and v[2k+1]'s pair sums, interleaved */
        a[k] = __builtin_shufflevector(v[2 * k], v[2 * k + 1], 0, 8, 2, 10, 4, 12, 6, 14) +
               __builtin_shufflevector(v[2 * k], v[2 * k + 1], 1, 9, 3, 11, 5, 13, 7, 15);
    for (int k = 0; k < 2; k++)
        b[k] = __builtin_shufflevector(a[2 * k], a[2 * k + 1], 0, 1, 8, 9, 4, 5, 12, 13) +
               __builtin_shufflevector(a[2 * k], a[2 * k + 1], 2, 3, 10, 11, 6, 7, 14, 15);
    return __builtin_shufflevector(b[0], b[1], 0, 1, 2, 3, 8, 9, 10, 11) +
           __builtin_shufflevector(b[0], b[1], 4, 5, 6, 7, 12, 13, 14, 15);
}

/* dst (n) = src (n), n >= LANES: whole vectors, the last one shifted back to end at n (it
 * rewrites a few values identically); an inline copy instead of a libc call per short row */
ALWAYS_INLINE void copy_run(real *dst, const real *src, int n) {
    int i = 0;
    for (; i + LANES <= n; i += LANES) {
        const vec v = vload(src + i);
        vstore(dst + i, v);
    }
    if (i < n) {
        const vec v = vload(src + n - LANES);
        vstore(dst + n - LANES, v);
    }
}

/* ======================================================================================
 * Squashing (Eq. 5-6, App. A) */

#ifdef LENET_DOUBLE
/* x (n) = f(a (n)) = A tanh(S a), or tanh(a) (A = S = 1): libm's tanh, lane by lane */
LENET_HOT_V4
void squash_forward(real *x, const real *a, int n, lenet_squash kind) {
    const int scaled = kind == LENET_SQUASH_SCALED;
    const real A = scaled ? (real)SQUASH_A : 1, S = scaled ? (real)SQUASH_S : 1;
    for (int i = 0; i < n; i++) x[i] = A * tanh(S * a[i]);
}
#else

/* f(a) = A tanh(S a) to float precision: tanh is a [13/6] rational approximation on
 * [-7.9, 7.9] (the one Eigen uses, max error a few ulp), beyond which tanh is +-1 in float;
 * A and S are folded into its coefficients (p_k A S^(2k+1), q_k S^(2k), in double, then
 * rounded once), so f is the rational itself on |a| <= lim = 7.9 / S. */
#define TANH_LIM 7.90531110763549805
#define TANH_P(s, A) /* p_k A s^(2k+1), k = 0 .. 6, from k = 6 down (Horner's order) */       \
    {(real)(-2.76076847742355e-16 * (A) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * \
            (s) * (s) * (s) * (s)),                                                          \
     (real)(2.00018790482477e-13 * (A) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * (s) *   \
            (s) * (s)),                                                                      \
     (real)(-8.60467152213735e-11 * (A) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * (s) * (s)), \
     (real)(5.12229709037114e-08 * (A) * (s) * (s) * (s) * (s) * (s) * (s) * (s)),            \
     (real)(1.48572235717979e-05 * (A) * (s) * (s) * (s) * (s) * (s)),                        \
     (real)(6.37261928875436e-04 * (A) * (s) * (s) * (s)),                                    \
     (real)(4.89352455891786e-03 * (A) * (s))}
#define TANH_Q(s) /* q_k s^(2k), k = 0 .. 3, from k = 3 down */                              \
    {(real)(1.19825839466702e-06 * (s) * (s) * (s) * (s) * (s) * (s)),                        \
     (real)(1.18534705686654e-04 * (s) * (s) * (s) * (s)),                                    \
     (real)(2.26843463243900e-03 * (s) * (s)), (real)4.89352518554385e-03}
typedef struct {
    real lim, p[7], q[4];
} squash_coefs;
static const squash_coefs SQUASH_COEFS[2] = {
    [LENET_SQUASH_SCALED] = {(real)(TANH_LIM / SQUASH_S), TANH_P(SQUASH_S, SQUASH_A),
                             TANH_Q(SQUASH_S)},
    [LENET_SQUASH_TANH] = {(real)TANH_LIM, TANH_P(1.0, 1.0), TANH_Q(1.0)},
};

/* the rational at v, v2 = v^2 */
ALWAYS_INLINE vec squash_rational(vec v, vec v2, const squash_coefs *c) {
    vec p = vsplat(c->p[0]);
    for (int k = 1; k < 7; k++) p = p * v2 + c->p[k];
    p = p * v;
    vec q = vsplat(c->q[0]);
    for (int k = 1; k < 4; k++) q = q * v2 + c->q[k];
    return p / q;
}

/* x = f(a) over nv vectors. f(a) is the rational where a^2 <= lim^2, else its value at +-lim
 * (a NaN passes through). The clamp costs a third as much as the rest, and |a| > lim (11.9
 * for the scaled tanh) is rare, so each chunk is first taken without it, noting whether any
 * a^2 > lim^2, and only then taken again clamped; the bits of every a^2 <= lim^2 are the same
 * either way. The first sweep's values beyond lim are thrown away: for |a| > 2e4 they
 * overflow, an infinity makes a NaN (status flags only: nothing here enables traps). */
ALWAYS_INLINE void squash_chunk(real *x, const real *a, int nv, const squash_coefs *c) {
    const vec lim = vsplat(c->lim), lim2 = vsplat(c->lim * c->lim);
    ivec out = {0};
    for (int i = 0; i < nv; i++) {
        const vec v = vload(a + i * LANES), v2 = v * v;
        out |= v2 > lim2;
        vstore(x + i * LANES, squash_rational(v, v2, c));
    }
    if (!vany(out)) return;
    for (int i = 0; i < nv; i++) {
        vec v = vload(a + i * LANES);
        const ivec m = v * v > lim2;
        v = vselect(m & (v < 0), -lim, vselect(m & (v > 0), lim, v));
        vstore(x + i * LANES, squash_rational(v, v * v, c));
    }
}

/* x (n) = f(a (n)) = A tanh(S a), or tanh(a) (A = S = 1); x and a do not overlap (a chunk
 * may be read twice) */
LENET_HOT_V4
void squash_forward(real *x, const real *a, int n, lenet_squash kind) {
    enum { CHUNK = 8 }; /* vectors per range test */
    assert(x + n <= a || a + n <= x);
    assert(kind == LENET_SQUASH_SCALED || kind == LENET_SQUASH_TANH);
    const squash_coefs *c = &SQUASH_COEFS[kind];
    int i = 0;
    for (; i + CHUNK * LANES <= n; i += CHUNK * LANES) squash_chunk(x + i, a + i, CHUNK, c);
    for (; i + LANES <= n; i += LANES) squash_chunk(x + i, a + i, 1, c);
    if (i < n) { /* the last n % LANES, through a zero-padded vector */
        real t[LANES] = {0}, y[LANES];
        memcpy(t, a + i, (size_t)(n - i) * sizeof(real));
        squash_chunk(y, t, 1, c);
        memcpy(x + i, y, (size_t)(n - i) * sizeof(real));
    }
}
#endif

/* f'(a) from the state x = f(a) */
static inline real squash_slope(real x, lenet_squash kind) {
    if (kind == LENET_SQUASH_SCALED)
        return (real)(SQUASH_S / SQUASH_A) * ((real)(SQUASH_A * SQUASH_A) - x * x);
    return 1 - x * x;
}

/* da (n) += f'(a) dx (n). App. B. */
LENET_HOT
void squash_backward(real *da, const real *dx, const real *x, int n, lenet_squash kind) {
#pragma omp simd
    for (int i = 0; i < n; i++) da[i] += squash_slope(x[i], kind) * dx[i];
}

/* dda (n) += f'(a)^2 ddx (n). Eq. 27. */
LENET_HOT
void squash_backward2(real *dda, const real *ddx, const real *x, int n, lenet_squash kind) {
#pragma omp simd
    for (int i = 0; i < n; i++) dda[i] += sq(squash_slope(x[i], kind)) * ddx[i];
}

/* da (n) = f'(a) dx (n) and dda (n) = f'(a)^2 ddx (n): the two above into a buffer not yet
 * written, which then needs no clearing (the same values: each adds to zero) */
LENET_HOT
void squash_backward_set(real *da, const real *dx, const real *x, int n, lenet_squash kind) {
#pragma omp simd
    for (int i = 0; i < n; i++) da[i] = squash_slope(x[i], kind) * dx[i];
}

LENET_HOT
void squash_backward2_set(real *dda, const real *ddx, const real *x, int n,
                          lenet_squash kind) {
#pragma omp simd
    for (int i = 0; i < n; i++) dda[i] = sq(squash_slope(x[i], kind)) * ddx[i];
}

/* ======================================================================================
 * Convolution (C1, C3). in (cin,h,w), wt (pairs,K,K), b (cout) -> out (cout,oh,ow). */

void conv_forward_ref(real *out, const real *in, const real *wt, const real *b,
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

void conv_backward_ref(real *din, real *dwt, real *db, const real *dout, const real *in,
                       const real *wt, const unsigned char *table, int cin, int cout, int h,
                       int w, int square) {
    if (square)
        conv_backprop(din, dwt, db, dout, in, wt, table, cin, cout, h, w, 1);
    else
        conv_backprop(din, dwt, db, dout, in, wt, table, cin, cout, h, w, 0);
}

/* ======================================================================================
 * Full connection (C5, F6, linear output). in (nin), wt (nout,nin), b (nout) -> out (nout). */

void linear_forward_ref(real *out, const real *in, const real *wt, const real *b, int nin,
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

void linear_backward_ref(real *din, real *dwt, real *db, const real *dout, const real *in,
                         const real *wt, int nin, int nout, int square) {
    if (square)
        linear_backprop(din, dwt, db, dout, in, wt, nin, nout, 1);
    else
        linear_backprop(din, dwt, db, dout, in, wt, nin, nout, 0);
}

/* ======================================================================================
 * Fast kernels for conv_* and linear_*: the same sums as the references above, in another
 * order.
 *
 * Vectors: GNU C vectors of LANES reals; several are kept in flight (up to BLOCK) so that
 * successive multiply-adds do not wait on each other. Each kernel is an always-inline
 * function called through a switch with a literal block size, so its accumulators live in
 * registers.
 *
 * "Wide" coordinates: output (y,x) of a valid KxK correlation over (h,w) maps sits at
 * p = y w + x; the input under tap (ky,kx) is then in[p + ky w + kx] for every p, so each tap
 * is one multiply-add over a contiguous run p = 0 .. P-1, P = (oh-1) w + ow (the columns
 * x >= ow are computed and dropped). The last block of a run is shifted back to end at P, and
 * recomputes a few values identically, so nothing reads past an array. */

/* calls F(nb, args) with nb a literal 1..9 (BLOCK) */
#define WITH_LITERAL_NB(nb, F, ...)                                                        \
    switch (nb) {                                                                          \
    case 1: F(1, __VA_ARGS__); break;                                                      \
    case 2: F(2, __VA_ARGS__); break;                                                      \
    case 3: F(3, __VA_ARGS__); break;                                                      \
    case 4: F(4, __VA_ARGS__); break;                                                      \
    case 5: F(5, __VA_ARGS__); break;                                                      \
    case 6: F(6, __VA_ARGS__); break;                                                      \
    case 7: F(7, __VA_ARGS__); break;                                                      \
    case 8: F(8, __VA_ARGS__); break;                                                      \
    default: F(9, __VA_ARGS__); break;                                                     \
    }

/* the same for kernels whose blocks are at most 4 or 5 (no case that cannot happen) */
#define WITH_LITERAL_NB4(nb, F, ...)                                                       \
    switch (nb) {                                                                          \
    case 1: F(1, __VA_ARGS__); break;                                                      \
    case 2: F(2, __VA_ARGS__); break;                                                      \
    case 3: F(3, __VA_ARGS__); break;                                                      \
    default: F(4, __VA_ARGS__); break;                                                     \
    }
#define WITH_LITERAL_NB5(nb, F, ...)                                                       \
    if ((nb) == 5) {                                                                       \
        F(5, __VA_ARGS__);                                                                 \
    } else {                                                                               \
        WITH_LITERAL_NB4(nb, F, __VA_ARGS__);                                              \
    }

/* n split into parts as even as they can be, the larger first: part k (k < parts) is
 * q + (k < r) (13 vectors in 3 blocks: 5 + 4 + 4, not 5 + 5 + 3) */
typedef struct {
    int parts, q, r;
} even_split;
static inline even_split split_even(int n, int parts) {
    assert(parts > 0);
    return (even_split){parts, n / parts, n % parts};
}
static inline int split_part(even_split s, int k) { return s.q + (k < s.r); }

/* vectors per block to cover n reals (n >= LANES) in as few, as even blocks as possible */
static int block_size(int n) {
    const int chunks = (n + LANES - 1) / LANES, blocks = (chunks + BLOCK - 1) / BLOCK;
    const int nb = (chunks + blocks - 1) / blocks;
    return nb * LANES <= n ? nb : n / LANES;
}

/* Scratch bounds of the fast convolution (on the stack); larger layers use the reference.
 * LeNet needs C1: 6 maps x 1156, C3: 16 x 260. */
enum { CONV_MAXMAPS = 16, CONV_MAXPAD = 8192, CONV_MAXHW = LENET_IN * LENET_IN };

/* wide (P) at p0 .. p0 + nb LANES - 1 = bias + sum over connected maps c, taps (ky,kx) of
 * kernel * in[c][p + ky w + kx]. kern: the kernels of this output map, in input order. */
ALWAYS_INLINE void conv_fwd_block(int nb, real *wide, const real *in, const real *kern,
                                  real bias, const unsigned char *trow, int cin, int hw, int w,
                                  int p0) {
    vec acc[BLOCK];
    for (int j = 0; j < nb; j++) acc[j] = vsplat(bias);
    for (int c = 0; c < cin; c++) {
        if (trow && !trow[c]) continue;
        const real *ip = in + (size_t)c * hw + p0;
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                const real wv = kern[ky * K + kx];
                const real *src = ip + ky * w + kx;
                for (int j = 0; j < nb; j++) acc[j] += wv * vload(src + j * LANES);
            }
        kern += K * K;
    }
    for (int j = 0; j < nb; j++) vstore(wide + p0 + j * LANES, acc[j]);
}

/* "Compact" coordinates, for maps whose wide runs waste many columns (C3: 140 wide values
 * for 100 outputs): the input is copied once per kernel column kx into xs[c][kx] (h,ow),
 * xs[c][kx][r][x] = in[c][r][x + kx]; output p = y ow + x then reads xs[c][kx][p + ky ow]
 * under tap (ky,kx), a contiguous run over the oh ow outputs with nothing dropped. */
enum { CONV_MAXXS = 8192 };

/* vectors computed per tap to cover n values in blocks of block_size(n) */
static int run_vectors(int n) {
    const int nb = block_size(n), per = nb * LANES;
    return (n + per - 1) / per * nb;
}

/* xs (cin,K,h,ow) from in (cin,h,w), the planes ps apart (h ow: packed) */
ALWAYS_INLINE void conv_shifted_planes(real *xs, const real *in, int cin, int h, int w, int ow,
                                       int ps) {
    for (int c = 0; c < cin; c++)
        for (int kx = 0; kx < K; kx++)
            for (int r = 0; r < h; r++) {
                real *dst = xs + ((size_t)c * K + kx) * ps + (size_t)r * ow;
                const real *src = in + ((size_t)c * h + r) * w + kx;
                if (ow >= LANES)
                    copy_run(dst, src, ow);
                else
                    memcpy(dst, src, (size_t)ow * sizeof(real));
            }
}

/* at[c cout + o]: where pair (o,c)'s kernel starts in wt (kernels are stored output by
 * output, inputs in order, only the pairs the table connects), or -1 for a pair it leaves out */
static void conv_pairs(int *at, const unsigned char *table, int cin, int cout) {
    int k = 0;
    for (int o = 0; o < cout; o++)
        for (int c = 0; c < cin; c++)
            at[c * cout + o] = table && !table[o * cin + c] ? -1 : K * K * k++;
}

/* In compact coordinates the outputs accumulate one input map at a time: ob[o] (nvp vectors,
 * from the bias) += sum over taps (ky,kx) of kern_oc[ky][kx] xs[c][kx][p + ky ow], for the
 * output maps fed by c taken two at a time, so each load of the input serves both (register
 * blocking over output maps). Each output takes the same terms in the same order as
 * conv_fwd_block: bias, then each connected input map's taps in turn. */

/* ob[j] at vectors i0 .. i0 + nb - 1 += the taps of input map c (xc: its K shifted copies,
 * ps apart) through kernel kj[j], for no = 1 or 2 output maps j */
ALWAYS_INLINE void conv_cfwd_block(int nb, int no, real *const *ob, const real *const *kj,
                                   const real *xc, int ps, int ow, int i0) {
    vec acc[2][BLOCK];
    for (int j = 0; j < no; j++)
        for (int v = 0; v < nb; v++) acc[j][v] = vload(ob[j] + (i0 + v) * LANES);
    for (int ky = 0; ky < K; ky++)
        for (int kx = 0; kx < K; kx++) {
            const real *src = xc + (size_t)kx * ps + ky * ow + (size_t)i0 * LANES;
            const real w0 = kj[0][ky * K + kx], w1 = no > 1 ? kj[1][ky * K + kx] : 0;
            for (int v = 0; v < nb; v++) {
                const vec x = no > 1 ? vload_once(src + v * LANES) : vload(src + v * LANES);
                acc[0][v] += w0 * x;
                if (no > 1) acc[1][v] += w1 * x;
            }
        }
    for (int j = 0; j < no; j++)
        for (int v = 0; v < nb; v++) vstore(ob[j] + (i0 + v) * LANES, acc[j][v]);
}
ALWAYS_INLINE void conv_cfwd_two(int nb, real *const *ob, const real *const *kj,
                                 const real *xc, int ps, int ow, int i0) {
    conv_cfwd_block(nb, 2, ob, kj, xc, ps, ow, i0);
}
ALWAYS_INLINE void conv_cfwd_one(int nb, real *const *ob, const real *const *kj,
                                 const real *xc, int ps, int ow, int i0) {
    conv_cfwd_block(nb, 1, ob, kj, xc, ps, ow, i0);
}

enum { CFWD_NB = 5 }; /* vectors per block, at most (WITH_LITERAL_NB5): 2 x 5 accumulators (measured: 4 and 6 are slower at C1 and C3 together) */

/* out (cout, oh ow) from xs (conv_shifted_planes, with LANES zeros after it: the last
 * vector of a map may read past its plane); ob: cout planes of nvp vectors (out itself when
 * oh ow is a whole number of vectors) */
ALWAYS_INLINE void conv_cfwd(real *out, real *ob, const real *xs, const real *wt,
                             const real *b, const unsigned char *table, int cin, int cout,
                             int h, int ow) {
    const int n = (h - K + 1) * ow, nvp = (n + LANES - 1) / LANES, os = nvp * LANES;
    /* blocks as even as they can be (a short block's few accumulators wait on their
     * multiply-adds) */
    const even_split blocks = split_even(nvp, (nvp + CFWD_NB - 1) / CFWD_NB);
    if (os == n) ob = out;
    for (int o = 0; o < cout; o++)
        for (int i = 0; i < os; i++) ob[(size_t)o * os + i] = b[o];
    int at[CONV_MAXMAPS * CONV_MAXMAPS];
    const real *kp[CONV_MAXMAPS * CONV_MAXMAPS]; /* kp[c cout + o]: pair (o,c)'s kernel, or NULL */
    conv_pairs(at, table, cin, cout);
    for (int i = 0; i < cin * cout; i++) kp[i] = at[i] < 0 ? NULL : wt + at[i];
    const int ps = h * ow;
    for (int c = 0; c < cin; c++) {
        const real *xc = xs + (size_t)c * K * ps;
        real *obj[2];
        const real *kj[2];
        int no = 0;
        for (int o = 0; o <= cout; o++) {
            if (o < cout) {
                if (!kp[c * cout + o]) continue;
                obj[no] = ob + (size_t)o * os;
                kj[no++] = kp[c * cout + o];
                if (no < 2) continue;
            }
            if (!no) break;
            for (int bk = 0, i0 = 0; bk < blocks.parts; bk++) {
                const int nb = split_part(blocks, bk);
                if (no == 2) {
                    WITH_LITERAL_NB5(nb, conv_cfwd_two, obj, kj, xc, ps, ow, i0);
                } else {
                    WITH_LITERAL_NB5(nb, conv_cfwd_one, obj, kj, xc, ps, ow, i0);
                }
                i0 += nb;
            }
            no = 0;
        }
    }
    if (ob != out)
        for (int o = 0; o < cout; o++)
            memcpy(out + (size_t)o * n, ob + (size_t)o * os, (size_t)n * sizeof(real));
}

/* ======================================================================================
 * AVX-512 (x86-64-v4): the compact convolution forward on 16 lanes. Each output value takes
 * the same terms in the same order whatever the width of the vector it sits in (bias, then
 * each connected input map's taps in turn, one fused multiply-add each), so these kernels give
 * the 8-lane kernels' bits (tested bit for bit). conv_forward_wide takes them on a machine with
 * AVX-512 (one test of the CPU, at load), the 8-lane code on any other; layers_set_wide
 * switches them off, for the tests and the benchmark, which compare the two in one run. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(LENET_DOUBLE) && \
    (!defined(LENET_NO_CLONES) || defined(__AVX512F__))
#define LENET_WIDE 1
#include <immintrin.h>
#ifdef LENET_NO_CLONES
/* make NATIVE=1 on a machine with AVX-512: the whole build is for it. (A function for
 * x86-64-v4 could not inline the helpers the native target compiles: its features are a
 * subset of a native AVX-512 core's. A native build without AVX-512 has no 16-lane code.) */
#define WIDE_FN
#else
#define WIDE_FN __attribute__((target("arch=x86-64-v4")))
#endif
/* lanes; at most: vectors per block, output maps per group, accumulators (of 32 registers:
 * the others hold the input vector and the maps' weights) */
enum { WL = 16, WBLOCK = 7, WMAPS = 6, WACC = 24 };
typedef real wvec __attribute__((vector_size(WL * sizeof(real))));
WIDE_FN ALWAYS_INLINE wvec wload(const real *p) {
    wvec v;
    memcpy(&v, p, sizeof v);
    return v;
}
WIDE_FN ALWAYS_INLINE void wstore(real *p, wvec v) { memcpy(p, &v, sizeof v); }
typedef real wvec_once __attribute__((vector_size(WL * sizeof(real)), aligned(sizeof(real)),
                                      may_alias));
WIDE_FN ALWAYS_INLINE wvec wload_once(const real *p) { return *(const volatile wvec_once *)p; }

static int wide_on;
__attribute__((constructor)) static void wide_init(void) {
    __builtin_cpu_init();
    wide_on = !!__builtin_cpu_supports("x86-64-v4");
}
int layers_wide(void) { return wide_on; }
int layers_set_wide(int on) {
    const int was = wide_on;
    __builtin_cpu_init();
    wide_on = on && !!__builtin_cpu_supports("x86-64-v4");
    return was;
}

/* conv_cfwd_block on 16 lanes: ob[j] at vectors i0 .. i0 + nb - 1 += the taps of input map c
 * (xc) through kernel kj[j], for no = 1 .. WMAPS output maps j */
WIDE_FN ALWAYS_INLINE void wconv_cfwd_block(int nb, int no, real *const *ob,
                                            const real *const *kj, const real *xc, int ps,
                                            int ow, int i0) {
    wvec acc[WMAPS][WBLOCK];
    for (int j = 0; j < no; j++)
        for (int v = 0; v < nb; v++) acc[j][v] = wload(ob[j] + (i0 + v) * WL);
    for (int ky = 0; ky < K; ky++)
        for (int kx = 0; kx < K; kx++) {
            const real *src = xc + (size_t)kx * ps + ky * ow + (size_t)i0 * WL;
            for (int v = 0; v < nb; v++) {
                const wvec x = no > 1 ? wload_once(src + v * WL) : wload(src + v * WL);
                for (int j = 0; j < no; j++) acc[j][v] += kj[j][ky * K + kx] * x;
            }
        }
    for (int j = 0; j < no; j++)
        for (int v = 0; v < nb; v++) wstore(ob[j] + (i0 + v) * WL, acc[j][v]);
}
/* the block F(nb, no, ...) with literal no and nb, nb <= 4, 6 or WBLOCK = 7 */
#define WCFWD_NB4(F, no, nb, ...)                                                          \
    switch (nb) {                                                                          \
    case 1: F(1, no, __VA_ARGS__); break;                                                  \
    case 2: F(2, no, __VA_ARGS__); break;                                                  \
    case 3: F(3, no, __VA_ARGS__); break;                                                  \
    default: F(4, no, __VA_ARGS__); break;                                                 \
    }
#define WCFWD_NB6(F, no, nb, ...)                                                          \
    if ((nb) > 4) {                                                                        \
        if ((nb) == 5)                                                                     \
            F(5, no, __VA_ARGS__);                                                         \
        else                                                                               \
            F(6, no, __VA_ARGS__);                                                         \
    } else {                                                                               \
        WCFWD_NB4(F, no, nb, __VA_ARGS__);                                                 \
    }
#define WCFWD_NB7(F, no, nb, ...)                                                          \
    if ((nb) == 7) {                                                                       \
        F(7, no, __VA_ARGS__);                                                             \
    } else {                                                                               \
        WCFWD_NB6(F, no, nb, __VA_ARGS__);                                                 \
    }
_Static_assert(WBLOCK == 7 && WMAPS == 6 && WACC == 24, "WCFWD_NO's switch is written for these");
/* the block F of no maps (1 .. WMAPS) and nb vectors (no nb at most WACC, nb at most WBLOCK) */
#define WCFWD_NO(F, no, nb, ...)                                                           \
    switch (no) {                                                                          \
    case 1: WCFWD_NB7(F, 1, nb, __VA_ARGS__); break;                                       \
    case 2: WCFWD_NB7(F, 2, nb, __VA_ARGS__); break;                                       \
    case 3: WCFWD_NB7(F, 3, nb, __VA_ARGS__); break;                                       \
    case 4: WCFWD_NB6(F, 4, nb, __VA_ARGS__); break;                                       \
    case 5: WCFWD_NB4(F, 5, nb, __VA_ARGS__); break;                                       \
    default: WCFWD_NB4(F, 6, nb, __VA_ARGS__); break;                                      \
    }
/* nvp vectors in blocks for a group of g output maps: g nb accumulators at most WACC */
static inline even_split wconv_blocks(int nvp, int g) {
    const int nbm = WACC / g < WBLOCK ? WACC / g : WBLOCK;
    return split_even(nvp, (nvp + nbm - 1) / nbm);
}
/* m output maps in groups of at most WMAPS (C3's 10: 5 + 5, not 6 + 4) */
static inline even_split wconv_groups(int m) { return split_even(m, (m + WMAPS - 1) / WMAPS); }

/* conv_cfwd on 16 lanes (xs with WL zeros after it); ob: cout planes of whole vectors (out
 * itself when oh ow is a whole number of vectors), copied into out by whole vectors and one
 * masked vector (C3: 100 = 6 x 16 + 4) */
WIDE_FN ALWAYS_INLINE void wconv_cfwd(real *out, real *ob, const real *xs, const real *wt,
                                      const real *b, const unsigned char *table, int cin,
                                      int cout, int h, int ow) {
    const int n = (h - K + 1) * ow, nvp = (n + WL - 1) / WL, os = nvp * WL;
    if (os == n) ob = out;
    for (int o = 0; o < cout; o++)
        for (int i = 0; i < os; i++) ob[(size_t)o * os + i] = b[o];
    int at[CONV_MAXMAPS * CONV_MAXMAPS];
    const real *kp[CONV_MAXMAPS * CONV_MAXMAPS];
    conv_pairs(at, table, cin, cout);
    for (int i = 0; i < cin * cout; i++) kp[i] = at[i] < 0 ? NULL : wt + at[i];
    const int ps = h * ow;
    /* each input map's output maps in groups, each group's vectors in blocks (7 = 4 + 3), as
     * even as they can be; the blocks of each group size planned once */
    even_split blocks[WMAPS + 1];
    for (int g = 1; g <= WMAPS; g++) blocks[g] = wconv_blocks(nvp, g);
    for (int c = 0; c < cin; c++) {
        const real *xc = xs + (size_t)c * K * ps;
        real *obl[CONV_MAXMAPS];
        const real *kl[CONV_MAXMAPS];
        int m = 0; /* the output maps fed by c */
        for (int o = 0; o < cout; o++)
            if (kp[c * cout + o]) obl[m] = ob + (size_t)o * os, kl[m++] = kp[c * cout + o];
        if (!m) continue;
        const even_split groups = wconv_groups(m);
        for (int g = 0, j0 = 0; g < groups.parts; g++) {
            const int no = split_part(groups, g);
            for (int bk = 0, i0 = 0; bk < blocks[no].parts; bk++) {
                const int nb = split_part(blocks[no], bk);
                WCFWD_NO(wconv_cfwd_block, no, nb, obl + j0, kl + j0, xc, ps, ow, i0);
                i0 += nb;
            }
            j0 += no;
        }
    }
    if (ob == out) return;
    const int full = n / WL * WL;
    const __mmask16 tail = (__mmask16)((1u << (n - full)) - 1);
    for (int o = 0; o < cout; o++) {
        real *dst = out + (size_t)o * n;
        const real *src = ob + (size_t)o * os;
        for (int i = 0; i < full; i += WL) wstore(dst + i, wload(src + i));
        _mm512_mask_storeu_ps(dst + full, tail, _mm512_loadu_ps(src + full));
    }
}

/* conv_shifted_planes on 16 lanes: each row by whole vectors and one masked vector (the
 * masked lanes are neither read nor written), instead of overlapping 8-lane copies */
WIDE_FN ALWAYS_INLINE void wconv_shifted_planes(real *xs, const real *in, int cin, int h, int w,
                                                int ow, int ps) {
    const int full = ow / WL * WL;
    const __mmask16 tail = (__mmask16)((1u << (ow - full)) - 1);
    for (int c = 0; c < cin; c++)
        for (int kx = 0; kx < K; kx++)
            for (int r = 0; r < h; r++) {
                real *dst = xs + ((size_t)c * K + kx) * ps + (size_t)r * ow;
                const real *src = in + ((size_t)c * h + r) * w + kx;
                for (int x = 0; x < full; x += WL) wstore(dst + x, wload(src + x));
                if (tail) _mm512_mask_storeu_ps(dst + full, tail, _mm512_maskz_loadu_ps(tail, src + full));
            }
}

/* Without a table (C1; the modern variant's C3) every input map feeds every output map, so a
 * block of output maps and vectors takes all the input maps in turn, its accumulators in
 * registers from the bias to the last tap and stored once, straight into out (a map's last
 * vector under a mask where oh ow is not a whole number of vectors): no planes of partial
 * sums, no bias fill, no copy. Each output takes the same terms in the same order (bias, then
 * each input map's taps in turn), so the same bits. */

/* out maps op[j] (j < no) at vectors i0 .. i0 + nb - 1 from xs (cin maps' shifted planes),
 * kj[j]: the cin kernels of output map j in input order; last: 0, or the lanes of the block's
 * last vector inside the map */
WIDE_FN ALWAYS_INLINE void wconv_full_block(int nb, int no, real *const *op,
                                            const real *const *kj, const real *bj,
                                            const real *xs, int cin, int ps, int ow, int i0,
                                            __mmask16 last) {
    wvec acc[WMAPS][WBLOCK];
    for (int j = 0; j < no; j++)
        for (int v = 0; v < nb; v++) acc[j][v] = (wvec){0} + bj[j];
    for (int c = 0; c < cin; c++) {
        const real *xc = xs + (size_t)c * K * ps;
        for (int ky = 0; ky < K; ky++)
            for (int kx = 0; kx < K; kx++) {
                const real *src = xc + (size_t)kx * ps + ky * ow + (size_t)i0 * WL;
                const int t = (c * K + ky) * K + kx;
                for (int v = 0; v < nb; v++) {
                    const wvec x = no > 1 ? wload_once(src + v * WL) : wload(src + v * WL);
                    for (int j = 0; j < no; j++) acc[j][v] += kj[j][t] * x;
                }
            }
    }
    for (int j = 0; j < no; j++)
        for (int v = 0; v < nb; v++)
            if (v == nb - 1 && last)
                _mm512_mask_storeu_ps(op[j] + (i0 + v) * WL, last, (__m512)acc[j][v]);
            else
                wstore(op[j] + (i0 + v) * WL, acc[j][v]);
}

/* out (cout, oh ow) from xs (with WL zeros after it), every pair connected */
WIDE_FN ALWAYS_INLINE void wconv_full(real *out, const real *xs, const real *wt, const real *b,
                                      int cin, int cout, int h, int ow) {
    const int n = (h - K + 1) * ow, nvp = (n + WL - 1) / WL, ps = h * ow;
    const __mmask16 tail = (__mmask16)((1u << (n % WL)) - 1);
    const even_split groups = wconv_groups(cout);
    for (int g = 0, o0 = 0; g < groups.parts; g++) {
        const int no = split_part(groups, g);
        const even_split blocks = wconv_blocks(nvp, no);
        real *op[WMAPS];
        const real *kj[WMAPS];
        for (int j = 0; j < no; j++)
            op[j] = out + (size_t)(o0 + j) * n, kj[j] = wt + (size_t)(o0 + j) * cin * K * K;
        for (int bk = 0, i0 = 0; bk < blocks.parts; bk++) {
            const int nb = split_part(blocks, bk);
            const __mmask16 last = i0 + nb == nvp ? tail : 0;
            WCFWD_NO(wconv_full_block, no, nb, op, kj, b + o0, xs, cin, ps, ow, i0, last);
            i0 += nb;
        }
        o0 += no;
    }
}

/* the 16-lane forward of one layer: xs (the shifted planes, WL zeros after them), then every
 * pair connected (wconv_full) or a table's pairs (wconv_cfwd, through ob) */
WIDE_FN ALWAYS_INLINE void wconv_layer(real *out, real *ob, real *xs, const real *in,
                                       const real *wt, const real *b,
                                       const unsigned char *table, int cin, int cout, int h,
                                       int w, int ow) {
    wconv_shifted_planes(xs, in, cin, h, w, ow, h * ow);
    memset(xs + (size_t)cin * K * h * ow, 0, WL * sizeof(real));
    if (table)
        wconv_cfwd(out, ob, xs, wt, b, table, cin, cout, h, ow);
    else
        wconv_full(out, xs, wt, b, cin, cout, h, ow);
}

/* conv_forward's compact path on 16 lanes; 0 where the layer does not fit it (the caller
 * then takes the 8-lane code) */
WIDE_FN static int wconv_forward(real *out, const real *in, const real *wt, const real *b,
                                 const unsigned char *table, int cin, int cout, int h, int w) {
    const int oh = h - K + 1, ow = w - K + 1, n = oh * ow, os = (n + WL - 1) / WL * WL;
    if (n < WL || h * w > CONV_MAXHW || (long)cin * K * h * ow + WL > CONV_MAXXS || cout < 1 ||
        cin > CONV_MAXMAPS || cout > CONV_MAXMAPS || (long)cout * os > CONV_MAXPAD)
        return 0;
    ALIGNED real xs[CONV_MAXXS], ob[CONV_MAXPAD];
    /* LeNet's two shapes with literal sizes, so the copies and the taps' offsets are constants */
    AT_LENET_SIZES(h, ow, S2_H, C3_H, LENET_IN, C1_H,
                   wconv_layer(out, ob, xs, in, wt, b, table, cin, cout, LH, LW + K - 1, LW));
    return 1;
}

/* squash_chunk on 16 lanes: each value takes the same operations, so the same bits */
typedef int32_t wivec __attribute__((vector_size(WL * sizeof(float))));
WIDE_FN ALWAYS_INLINE wvec wselect(wivec m, wvec a, wvec b) {
    return (wvec)((m & (wivec)a) | (~m & (wivec)b));
}
WIDE_FN ALWAYS_INLINE wvec wsquash_rational(wvec v, wvec v2, const squash_coefs *c) {
    wvec p = (wvec){0} + c->p[0];
    for (int k = 1; k < 7; k++) p = p * v2 + c->p[k];
    p = p * v;
    wvec q = (wvec){0} + c->q[0];
    for (int k = 1; k < 4; k++) q = q * v2 + c->q[k];
    return p / q;
}
WIDE_FN ALWAYS_INLINE void wsquash_chunk(real *x, const real *a, int nv, const squash_coefs *c) {
    const wvec lim = (wvec){0} + c->lim, lim2 = (wvec){0} + c->lim * c->lim;
    __mmask16 out = 0; /* the lanes with a^2 > lim^2 */
    for (int i = 0; i < nv; i++) {
        const wvec v = wload(a + i * WL), v2 = v * v;
        out |= _mm512_cmp_ps_mask((__m512)v2, (__m512)lim2, _CMP_GT_OQ);
        wstore(x + i * WL, wsquash_rational(v, v2, c));
    }
    if (!out) return;
    for (int i = 0; i < nv; i++) {
        wvec v = wload(a + i * WL);
        const wivec m = v * v > lim2;
        v = wselect(m & (v < 0), -lim, wselect(m & (v > 0), lim, v));
        wstore(x + i * WL, wsquash_rational(v, v * v, c));
    }
}

/* squash_forward on 16 lanes (the same contract) */
WIDE_FN static void wsquash_forward(real *x, const real *a, int n, lenet_squash kind) {
    enum { CHUNK = 4 }; /* vectors per range test: squash_forward's 64 values */
    const squash_coefs *c = &SQUASH_COEFS[kind];
    int i = 0;
    for (; i + CHUNK * WL <= n; i += CHUNK * WL) wsquash_chunk(x + i, a + i, CHUNK, c);
    for (; i + WL <= n; i += WL) wsquash_chunk(x + i, a + i, 1, c);
    if (i < n) {
        real t[WL] = {0}, y[WL];
        memcpy(t, a + i, (size_t)(n - i) * sizeof(real));
        wsquash_chunk(y, t, 1, c);
        memcpy(x + i, y, (size_t)(n - i) * sizeof(real));
    }
}

void squash_forward_wide(real *x, const real *a, int n, lenet_squash kind) {
    assert(x + n <= a || a + n <= x);
    assert(kind == LENET_SQUASH_SCALED || kind == LENET_SQUASH_TANH);
    if (wide_on)
        wsquash_forward(x, a, n, kind);
    else
        squash_forward(x, a, n, kind);
}
#else
void squash_forward_wide(real *x, const real *a, int n, lenet_squash kind) {
    squash_forward(x, a, n, kind);
}
int layers_wide(void) { return 0; }
int layers_set_wide(int on) {
    (void)on;
    return 0;
}
#endif

LENET_HOT
void conv_forward(real *out, const real *in, const real *wt, const real *b,
                  const unsigned char *table, int cin, int cout, int h, int w) {
    const int oh = h - K + 1, ow = w - K + 1, P = (oh - 1) * w + ow;
    assert(oh > 0 && ow > 0);
    if (P < LANES || h * w > CONV_MAXHW) {
        conv_forward_ref(out, in, wt, b, table, cin, cout, h, w);
        return;
    }
    const int n = oh * ow, os = (n + LANES - 1) / LANES * LANES;
    if (n >= LANES && (long)cin * K * h * ow + LANES <= CONV_MAXXS && cin <= CONV_MAXMAPS &&
        cout <= CONV_MAXMAPS && (long)cout * os <= CONV_MAXPAD &&
        run_vectors(n) < run_vectors(P)) {
        ALIGNED real xs[CONV_MAXXS], ob[CONV_MAXPAD];
        conv_shifted_planes(xs, in, cin, h, w, ow, h * ow);
        memset(xs + (size_t)cin * K * h * ow, 0, LANES * sizeof(real));
        /* LeNet's two shapes with literal sizes, so the taps' offsets are constants */
        AT_LENET_SIZES(h, ow, S2_H, C3_H, LENET_IN, C1_H,
                       conv_cfwd(out, ob, xs, wt, b, table, cin, cout, LH, LW));
        return;
    }
    const int nb = block_size(P);
    ALIGNED real wide[CONV_MAXHW];
    const real *kern = wt;
    for (int o = 0; o < cout; o++) {
        const unsigned char *trow = table ? table + o * cin : NULL;
        for (int p0 = 0; p0 < P; p0 += nb * LANES) {
            const int p = p0 + nb * LANES > P ? P - nb * LANES : p0;
            WITH_LITERAL_NB(nb, conv_fwd_block, wide, in, kern, b[o], trow, cin, h * w, w, p);
        }
        for (int y = 0; y < oh; y++)
            memcpy(out + ((size_t)o * oh + y) * ow, wide + y * w, (size_t)ow * sizeof(real));
        int pairs = 0;
        for (int c = 0; c < cin; c++) pairs += !trow || trow[c];
        kern += (size_t)pairs * K * K;
    }
}

void conv_forward_wide(real *out, const real *in, const real *wt, const real *b,
                       const unsigned char *table, int cin, int cout, int h, int w) {
#ifdef LENET_WIDE
    if (wide_on && wconv_forward(out, in, wt, b, table, cin, cout, h, w)) return;
#endif
    conv_forward(out, in, wt, b, table, cin, cout, h, w);
}

/* din, first half, for the taps (ky, 0 .. K-1) of one input map c, at the vectors i0 ..
 * i0 + nb - 1 of the wide coordinates p: dcol[kx][p] = sum over the nc output maps o fed
 * by c of kern_o[ky][kx] (squared) * dw_o[p]; kl[o], dl[o]: their kernels and dw_o, dout_o
 * in wide coordinates (zero at the dropped columns x >= ow and beyond P); dcol planes cs
 * apart. Each load of dout serves the K taps of a kernel row. */
ALWAYS_INLINE void conv_dcol_block(int nb, real *dcol, int cs, const real *const *dl,
                                   const real *const *kl, int nc, int ky, int i0, int square) {
    vec acc[K][2];
    for (int kx = 0; kx < K; kx++)
        for (int j = 0; j < nb; j++) acc[kx][j] = vsplat(0);
    for (int o = 0; o < nc; o++) {
        const real *dp = dl[o] + (size_t)i0 * LANES, *kr = kl[o] + ky * K;
        vec d[2];
        for (int j = 0; j < nb; j++) d[j] = vload(dp + j * LANES);
        for (int kx = 0; kx < K; kx++) {
            const real wv = square ? sq(kr[kx]) : kr[kx];
            for (int j = 0; j < nb; j++) acc[kx][j] += wv * d[j];
        }
    }
    for (int kx = 0; kx < K; kx++)
        for (int j = 0; j < nb; j++) vstore(dcol + (size_t)kx * cs + (i0 + j) * LANES, acc[kx][j]);
}

/* din_c (h,w) += the transpose of the forward correlation, one kernel row ky at a time:
 * dcol (conv_dcol_block, every p; its planes cs2 apart, each with LANES zeros before and
 * after its cs values), then the scatter din_c[ky w + q] += sum_kx dcol[kx][q - kx] over
 * q < P + K - 1 in one sweep (the dropped columns and the margins add zero) */
ALWAYS_INLINE void conv_din_map(real *din_c, real *dcol, const real *dw, int stride,
                                const real *const *kp, int cout, int w, int P, int nvw,
                                int square) {
    const int cs = nvw * LANES, cs2 = cs + 2 * LANES, nq = P + K - 1;
    const int full = nq / LANES * LANES;
    const real *kl[CONV_MAXMAPS], *dl[CONV_MAXMAPS]; /* the output maps fed by c */
    int nc = 0;
    for (int o = 0; o < cout; o++)
        if (kp[o]) kl[nc] = kp[o], dl[nc++] = dw + (size_t)o * stride;
    for (int ky = 0; ky < K; ky++) {
        int i0 = 0;
        for (; i0 + 2 <= nvw; i0 += 2)
            conv_dcol_block(2, dcol + LANES, cs2, dl, kl, nc, ky, i0, square);
        if (i0 < nvw) conv_dcol_block(1, dcol + LANES, cs2, dl, kl, nc, ky, i0, square);
        real *dst = din_c + ky * w;
        for (int q = 0; q < full; q += LANES) {
            vec t = vload(dcol + LANES + q);
            for (int kx = 1; kx < K; kx++) t += vload(dcol + (size_t)kx * cs2 + LANES + q - kx);
            vstore(dst + q, vload(dst + q) + t);
        }
        for (int q = full; q < nq; q++) {
            real t = dcol[LANES + q];
            for (int kx = 1; kx < K; kx++) t += dcol[(size_t)kx * cs2 + LANES + q - kx];
            dst[q] += t;
        }
    }
}

/* dwt of no (1 or 2) pairs (o_j, c) sharing the input map c, in compact coordinates:
 * dk_j[ky][kx] += sum_p dv_j[p] xc[kx][p + ky ow] over nv vectors of p. xc: the shifted copies
 * of map c (conv_shifted_planes; squared in the second pass), planes ps apart, zero beyond
 * h ow; dv_j: dout of o_j (n = oh ow values) zero-padded to nv LANES. Each load of the
 * input serves both output maps, each load of dout all K rows of a kernel column. */
ALWAYS_INLINE void conv_cdw_block(int no, real *const *dk, const real *const *dv,
                                  const real *xc, int ps, int ow, int nv) {
    vec part[2][K * K]; /* the partial sums of each tap ky K + kx, reduced at the end */
    for (int kx = 0; kx < K; kx++) {
        vec acc[2][K];
        for (int j = 0; j < no; j++)
            for (int ky = 0; ky < K; ky++) acc[j][ky] = vsplat(0);
        const real *xk = xc + (size_t)kx * ps;
        for (int i = 0; i < nv; i++) {
            vec d[2];
            for (int j = 0; j < no; j++) d[j] = vload(dv[j] + i * LANES);
            for (int ky = 0; ky < K; ky++) {
                const vec x = vload_once(xk + ky * ow + i * LANES);
                for (int j = 0; j < no; j++) acc[j][ky] += d[j] * x;
            }
        }
        for (int j = 0; j < no; j++)
            for (int ky = 0; ky < K; ky++) part[j][ky * K + kx] = acc[j][ky];
    }
    for (int j = 0; j < no; j++) {
        int t = 0;
        for (; t + LANES <= K * K; t += LANES) vstore(dk[j] + t, vload(dk[j] + t) + vsum8(part[j] + t));
        for (; t < K * K; t++) dk[j][t] += vsum(part[j][t]);
    }
}

/* the vectors of dout per output map and the plane stride of the shifted copies, compact */
static int cdw_vectors(int oh, int ow) { return (oh * ow + LANES - 1) / LANES; }
static int cdw_plane(int oh, int ow) { return cdw_vectors(oh, ow) * LANES + (K - 1) * ow; }

/* dwt of every pair, input map by input map (see conv_cdw_block); dkp[c cout + o]: the
 * gradient kernel of pair (o,c), or NULL; dv: dout zero-padded, nv LANES a map */
ALWAYS_INLINE void conv_cdw(real *const *dkp, const real *dv, const real *in, int cin,
                            int cout, int h, int w, int ow, int square) {
    const int oh = h - K + 1, nv = cdw_vectors(oh, ow), ps = cdw_plane(oh, ow);
    ALIGNED real xc[CONV_MAXXS];
    for (int c = 0; c < cin; c++) {
        conv_shifted_planes(xc, in + (size_t)c * h * w, 1, h, w, ow, ps);
        for (int kx = 0; kx < K; kx++) {
            real *dst = xc + (size_t)kx * ps;
            for (int i = h * ow; i < ps; i++) dst[i] = 0;
            if (square)
                for (int i = 0; i < h * ow; i++) dst[i] *= dst[i];
        }
        real *dk[2];
        const real *dvo[2];
        int no = 0;
        for (int o = 0; o < cout; o++) {
            if (!dkp[c * cout + o]) continue;
            dk[no] = dkp[c * cout + o];
            dvo[no] = dv + (size_t)o * nv * LANES;
            if (++no == 2) {
                conv_cdw_block(2, dk, dvo, xc, ps, ow, nv);
                no = 0;
            }
        }
        if (no) conv_cdw_block(1, dk, dvo, xc, ps, ow, nv);
    }
}

ALWAYS_INLINE void conv_backprop_fast(real *din, real *dwt, real *db, const real *dout,
                                      const real *in, const real *wt,
                                      const unsigned char *table, int cin, int cout, int h,
                                      int w, int square) {
    const int oh = h - K + 1, ow = w - K + 1, hw = h * w, n = oh * ow;
    const int nv = cdw_vectors(oh, ow);
    /* db, and dout of each output map zero-padded to nv vectors (compact, for dwt) */
    ALIGNED real dv[CONV_MAXPAD];
    for (int o = 0; o < cout; o++) {
        const real *dop = dout + (size_t)o * n;
        /* db: in LANES partial sums (a scalar sum waits on each add in turn) */
        real s = 0;
#pragma omp simd reduction(+ : s)
        for (int i = 0; i < n; i++) s += dop[i];
        db[o] += s;
        real *dvo = dv + (size_t)o * nv * LANES;
        memcpy(dvo, dop, (size_t)n * sizeof(real));
        for (int i = n; i < nv * LANES; i++) dvo[i] = 0;
    }
    /* kp[c cout + o], dkp[c cout + o]: the kernel of pair (o,c) and its gradient, or NULL */
    int at[CONV_MAXMAPS * CONV_MAXMAPS];
    const real *kp[CONV_MAXMAPS * CONV_MAXMAPS];
    real *dkp[CONV_MAXMAPS * CONV_MAXMAPS];
    conv_pairs(at, table, cin, cout);
    for (int i = 0; i < cin * cout; i++) {
        kp[i] = at[i] < 0 ? NULL : wt + at[i];
        dkp[i] = at[i] < 0 ? NULL : dwt + at[i];
    }
    /* LeNet's two shapes with literal sizes, so the taps' offsets are constants */
    AT_LENET_SIZES(h, w, S2_H, S2_H, LENET_IN, LENET_IN,
                   conv_cdw(dkp, dv, in, cin, cout, LH, LW, LW - K + 1, square));
    if (!din) return;
    /* din: dout of each output map in wide coordinates, zero beyond (see conv_dcol_block) */
    const int P = (oh - 1) * w + ow, nvw = (P + LANES - 1) / LANES, stride = nvw * LANES;
    ALIGNED real dw[CONV_MAXPAD];
    for (int o = 0; o < cout; o++) {
        real *dwo = dw + (size_t)o * stride;
        for (int y = 0; y < oh; y++) {
            memcpy(dwo + y * w, dout + (size_t)o * n + y * ow, (size_t)ow * sizeof(real));
            if (y < oh - 1)
                for (int x = ow; x < w; x++) dwo[y * w + x] = 0;
        }
        for (int i = P; i < stride; i++) dwo[i] = 0;
    }
    ALIGNED real dcol[K * (CONV_MAXHW + 3 * LANES)];
    const int cs2 = stride + 2 * LANES; /* dcol's planes, with their zero margins */
    for (int kx = 0; kx < K; kx++)
        for (int i = 0; i < LANES; i++) dcol[kx * cs2 + i] = dcol[kx * cs2 + LANES + stride + i] = 0;
    for (int c = 0; c < cin; c++)
        conv_din_map(din + (size_t)c * hw, dcol, dw, stride, kp + c * cout, cout, w, P, nvw,
                     square);
}

/* the fast kernel's scratch holds this layer */
static int conv_fast_fits(int cin, int cout, int h, int w) {
    const int oh = h - K + 1, ow = w - K + 1, hw = h * w;
    if (oh <= 0 || ow <= 0) return 0;
    const int stride = ((oh - 1) * w + ow + LANES - 1) / LANES * LANES; /* dw's, dcol's */
    return (oh - 1) * w + ow >= LANES && hw <= CONV_MAXHW && cin <= CONV_MAXMAPS &&
           cout <= CONV_MAXMAPS && (long)cout * stride <= CONV_MAXPAD &&
           stride <= CONV_MAXHW + LANES &&
           (long)K * cdw_plane(oh, ow) <= CONV_MAXXS &&
           (long)cout * cdw_vectors(oh, ow) * LANES <= CONV_MAXPAD;
}

LENET_HOT
void conv_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                   const real *wt, const unsigned char *table, int cin, int cout, int h, int w) {
    if (conv_fast_fits(cin, cout, h, w))
        conv_backprop_fast(din, dwt, db, dout, in, wt, table, cin, cout, h, w, 0);
    else
        conv_backprop(din, dwt, db, dout, in, wt, table, cin, cout, h, w, 0);
}

LENET_HOT
void conv_backward2(real *ddin, real *hwt, real *hb, const real *ddout, const real *in,
                    const real *wt, const unsigned char *table, int cin, int cout, int h,
                    int w) {
    if (conv_fast_fits(cin, cout, h, w))
        conv_backprop_fast(ddin, hwt, hb, ddout, in, wt, table, cin, cout, h, w, 1);
    else
        conv_backprop(ddin, hwt, hb, ddout, in, wt, table, cin, cout, h, w, 1);
}

/* a b + c rounded once, for linear_fwd_block's scalar tails: left to -ffp-contract, a tail
 * that gcc vectorises across rows loses its contraction (it did, in the default build), and
 * the block shapes, which must agree bit for bit, do not. */
ALWAYS_INLINE real fma_r(real a, real b, real c) {
#ifdef LENET_DOUBLE
    return fma(a, b, c);
#else
    return fmaf(a, b, c);
#endif
}

enum { LINEAR_ROWS1 = 8 }; /* rows per block of linear_forward_n for one input */

/* out[q][o0 .. o0+nr-1] = wt in[q] + b for ni inputs q at once: nr x ni accumulators, each
 * weight vector loaded once for the ni inputs, each input vector once for the nr rows */
ALWAYS_INLINE void linear_fwd_block(int nr, int ni, real *const *out, const real *const *in,
                                    const real *wt, const real *b, int nin, int o0) {
    vec acc[LINEAR_ROWS1][LINEAR_N];
    for (int j = 0; j < nr; j++)
        for (int q = 0; q < ni; q++) acc[j][q] = vsplat(0);
    const int full = nin / LANES * LANES;
    for (int i = 0; i < full; i += LANES) {
        vec x[LINEAR_N];
        for (int q = 0; q < ni; q++) x[q] = vload(in[q] + i);
        for (int j = 0; j < nr; j++) {
            const vec wv = vload(wt + (size_t)(o0 + j) * nin + i);
            for (int q = 0; q < ni; q++) acc[j][q] += wv * x[q];
        }
    }
    for (int j = 0; j < nr; j++) {
        const real *wr = wt + (size_t)(o0 + j) * nin;
        for (int q = 0; q < ni; q++) {
            real s = vsum(acc[j][q]);
            for (int i = full; i < nin; i++) s = fma_r(wr[i], in[q][i], s);
            out[q][o0 + j] = s + b[o0 + j];
        }
    }
}
/* linear_fwd_block for one input (ni = 1), nr a literal 1..8 (LINEAR_ROWS1), and for ni
 * literal 2..4 inputs, nr a literal 1..3 */
#define LINEAR_FWD_ONE(nr, ...)                                                            \
    switch (nr) {                                                                          \
    case 1: linear_fwd_block(1, 1, __VA_ARGS__); break;                                    \
    case 2: linear_fwd_block(2, 1, __VA_ARGS__); break;                                    \
    case 3: linear_fwd_block(3, 1, __VA_ARGS__); break;                                    \
    case 4: linear_fwd_block(4, 1, __VA_ARGS__); break;                                    \
    case 5: linear_fwd_block(5, 1, __VA_ARGS__); break;                                    \
    case 6: linear_fwd_block(6, 1, __VA_ARGS__); break;                                    \
    case 7: linear_fwd_block(7, 1, __VA_ARGS__); break;                                    \
    default: linear_fwd_block(8, 1, __VA_ARGS__); break;                                   \
    }
#define LINEAR_FWD_ROWS(ni, nr, ...)                                                       \
    switch (nr) {                                                                          \
    case 1: linear_fwd_block(1, ni, __VA_ARGS__); break;                                   \
    case 2: linear_fwd_block(2, ni, __VA_ARGS__); break;                                   \
    default: linear_fwd_block(3, ni, __VA_ARGS__); break;                                  \
    }

/* Each (row, input) takes the same sums whatever the block, so linear_forward_n gives
 * linear_forward's bits for every n. Rows per block: 8 for one input (its loads are the
 * weights'), 3 for two or more (3 x 4 accumulators; measured: 2 x 4, 4 x 2 slower). */
LENET_HOT
void linear_forward_n(real *const *out, const real *const *in, const real *wt, const real *b,
                      int nin, int nout, int n) {
    _Static_assert(LINEAR_N == 4, "the switch below covers 1 .. 4 inputs a sweep");
    assert(n >= 0);
    for (int q = 0; q < n; q += LINEAR_N) { /* LINEAR_N inputs a sweep over the weights */
        const int k = n - q < LINEAR_N ? n - q : LINEAR_N, rows = k == 1 ? LINEAR_ROWS1 : 3;
        real *const *o = out + q;
        const real *const *x = in + q;
        for (int o0 = 0; o0 < nout; o0 += rows) {
            const int nr = nout - o0 < rows ? nout - o0 : rows;
            switch (k) {
            case 1: LINEAR_FWD_ONE(nr, o, x, wt, b, nin, o0); break;
            case 2: LINEAR_FWD_ROWS(2, nr, o, x, wt, b, nin, o0); break;
            case 3: LINEAR_FWD_ROWS(3, nr, o, x, wt, b, nin, o0); break;
            default: LINEAR_FWD_ROWS(4, nr, o, x, wt, b, nin, o0); break;
            }
        }
    }
}

void linear_forward(real *out, const real *in, const real *wt, const real *b, int nin,
                    int nout) {
    linear_forward_n(&out, &in, wt, b, nin, nout, 1);
}

#ifdef LENET_WIDE
/* linear_fwd_block for 4 or 8 inputs on 16 lanes: the inputs in np = 2 or 4 pairs, a pair's
 * two 8-lane slices of in side by side in one vector and each 8-lane slice of a weight row in
 * both halves, so each half takes linear_fwd_block's partial sums in its order, and is reduced
 * by vsum the same way: the same bits. nr rows at a time: at most 6 for 2 pairs, 5 for 4
 * (measured, C5 alone: 8 inputs 5 rows at a time take 0.79 us an input, 6 rows spill
 * accumulators, 1.73 us; 4 inputs 6 rows 1.47 us). */
enum { WROWS = 6, WROWS8 = 5, WPAIRS = 4 };
_Static_assert(WROWS == 6 && WROWS8 <= 5, "wlinear_forward_np's switch is written for these");
/* p[0 .. 7] in both halves: one load that broadcasts (vbroadcastf32x8), where a load and a
 * shuffle would take the port the multiply-adds need */
WIDE_FN ALWAYS_INLINE wvec wload_twice(const real *p) {
    return (wvec)_mm512_broadcast_f32x8(_mm256_loadu_ps(p));
}
/* vsum of each half of a, in lanes 0 and LANES (the same lanes added in the same order) */
WIDE_FN ALWAYS_INLINE wvec whalf_sums(wvec a) {
    _Static_assert(LANES == 8, "three halvings");
    a += __builtin_shufflevector(a, a, 4, 5, 6, 7, 4, 5, 6, 7, 12, 13, 14, 15, 12, 13, 14, 15);
    a += __builtin_shufflevector(a, a, 2, 3, 2, 3, 2, 3, 2, 3, 10, 11, 10, 11, 10, 11, 10, 11);
    a += __builtin_shufflevector(a, a, 1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 9, 9, 9, 9, 9, 9);
    return a;
}
/* xp[i / LANES][p] (full / LANES x np vectors): the pairs' slices side by side, once a layer */
WIDE_FN ALWAYS_INLINE void wlinear_pairs(wvec *xp, int np, const real *const *in, int full) {
    for (int i = 0; i < full; i += LANES)
        for (int p = 0; p < np; p++) {
            const vec lo = vload(in[2 * p] + i), hi = vload(in[2 * p + 1] + i);
            xp[i / LANES * np + p] = __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                                             9, 10, 11, 12, 13, 14, 15);
        }
}
WIDE_FN ALWAYS_INLINE void wlinear_fwd_block(int nr, int np, real *const *out,
                                             const real *const *in, const wvec *xp,
                                             const real *wt, const real *b, int nin, int o0) {
    wvec acc[WROWS][WPAIRS];
    for (int j = 0; j < nr; j++)
        for (int p = 0; p < np; p++) acc[j][p] = (wvec){0};
    const int full = nin / LANES * LANES;
    for (int i = 0; i < full; i += LANES) {
        wvec x[WPAIRS];
        for (int p = 0; p < np; p++) x[p] = xp[i / LANES * np + p];
        for (int j = 0; j < nr; j++) {
            const wvec wv = wload_twice(wt + (size_t)(o0 + j) * nin + i);
            for (int p = 0; p < np; p++) acc[j][p] += wv * x[p];
        }
    }
#pragma GCC unroll 8
    for (int j = 0; j < nr; j++) {
        const real *wr = wt + (size_t)(o0 + j) * nin;
#pragma GCC unroll 8
        for (int p = 0; p < np; p++) {
            const wvec sums = whalf_sums(acc[j][p]);
#pragma GCC unroll 2
            for (int h = 0; h < 2; h++) {
                const int q = 2 * p + h;
                real s = sums[h * LANES];
                for (int i = full; i < nin; i++) s = fma_r(wr[i], in[q][i], s);
                out[q][o0 + j] = s + b[o0 + j];
            }
        }
    }
}

/* out[q] = wt in[q] + b for 2 np inputs q, np = 2 (6 rows a block) or 4 (5 rows: 6 would
 * spill accumulators), nin <= WLIN_MAXIN */
enum { WLIN_MAXIN = 1024 };
WIDE_FN ALWAYS_INLINE void wlinear_forward_np(int np, real *const *out, const real *const *in,
                                             const real *wt, const real *b, int nin, int nout) {
    const int rows = np == 2 ? WROWS : WROWS8;
    wvec xp[WLIN_MAXIN / LANES * WPAIRS];
    wlinear_pairs(xp, np, in, nin / LANES * LANES);
    for (int o0 = 0; o0 < nout; o0 += rows) {
        switch (nout - o0 < rows ? nout - o0 : rows) {
        case 1: wlinear_fwd_block(1, np, out, in, xp, wt, b, nin, o0); break;
        case 2: wlinear_fwd_block(2, np, out, in, xp, wt, b, nin, o0); break;
        case 3: wlinear_fwd_block(3, np, out, in, xp, wt, b, nin, o0); break;
        case 4: wlinear_fwd_block(4, np, out, in, xp, wt, b, nin, o0); break;
        case 5: wlinear_fwd_block(5, np, out, in, xp, wt, b, nin, o0); break;
        default: wlinear_fwd_block(WROWS, np, out, in, xp, wt, b, nin, o0); break;
        }
    }
}
WIDE_FN static void wlinear_forward4(real *const *out, const real *const *in, const real *wt,
                                     const real *b, int nin, int nout) {
    wlinear_forward_np(2, out, in, wt, b, nin, nout);
}
WIDE_FN static void wlinear_forward8(real *const *out, const real *const *in, const real *wt,
                                     const real *b, int nin, int nout) {
    wlinear_forward_np(4, out, in, wt, b, nin, nout);
}

void linear_forward_n_wide(real *const *out, const real *const *in, const real *wt,
                           const real *b, int nin, int nout, int n) {
    assert(n >= 0);
    int q = 0;
    if (wide_on && nin <= WLIN_MAXIN) {
        for (; n - q >= 8; q += 8) wlinear_forward8(out + q, in + q, wt, b, nin, nout);
        if (n - q >= 4) {
            wlinear_forward4(out + q, in + q, wt, b, nin, nout);
            q += 4;
        }
    }
    linear_forward_n(out + q, in + q, wt, b, nin, nout, n - q); /* the rest */
}
#else
void linear_forward_n_wide(real *const *out, const real *const *in, const real *wt,
                           const real *b, int nin, int nout, int n) {
    linear_forward_n(out, in, wt, b, nin, nout, n);
}
#endif

/* inputs i0 .. i0 + nb LANES - 1: dwt[o][i] += dout[o] in[i] (squared), and din[i] +=
 * sum_o wt[o][i] (squared) dout[o] with din held in registers across o */
ALWAYS_INLINE void linear_back_block(int nb, real *din, real *dwt, const real *dout,
                                     const real *in, const real *wt, int nin, int nout, int i0,
                                     int square) {
    vec x[BLOCK], acc[BLOCK];
    for (int j = 0; j < nb; j++) {
        x[j] = vload(in + i0 + j * LANES);
        if (square) x[j] *= x[j];
        acc[j] = din ? vload(din + i0 + j * LANES) : vsplat(0);
    }
    for (int o = 0; o < nout; o++) {
        const real d = dout[o];
        if (d == 0) continue; /* exact: adds nothing */
        const real *wr = wt + (size_t)o * nin + i0;
        real *dwr = dwt + (size_t)o * nin + i0;
        for (int j = 0; j < nb; j++) {
            const vec g = vload(dwr + j * LANES) + d * x[j];
            vstore(dwr + j * LANES, g);
            if (din) {
                const vec wv = vload(wr + j * LANES);
                acc[j] += (square ? wv * wv : wv) * d;
            }
        }
    }
    if (din)
        for (int j = 0; j < nb; j++) vstore(din + i0 + j * LANES, acc[j]);
}

ALWAYS_INLINE void linear_backprop_fast(real *din, real *dwt, real *db, const real *dout,
                                        const real *in, const real *wt, int nin, int nout,
                                        int square) {
    enum { LB = 4 }; /* vectors per block: x and din of a block stay in registers */
    for (int o = 0; o < nout; o++) db[o] += dout[o];
    const int full = nin / LANES * LANES;
    for (int i0 = 0; i0 < full; i0 += LB * LANES) {
        const int nb = (full - i0) / LANES < LB ? (full - i0) / LANES : LB;
        WITH_LITERAL_NB4(nb, linear_back_block, din, dwt, dout, in, wt, nin, nout, i0, square);
    }
    for (int o = 0; o < nout; o++) { /* the last nin % LANES inputs */
        const real d = dout[o];
        if (d == 0) continue;
        const real *wr = wt + (size_t)o * nin;
        real *dwr = dwt + (size_t)o * nin;
        for (int i = full; i < nin; i++) {
            dwr[i] += square ? d * in[i] * in[i] : d * in[i];
            if (din) din[i] += square ? wr[i] * wr[i] * d : wr[i] * d;
        }
    }
}

LENET_HOT
void linear_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                     const real *wt, int nin, int nout) {
    linear_backprop_fast(din, dwt, db, dout, in, wt, nin, nout, 0);
}

LENET_HOT
void linear_backward2(real *ddin, real *hwt, real *hb, const real *ddout, const real *in,
                      const real *wt, int nin, int nout) {
    linear_backprop_fast(ddin, hwt, hb, ddout, in, wt, nin, nout, 1);
}

/* inputs i0 .. i0 + nb LANES - 1 of linear_backward_sdlm: din[i] += sum_o wt[o][i] dout[o]
 * with din in registers across o, and the step wt[o][i] -= eps[o][i] (dout[o] in[i]), each
 * weight used for din before it moves; the gradient lives only in a register */
ALWAYS_INLINE void linear_sdlm_block(int nb, real *din, real *wt, const real *dout,
                                     const real *in, const real *eps, int nin, int nout,
                                     int i0) {
    vec x[BLOCK], acc[BLOCK];
    for (int j = 0; j < nb; j++) {
        x[j] = vload(in + i0 + j * LANES);
        acc[j] = din ? vload(din + i0 + j * LANES) : vsplat(0);
    }
    for (int o = 0; o < nout; o++) {
        const real d = dout[o];
        const size_t row = (size_t)o * nin + i0;
        for (int j = 0; j < nb; j++) {
            const size_t k = row + (size_t)j * LANES;
            const vec g = d * x[j], wv = vload(wt + k);
            if (din) acc[j] += wv * d;
            const vec step = wv - vload(eps + k) * g;
            vstore(wt + k, step);
        }
    }
    if (din)
        for (int j = 0; j < nb; j++) vstore(din + i0 + j * LANES, acc[j]);
}

LENET_HOT
void linear_backward_sdlm(real *din, real *wt, real *b, const real *dout, const real *in,
                          const real *eps_w, const real *eps_b, int nin, int nout) {
    enum { LB = 4 }; /* vectors per block, as linear_backprop_fast */
    for (int o = 0; o < nout; o++) b[o] -= eps_b[o] * dout[o];
    const int full = nin / LANES * LANES;
    for (int i0 = 0; i0 < full; i0 += LB * LANES) {
        const int nb = (full - i0) / LANES < LB ? (full - i0) / LANES : LB;
        WITH_LITERAL_NB4(nb, linear_sdlm_block, din, wt, dout, in, eps_w, nin, nout, i0);
    }
    for (int o = 0; o < nout; o++) { /* the last nin % LANES inputs */
        const real d = dout[o];
        for (int i = full; i < nin; i++) {
            const size_t k = (size_t)o * nin + i;
            const real g = d * in[i];
            if (din) din[i] += wt[k] * d;
            wt[k] -= eps_w[k] * g;
        }
    }
}

/* ======================================================================================
 * Subsampling (S2, S4). in (c,h,w) -> out (c,h/2,w/2); coef, bias (c). */

static inline real block_sum(const real *ip, int w) { return ip[0] + ip[1] + ip[w] + ip[w + 1]; }

/* Fast paths for an even width w (LeNet's 28 and 10), where the blocks line up in flat
 * coordinates: with R (oh,w) the sums of each block row's two input rows, R[y][x'] =
 * in[2y][x'] + in[2y+1][x'] (of their squares for Eq. 23 read literally), the block sum of
 * output q = y ow + x is R[2q] + R[2q+1], a contiguous run over every output of the map.
 * Every sum is taken in that order, (in[2y][2x] + in[2y+1][2x]) + (in[2y][2x+1] +
 * in[2y+1][2x+1]), by the vectors and by the scalar tails alike. */
enum { SUB_MAXR = 1024 }; /* R's bound (oh w); larger maps take the plain loops */

static int subsamp_fast_fits(int h, int w) { return w % 2 == 0 && (h / 2) * w <= SUB_MAXR; }

/* R (oh w) from the map ip (h,w): row sums, or sums of squares */
ALWAYS_INLINE void subsamp_rows(real *R, const real *ip, int oh, int w, int squares) {
    const int full = w / LANES * LANES;
    for (int y = 0; y < oh; y++) {
        const real *a = ip + (size_t)2 * y * w, *b = a + w;
        real *r = R + (size_t)y * w;
        for (int x = 0; x < full; x += LANES) {
            const vec u = vload(a + x), v = vload(b + x);
            vstore(r + x, squares ? u * u + v * v : u + v);
        }
        if (full < w && w >= LANES) { /* the last vector ends at w: a few values again, the same */
            const vec u = vload(a + w - LANES), v = vload(b + w - LANES);
            vstore(r + w - LANES, squares ? u * u + v * v : u + v);
        } else {
            for (int x = full; x < w; x++) r[x] = squares ? a[x] * a[x] + b[x] * b[x] : a[x] + b[x];
        }
    }
}

/* the block sums of outputs q .. q + LANES - 1 from R */
ALWAYS_INLINE vec subsamp_pairs(const real *R, int q) {
    const vec a = vload(R + 2 * q), b = vload(R + 2 * q + LANES);
    return EVENS(a, b) + ODDS(a, b);
}

/* subsamp_forward for an even width (see subsamp_rows) */
ALWAYS_INLINE void subsamp_fwd_fast(real *out, const real *in, const real *coef,
                                    const real *bias, int c, int h, int w) {
    const int oh = h / 2, n = oh * (w / 2), full = n / LANES * LANES;
    ALIGNED real R[SUB_MAXR];
    for (int m = 0; m < c; m++) {
        subsamp_rows(R, in + (size_t)m * h * w, oh, w, 0);
        real *op = out + (size_t)m * n;
        for (int q = 0; q < full; q += LANES) vstore(op + q, coef[m] * subsamp_pairs(R, q) + bias[m]);
        if (full < n && n >= LANES) /* the last vector ends at n (values again, the same) */
            vstore(op + n - LANES, coef[m] * subsamp_pairs(R, n - LANES) + bias[m]);
        else
            for (int q = full; q < n; q++) op[q] = coef[m] * (R[2 * q] + R[2 * q + 1]) + bias[m];
    }
}

LENET_HOT
void subsamp_forward(real *out, const real *in, const real *coef, const real *bias, int c,
                     int h, int w) {
    const int oh = h / 2, ow = w / 2, n = oh * ow;
    if (!subsamp_fast_fits(h, w)) {
        for (int m = 0; m < c; m++) {
            const real *ip = in + (size_t)m * h * w;
            real *op = out + (size_t)m * n;
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    op[y * ow + x] = coef[m] * block_sum(ip + 2 * y * w + 2 * x, w) + bias[m];
        }
        return;
    }
    /* LeNet's two shapes with literal sizes, so the loops' bounds are constants */
    AT_LENET_SIZES(h, w, C1_H, C1_H, C3_H, C3_H, subsamp_fwd_fast(out, in, coef, bias, c, LH, LW));
}

#ifdef LENET_WIDE
/* subsamp_fwd_fast on 16 lanes where a map's rows are at least 16 wide (S2's 28; S4's 10
 * take the 8-lane rows): each sum is taken in the same order, (in[2y][2x] + in[2y+1][2x]) +
 * (in[2y][2x+1] + in[2y+1][2x+1]), then coef s + bias, so the same bits */
#define WEVENS(a, b) \
    __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30)
#define WODDS(a, b) \
    __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31)
WIDE_FN ALWAYS_INLINE void wsubsamp_rows(real *R, const real *ip, int oh, int w) {
    for (int y = 0; y < oh; y++) {
        const real *a = ip + (size_t)2 * y * w, *b = a + w;
        real *r = R + (size_t)y * w;
        int x = 0;
        for (; x + WL <= w; x += WL) wstore(r + x, wload(a + x) + wload(b + x));
        if (x < w) /* the last vector ends at w: a few values again, the same */
            wstore(r + w - WL, wload(a + w - WL) + wload(b + w - WL));
    }
}
WIDE_FN ALWAYS_INLINE wvec wsubsamp_pairs(const real *R, int q) {
    const wvec a = wload(R + 2 * q), b = wload(R + 2 * q + WL);
    return WEVENS(a, b) + WODDS(a, b);
}
WIDE_FN ALWAYS_INLINE void wsubsamp_fwd(real *out, const real *in, const real *coef,
                                        const real *bias, int c, int h, int w) {
    const int oh = h / 2, n = oh * (w / 2);
    ALIGNED real R[SUB_MAXR];
    for (int m = 0; m < c; m++) {
        if (w >= WL)
            wsubsamp_rows(R, in + (size_t)m * h * w, oh, w);
        else
            subsamp_rows(R, in + (size_t)m * h * w, oh, w, 0);
        real *op = out + (size_t)m * n;
        int q = 0;
        for (; q + WL <= n; q += WL) wstore(op + q, coef[m] * wsubsamp_pairs(R, q) + bias[m]);
        if (q < n) /* the last vector ends at n (values again, the same) */
            wstore(op + n - WL, coef[m] * wsubsamp_pairs(R, n - WL) + bias[m]);
    }
}
WIDE_FN static void wsubsamp_forward(real *out, const real *in, const real *coef,
                                     const real *bias, int c, int h, int w) {
    AT_LENET_SIZES(h, w, C1_H, C1_H, C3_H, C3_H, wsubsamp_fwd(out, in, coef, bias, c, LH, LW));
}
void subsamp_forward_wide(real *out, const real *in, const real *coef, const real *bias, int c,
                          int h, int w) {
    if (wide_on && subsamp_fast_fits(h, w) && (h / 2) * (w / 2) >= WL)
        wsubsamp_forward(out, in, coef, bias, c, h, w);
    else
        subsamp_forward(out, in, coef, bias, c, h, w);
}
#else
void subsamp_forward_wide(real *out, const real *in, const real *coef, const real *bias, int c,
                          int h, int w) {
    subsamp_forward(out, in, coef, bias, c, h, w);
}
#endif

/* the sum of squares of the 2x2 block at p (row stride w) */
static inline real block_sumsq(const real *p, int w) {
    return p[0] * p[0] + p[1] * p[1] + p[w] * p[w] + p[w + 1] * p[w + 1];
}

/* square: 0 first derivatives; 1 the Gauss-Newton diagonal with the block's sum as the one
 * input of the coefficient, h_coef += h_a s^2 (exact for a = coef s + bias); 2 Eq. 23 read
 * literally, the unit's four connections sharing the coefficient, h_coef += h_a sum_q x_q^2 */
static inline void subsamp_backprop(real *din, real *dcoef, real *dbias, const real *dout,
                                    const real *in, const real *coef, int c, int h, int w,
                                    int square, int set) {
    const int oh = h / 2, ow = w / 2;
    if (din && set) memset(din, 0, (size_t)c * h * w * sizeof(real));
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
                gc += d * (square == 2 ? block_sumsq(ip + 2 * y * w + 2 * x, w)
                           : square ? s * s : s);
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

/* subsamp_backprop for an even width (see subsamp_rows): dcoef and dbias in LANES partial
 * sums, din through D (oh,w), D[2q] = D[2q+1] = coef dout[q], added to both rows of a block
 * (set: stored there, as 0 + D[] so that a product -0 gives +0 as adding gives, and an odd
 * h's last row, in no block, set to zero) */
ALWAYS_INLINE void subsamp_backprop_fast(real *din, real *dcoef, real *dbias, const real *dout,
                                         const real *in, const real *coef, int c, int h,
                                         int w, int square, int set) {
    const int oh = h / 2, ow = w / 2, n = oh * ow, full = n / LANES * LANES;
    ALIGNED real R[SUB_MAXR], D[SUB_MAXR];
    for (int m = 0; m < c; m++) {
        const real *dop = dout + (size_t)m * n;
        const real cm = square ? sq(coef[m]) : coef[m];
        subsamp_rows(R, in + (size_t)m * h * w, oh, w, square == 2);
        vec gcv = vsplat(0), gbv = vsplat(0);
        for (int q = 0; q < full; q += LANES) {
            const vec d = vload(dop + q), s = subsamp_pairs(R, q);
            gbv += d;
            gcv += d * (square == 1 ? s * s : s);
            if (din) {
                const vec v = set ? cm * d + vsplat(0) : cm * d; /* set: 0 + x as adding gives */
                vstore(D + 2 * q, __builtin_shufflevector(v, v, 0, 0, 1, 1, 2, 2, 3, 3));
                vstore(D + 2 * q + LANES, __builtin_shufflevector(v, v, 4, 4, 5, 5, 6, 6, 7, 7));
            }
        }
        real gc = vsum(gcv), gb = vsum(gbv);
        for (int q = full; q < n; q++) {
            const real d = dop[q], s = R[2 * q] + R[2 * q + 1];
            gb += d;
            gc += d * (square == 1 ? s * s : s);
            D[2 * q] = D[2 * q + 1] = set ? cm * d + 0 : cm * d;
        }
        dcoef[m] += gc;
        dbias[m] += gb;
        if (!din) continue;
        real *dip = din + (size_t)m * h * w;
        const int wf = w / LANES * LANES;
        for (int y = 0; y < oh; y++) {
            real *a = dip + (size_t)2 * y * w, *b = a + w;
            const real *dr = D + (size_t)y * w;
            if (set && w >= LANES) {
                copy_run(a, dr, w);
                copy_run(b, dr, w);
                continue;
            }
            if (set) {
                memcpy(a, dr, (size_t)w * sizeof(real));
                memcpy(b, dr, (size_t)w * sizeof(real));
                continue;
            }
            for (int x = 0; x < wf; x += LANES) {
                const vec v = vload(dr + x);
                vstore(a + x, vload(a + x) + v);
                vstore(b + x, vload(b + x) + v);
            }
            for (int x = wf; x < w; x++) {
                a[x] += dr[x];
                b[x] += dr[x];
            }
        }
        if (set && h % 2) memset(dip + (size_t)(h - 1) * w, 0, (size_t)w * sizeof(real));
    }
}

/* the six backward passes: square (0, 1, 2 as in subsamp_backprop), din added to or set */
ALWAYS_INLINE void subsamp_back_pass(real *din, real *dcoef, real *dbias, const real *dout,
                                     const real *in, const real *coef, int c, int h, int w,
                                     int square, int set) {
    if (subsamp_fast_fits(h, w))
        subsamp_backprop_fast(din, dcoef, dbias, dout, in, coef, c, h, w, square, set);
    else
        subsamp_backprop(din, dcoef, dbias, dout, in, coef, c, h, w, square, set);
}

#define SUBSAMP_BACKWARD(name, square, set)                                                \
    LENET_HOT void name(real *din, real *dcoef, real *dbias, const real *dout, const real *in, \
                        const real *coef, int c, int h, int w) {                           \
        subsamp_back_pass(din, dcoef, dbias, dout, in, coef, c, h, w, square, set);        \
    }
SUBSAMP_BACKWARD(subsamp_backward, 0, 0)
SUBSAMP_BACKWARD(subsamp_backward2, 1, 0)
SUBSAMP_BACKWARD(subsamp_backward2_eq23, 2, 0)
SUBSAMP_BACKWARD(subsamp_backward_set, 0, 1)
SUBSAMP_BACKWARD(subsamp_backward2_set, 1, 1)
SUBSAMP_BACKWARD(subsamp_backward2_eq23_set, 2, 1)

/* ======================================================================================
 * Max-pool (modern variant). in (c,h,w) -> out (c,h/2,w/2). */

/* offset of the first maximum of the 2x2 block at ip, in row-major order */
static inline int block_argmax(const real *ip, int w) {
    /* selects, not branches: which input wins is data, and mispredicts cost more than this */
    int best = 0;
    real v = ip[0];
    best = ip[1] > v ? 1 : best;
    v = ip[1] > v ? ip[1] : v;
    best = ip[w] > v ? w : best;
    v = ip[w] > v ? ip[w] : v;
    best = ip[w + 1] > v ? w + 1 : best;
    return best;
}

/* the first maximum's value of the 2x2 block at ip (the value at block_argmax) */
static inline real block_max(const real *ip, int w) {
    real v = ip[0];
    v = ip[1] > v ? ip[1] : v;
    v = ip[w] > v ? ip[w] : v;
    return ip[w + 1] > v ? ip[w + 1] : v;
}

/* The backward's fast path for an even width w (LeNet's 28 and 10), as the sub-sampling's
 * (subsamp_rows): the even input rows of a map packed into T0 (oh,w), the odd ones into T1,
 * so the block of output q = y ow + x has its four inputs at T0[2q], T0[2q+1], T1[2q],
 * T1[2q+1], contiguous runs over every output of the map, split by EVENS and ODDS; din's rows
 * are packed the same way, updated by vectors and unpacked. Each lane compares in
 * block_argmax's order: the same first maximum, the same bits. Measured in the modern
 * variant's training step (make bench, alternated with the plain loop): 18.0k -> 19.5k
 * patterns/s, though alone, at C1's size, it is slower (1.43 -> 2.17 us); the plain loop's
 * scalar stores into din, which the tanh derivative then reads as vectors, are the likely
 * cost (a store cannot be forwarded to a wider load). The same packing for the forward was
 * slower in the step too (inference 71.7k -> 68.7k images/s) and was dropped: the plain
 * forward loop stays. */
static int maxpool_fast_fits(int h, int w) { return w % 2 == 0 && (h / 2) * w <= SUB_MAXR; }

/* T0, T1 (oh,w): the rows 2y and 2y + 1 of the map ip (h,w) */
ALWAYS_INLINE void maxpool_rows(real *T0, real *T1, const real *ip, int oh, int w) {
    for (int y = 0; y < oh; y++) {
        const real *a = ip + (size_t)2 * y * w;
        if (w >= LANES) {
            copy_run(T0 + (size_t)y * w, a, w);
            copy_run(T1 + (size_t)y * w, a + w, w);
        } else {
            memcpy(T0 + (size_t)y * w, a, (size_t)w * sizeof(real));
            memcpy(T1 + (size_t)y * w, a + w, (size_t)w * sizeof(real));
        }
    }
}

/* the four inputs of the blocks of outputs q .. q + LANES - 1, in block order */
ALWAYS_INLINE void maxpool_quad(vec *v, const real *T0, const real *T1, int q) {
    const vec a = vload(T0 + 2 * q), b = vload(T0 + 2 * q + LANES);
    const vec c = vload(T1 + 2 * q), d = vload(T1 + 2 * q + LANES);
    v[0] = EVENS(a, b), v[1] = ODDS(a, b), v[2] = EVENS(c, d), v[3] = ODDS(c, d);
}

/* block_max of the LANES blocks whose top-left inputs are r0[0], r0[2], .. (r1: the row
 * below), lane by lane in block_max's order: the same value, the same bits */
ALWAYS_INLINE vec maxpool_fwd_run(const real *r0, const real *r1) {
    /* EVENS and ODDS but for the order of the lanes (one shuffle within each half, where
     * EVENS takes three), which one shuffle restores at the end: each lane compares the
     * same four values in the same order */
#define EVENS_MIXED(a, b) __builtin_shufflevector(a, b, 0, 2, 8, 10, 4, 6, 12, 14)
#define ODDS_MIXED(a, b) __builtin_shufflevector(a, b, 1, 3, 9, 11, 5, 7, 13, 15)
    const vec a = vload(r0), b = vload(r0 + LANES), c = vload(r1), d = vload(r1 + LANES);
    vec v = EVENS_MIXED(a, b), t = ODDS_MIXED(a, b);
    v = vselect(t > v, t, v);
    t = EVENS_MIXED(c, d);
    v = vselect(t > v, t, v);
    t = ODDS_MIXED(c, d);
    v = vselect(t > v, t, v);
    return __builtin_shufflevector(v, v, 0, 1, 4, 5, 2, 3, 6, 7);
#undef EVENS_MIXED
#undef ODDS_MIXED
}

/* in (c,h,w) -> out (c,h/2,w/2): the maximum of each 2x2 block, the first in block_max's
 * order (a trailing odd row or column unused). For an even w whose output rows fit runs of
 * LANES (run <= w: LeNet's 28 and 10), each output row but the last map's last by runs: a
 * row's last run reads past input row 2y + 1 (run - w / 2 values, into the next row, or the
 * next map's first) and writes past output row y into the next output row, which is computed
 * after it; the very last row by the plain loop. */
LENET_HOT
void maxpool_forward(real *out, const real *in, int c, int h, int w) {
    const int oh = h / 2, ow = w / 2, run = (ow + LANES - 1) / LANES * LANES;
    const int fast = w % 2 == 0 && run <= w;
    if (fast && h % 2 == 0) { /* rows of blocks 2w apart across maps: one loop over all */
        const int rows = c * oh;
        for (int y = 0; y < rows - 1; y++) {
            const real *ip = in + (size_t)2 * y * w;
            for (int x = 0; x < ow; x += LANES)
                vstore(out + (size_t)y * ow + x, maxpool_fwd_run(ip + 2 * x, ip + w + 2 * x));
        }
        const real *ip = in + (size_t)2 * (rows - 1) * w;
        for (int x = 0; x < ow; x++) out[(size_t)(rows - 1) * ow + x] = block_max(ip + 2 * x, w);
        return;
    }
    for (int m = 0; m < c; m++)
        for (int y = 0; y < oh; y++) {
            const real *ip = in + (size_t)m * h * w + (size_t)2 * y * w;
            real *op = out + ((size_t)m * oh + y) * ow;
            if (fast && (y < oh - 1 || m < c - 1)) {
                for (int x = 0; x < ow; x += LANES)
                    vstore(op + x, maxpool_fwd_run(ip + 2 * x, ip + w + 2 * x));
                continue;
            }
            for (int x = 0; x < ow; x++) op[x] = block_max(ip + 2 * x, w);
        }
}

#ifdef LENET_WIDE
/* maxpool_fwd_run on 16 lanes: block_max of the 16 blocks whose top-left inputs are r0[0],
 * r0[2], .. (r1: the row below), lane by lane in block_max's order: the same bits */
WIDE_FN ALWAYS_INLINE wvec wmaxpool_fwd_run(const real *r0, const real *r1) {
    const wvec a = wload(r0), b = wload(r0 + WL), c = wload(r1), d = wload(r1 + WL);
    wvec v = WEVENS(a, b), t = WODDS(a, b);
    v = wselect(t > v, t, v);
    t = WEVENS(c, d);
    v = wselect(t > v, t, v);
    t = WODDS(c, d);
    return wselect(t > v, t, v);
}
/* maxpool_forward for an even h and w whose output rows fit a run of 16 (C1's 28: rows of
 * 14), the same way: each output row by one run but the very last, which the plain loop
 * takes (a run reads past its two input rows and writes past its output row, into the next,
 * computed after it) */
WIDE_FN static void wmaxpool_forward(real *out, const real *in, int c, int h, int w) {
    const int oh = h / 2, ow = w / 2, rows = c * oh;
    for (int y = 0; y < rows - 1; y++) {
        const real *ip = in + (size_t)2 * y * w;
        wstore(out + (size_t)y * ow, wmaxpool_fwd_run(ip, ip + w));
    }
    const real *ip = in + (size_t)2 * (rows - 1) * w;
    for (int x = 0; x < ow; x++) out[(size_t)(rows - 1) * ow + x] = block_max(ip + 2 * x, w);
}
void maxpool_forward_wide(real *out, const real *in, int c, int h, int w) {
    if (wide_on && h % 2 == 0 && w % 2 == 0 && w / 2 <= WL && WL <= w)
        wmaxpool_forward(out, in, c, h, w);
    else
        maxpool_forward(out, in, c, h, w);
}
#else
void maxpool_forward_wide(real *out, const real *in, int c, int h, int w) {
    maxpool_forward(out, in, c, h, w);
}
#endif

/* din rows 2y, 2y + 1 (of the map dp) from D0, D1 (oh,w): maxpool_rows's inverse */
ALWAYS_INLINE void maxpool_unrows(real *dp, const real *D0, const real *D1, int oh, int w) {
    for (int y = 0; y < oh; y++) {
        real *a = dp + (size_t)2 * y * w;
        if (w >= LANES) {
            copy_run(a, D0 + (size_t)y * w, w);
            copy_run(a + w, D1 + (size_t)y * w, w);
        } else {
            memcpy(a, D0 + (size_t)y * w, (size_t)w * sizeof(real));
            memcpy(a + w, D1 + (size_t)y * w, (size_t)w * sizeof(real));
        }
    }
}

/* lanes 0 .. LANES/2 - 1 of a and b interleaved (a0 b0 a1 b1 ..), and the upper halves */
#define LO_HALVES(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define HI_HALVES(a, b) __builtin_shufflevector(a, b, 4, 12, 5, 13, 6, 14, 7, 15)

/* D0, D1 (packed as T0, T1) += dout of the outputs q .. q + LANES - 1 at their blocks' first
 * maxima (block_argmax lane by lane); an input that is no block's maximum keeps its bits */
ALWAYS_INLINE void maxpool_bwd_run(real *D0, real *D1, const real *T0, const real *T1,
                                   const real *dp, int q) {
    vec v[4];
    maxpool_quad(v, T0, T1, q);
    const ivec w1 = v[1] > v[0];
    vec mx = vselect(w1, v[1], v[0]);
    const ivec w2 = v[2] > mx;
    mx = vselect(w2, v[2], mx);
    const ivec w3 = v[3] > mx;
    const ivec is[4] = {~(w1 | w2 | w3), w1 & ~w2 & ~w3, w2 & ~w3, w3};
    const vec d = vload(dp + q), dlo = LO_HALVES(d, d), dhi = HI_HALVES(d, d);
    real *D[2] = {D0, D1};
    for (int r = 0; r < 2; r++) { /* row 2y + r: the blocks' inputs 2r and 2r + 1 */
        const ivec mlo = LO_HALVES(is[2 * r], is[2 * r + 1]);
        const ivec mhi = HI_HALVES(is[2 * r], is[2 * r + 1]);
        const vec lo = vload(D[r] + 2 * q), hi = vload(D[r] + 2 * q + LANES);
        vstore(D[r] + 2 * q, vselect(mlo, lo + dlo, lo));
        vstore(D[r] + 2 * q + LANES, vselect(mhi, hi + dhi, hi));
    }
}

/* The derivative of a max is 0 or 1, so its square is itself: backward2 = backward. */
LENET_HOT
void maxpool_backward(real *din, const real *dout, const real *in, int c, int h, int w) {
    const int oh = h / 2, ow = w / 2;
    if (maxpool_fast_fits(h, w)) {
        const int n = oh * ow, full = n / LANES * LANES;
        ALIGNED real T0[SUB_MAXR], T1[SUB_MAXR], D0[SUB_MAXR], D1[SUB_MAXR];
        for (int m = 0; m < c; m++) {
            const real *ip = in + (size_t)m * h * w, *dp = dout + (size_t)m * n;
            real *gp = din + (size_t)m * h * w;
            maxpool_rows(T0, T1, ip, oh, w);
            maxpool_rows(D0, D1, gp, oh, w);
            for (int q = 0; q < full; q += LANES) maxpool_bwd_run(D0, D1, T0, T1, dp, q);
            maxpool_unrows(gp, D0, D1, oh, w);
            for (int q = full; q < n; q++) { /* the last n % LANES outputs, one by one */
                const int base = 2 * (q / ow) * w + 2 * (q % ow);
                gp[base + block_argmax(ip + base, w)] += dp[q];
            }
        }
        return;
    }
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

LENET_HOT
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
LENET_HOT
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
LENET_HOT
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
