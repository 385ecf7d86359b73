/* lenet.h: LeNet-5 as published in LeCun, Bottou, Bengio & Haffner, "Gradient-Based
 * Learning Applied to Document Recognition", Proc. IEEE 86(11), 1998 (Sec. II-B, App. C),
 * and the modern tanh/max-pool/softmax variant, as one set of layers with other arguments.
 *
 * Conventions: every array is flat, row-major, channel first: (C,H,W). `real` is float
 * (double when built with -DLENET_DOUBLE, which the finite-difference tests use).
 * A layer is a pair x_forward(out, in, params, sizes) / x_backward(din, dparams, dout, in,
 * params, sizes); backward ACCUMULATES (+=); lenet_zero_grad clears. The second-derivative
 * pass (Eq. 27, Gauss-Newton) mirrors it: x_backward2(ddin, hparams, ddout, in, params, sizes),
 * with squared derivatives and squared weights, also accumulating. */
#ifndef LENET_H
#define LENET_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#ifdef LENET_DOUBLE
typedef double real;
#else
typedef float real;
#endif

/* The hot loops (layers, SDLM update) are compiled twice with GCC on x86-64 (LENET_HOT_V4: three
 * times, x86-64-v4 = AVX-512 first): for x86-64-v3
 * (AVX2 + FMA, 2013 on) and for any x86-64; the loader picks one per machine (GNU ifunc), so
 * one binary runs everywhere and a given machine always runs the same code (same bits).
 * LENET_NO_CLONES (set by `make NATIVE=1`, which compiles for this machine alone) turns them off. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(LENET_NO_CLONES)
#define LENET_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
/* the same with an AVX-512 clone too (x86-64-v4), where measured to help (squash_forward) */
#define LENET_HOT_V4 __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LENET_HOT
#define LENET_HOT_V4
#endif

/* ---------------------------------------------------------------------------------------
 * Squashing (Eq. 5-6, App. A): f(a) = A tanh(S a), A = 1.7159, S = 2/3, so f(+-1) = +-1. */
#define SQUASH_A 1.7159
#define SQUASH_S (2.0 / 3.0)

/* Input coding (Sec. II-B): background -0.1, ink 1.175, linear in between. */
#define LENET_BG (-0.1)
#define LENET_INK 1.175

/* Shapes of the network (Sec. II-B, Fig. 2). */
enum {
    LENET_IN = 32,  /* input field 32x32 (MNIST 28x28 padded with 2 background pixels) */
    LENET_K = 5,    /* every convolution kernel is 5x5 */
    C1_N = 6, C1_H = 28,
    S2_N = 6, S2_H = 14,
    C3_N = 16, C3_H = 10,
    S4_N = 16, S4_H = 5,
    C5_N = 120,
    F6_N = 84,
    OUT_N = 10,
    RBF_ROWS = 12, RBF_COLS = 7 /* the F6 state drawn as a 7x12 bitmap (Fig. 3) */
};

/* ---------------------------------------------------------------------------------------
 * Architecture: each 1998 element and its modern counterpart. lenet5 and modern are presets;
 * the ablation (experiments/ablation.sh) mixes them one element at a time. */
/* S2, S4: the 2x2 block summed (Sec. II-B, "added"), x trainable coefficient + bias, f; max-pool;
 * or the block averaged (Sec. II-A, "averaged"): the same with the sum / 4 */
typedef enum { LENET_POOL_SUBSAMPLE = 0, LENET_POOL_MAX = 1, LENET_POOL_AVERAGE = 2 } lenet_pool;
/* S2/S4 have the trainable coefficient and bias (summed or averaged) */
#define LENET_POOL_TRAINABLE(p) ((p) != LENET_POOL_MAX)
typedef enum { LENET_C3_TABLE = 0, LENET_C3_FULL = 1 } lenet_c3;              /* Table I */
typedef enum { LENET_OUT_RBF = 0, LENET_OUT_LINEAR = 1 } lenet_out;           /* output */
typedef enum { LENET_SQUASH_SCALED = 0, LENET_SQUASH_TANH = 1 } lenet_squash; /* f */
typedef enum { LENET_INPUT_PAPER = 0, LENET_INPUT_UNIT = 1 } lenet_coding;     /* coding */

typedef struct {
    lenet_pool pool;
    lenet_c3 c3;
    lenet_out out;
    lenet_squash squash;
    lenet_coding input;
} lenet_arch;

/* paper: weights U(+-2.4/F_i), biases 0; torch: weights and biases U(+-1/sqrt(F_i));
 * sqrt: weights U(+-2.4/sqrt(F_i)), biases 0 (the reading under which, as the paper's App. A
 * wants, "the standard deviation of the weighted sums" is the same for every unit) */
typedef enum { LENET_INIT_PAPER = 0, LENET_INIT_TORCH = 1, LENET_INIT_SQRT = 2 } lenet_init_kind;
/* How the second-derivative pass forms h_kk of the sub-sampling coefficients s2c, s4c
 * (Eq. 23; layers.h subsamp_backward2): the literal reading (each of a unit's four
 * connections carries one input, sum_q x_q^2) or the block's sum as one input (s^2). A
 * training choice, not part of the model file. */
typedef enum { LENET_HKK_EQ23 = 0, LENET_HKK_BLOCK = 1 } lenet_hkk_subsample;

extern const lenet_arch LENET_ARCH_LENET5; /* the 1998 network */
extern const lenet_arch LENET_ARCH_MODERN; /* the tutorial "LeNet-5" */

/* Canonical text tag of an architecture ("lenet5", "modern", or "pool=max,c3=table,..."),
 * written into model files. Returns 0, or -1 if buf is too small. */
int lenet_arch_tag(const lenet_arch *a, char *buf, size_t n);
/* Parses a tag or a preset name. Returns 0, or -1 if it is not one. */
int lenet_arch_parse(lenet_arch *a, const char *s);
/* The same, and on -1 why (n bytes, e.g. "the key 'pool' is given twice"), for messages */
int lenet_arch_parse_why(lenet_arch *a, const char *s, char *why, size_t n);
int lenet_arch_equal(const lenet_arch *a, const lenet_arch *b);

/* Table I: C3 map o takes S2 map i iff LENET_TABLE_I[o][i]. */
extern const unsigned char LENET_TABLE_I[C3_N][S2_N];
extern const unsigned char LENET_TABLE_FULL[C3_N][S2_N];

/* The ten output codes of Figure 3 (digits '0'..'9'), 7x12 cells, '#' = ink = +1. */
extern const char *const LENET_RBF_CODES[OUT_N];
void lenet_rbf_codes(real *w); /* w (10, 84): +1 for ink, -1 for background */

/* ---------------------------------------------------------------------------------------
 * Parameters: one flat block, a struct of pointers into it. The same struct type holds
 * gradients and the Hessian diagonal h_kk. Tensors of size 0 (s2c under max-pool, ow under
 * the RBF output) are NULL.
 *
 * The list of tensors, written once: the order here is the order in the block and in model
 * files, and everything else (the struct, the LENET_T_* indices, the names, the sizes, the
 * fan-ins F_i, init, the per-layer counts of `info`) derives from it.
 * X(name, layer, bias, elements, fan_in): layer indexes lenet_info's table (0 = C1 ... 6 =
 * OUTPUT); bias is 1 for a bias (0 under the paper's init), 0 for weights and subsampling
 * coefficients; elements and fan_in are expressions in sub (1 if S2/S4 subsample), lin (1 if
 * the output is linear) and pairs (connected (C3, S2) map pairs, 60 under Table I). The C3
 * fan-in is the average over maps; init draws each C3 map with its own. */
#define LENET_KK (LENET_K * LENET_K)
#define LENET_TENSORS(X)                                                                      \
    X(c1w, 0, 0, C1_N * LENET_KK, LENET_KK)               /* (6,1,5,5) */                     \
    X(c1b, 0, 1, C1_N, LENET_KK)                          /* (6) */                           \
    X(s2c, 1, 0, sub ? S2_N : 0, 4)                       /* (6) coefficient, or none (max) */ \
    X(s2b, 1, 1, sub ? S2_N : 0, 4)                       /* (6) bias, or none (max) */       \
    X(c3w, 2, 0, pairs * LENET_KK, pairs * LENET_KK / C3_N) /* (60,5,5) Table I, or (16,6,5,5) */ \
    X(c3b, 2, 1, C3_N, pairs * LENET_KK / C3_N)           /* (16) */                          \
    X(s4c, 3, 0, sub ? S4_N : 0, 4)                       /* (16) */                          \
    X(s4b, 3, 1, sub ? S4_N : 0, 4)                       /* (16) */                          \
    X(c5w, 4, 0, C5_N * S4_N * LENET_KK, S4_N * LENET_KK) /* (120,16,5,5) = (120,400) */      \
    X(c5b, 4, 1, C5_N, S4_N * LENET_KK)                   /* (120) */                         \
    X(f6w, 5, 0, F6_N * C5_N, C5_N)                       /* (84,120) */                      \
    X(f6b, 5, 1, F6_N, C5_N)                              /* (84) */                          \
    X(ow, 6, 0, lin ? OUT_N * F6_N : 0, F6_N)             /* (10,84) linear output only */    \
    X(ob, 6, 1, lin ? OUT_N : 0, F6_N)                    /* (10) linear output only */

#define LENET_X_FIELD(name, ...) real *name;
typedef struct {
    LENET_TENSORS(LENET_X_FIELD)
} lenet_params;
#undef LENET_X_FIELD

/* LENET_T_c1w = 0, LENET_T_c1b, ..., LENET_T_ob, LENET_NTENSORS = 14 */
#define LENET_X_INDEX(name, ...) LENET_T_##name,
enum { LENET_TENSORS(LENET_X_INDEX) LENET_NTENSORS };
#undef LENET_X_INDEX

extern const char *const LENET_TENSOR_NAMES[LENET_NTENSORS];
extern const unsigned char LENET_TENSOR_LAYER[LENET_NTENSORS]; /* 0 = C1 ... 6 = OUTPUT */
extern const unsigned char LENET_TENSOR_BIAS[LENET_NTENSORS];  /* 1 for a bias */

typedef struct {
    lenet_arch arch;
    size_t size[LENET_NTENSORS]; /* elements per tensor, in the order of lenet_params */
    size_t n;                    /* total trainable parameters */
    real *mem;                   /* 3n: weights, gradients, h_kk */
    lenet_params w, g, h;
    unsigned char table[C3_N][S2_N]; /* C3 connections */
    int c3_pairs;                    /* number of connected (C3, S2) map pairs */
    real codes[OUT_N * F6_N];        /* fixed RBF centres (RBF output only) */
    /* classify's default rejection threshold for this model: the score gap at which the
     * accepted MNIST test digits reach 0.5% error (Fig. 10), set at the end of training
     * (classify.h, reject_threshold); 0 = not known. Model file bytes 152-159. */
    double reject_threshold;
    lenet_hkk_subsample hkk_subsample; /* for lenet_backward2; LENET_HKK_EQ23 by default */
} lenet_model;

/* Allocates a model of architecture a, parameters zero. NULL on out of memory. */
lenet_model *lenet_alloc(const lenet_arch *a);
void lenet_free(lenet_model *m);
/* Tensor t of a parameter struct, as an array (NULL if the tensor is empty). */
real *lenet_tensor(const lenet_params *p, int t);
/* Fan-in of the units fed by tensor t (for the +-2.4/F_i rule). */
int lenet_fan_in(const lenet_model *m, int t);
/* Init (Sec. II-B footnote / App. A): weights uniform in +-2.4/F_i, biases 0 (our choice),
 * subsampling coefficients as weights with F_i = 4. Torch init: U(+-1/sqrt(F_i)) for weights
 * and biases (PyTorch's Conv2d/Linear default). One draw per statement, from r. */
void lenet_init(lenet_model *m, lenet_init_kind kind, gsl_rng *r);
void lenet_zero_grad(lenet_model *m);

/* ---------------------------------------------------------------------------------------
 * Activations: one workspace per thread. States x (after f); gradients
 * with respect to states (dx) and pre-activations (da); and the same for the second pass. */
typedef struct {
    real in[LENET_IN * LENET_IN];
    real c1[C1_N * C1_H * C1_H], s2[S2_N * S2_H * S2_H];
    real c3[C3_N * C3_H * C3_H], s4[S4_N * S4_H * S4_H];
    real c5[C5_N], f6[F6_N], out[OUT_N];
} lenet_layers;

typedef struct {
    lenet_layers a;  /* pre-activations a (Eq. 5) */
    lenet_layers x;  /* states x = f(a); x.out = the outputs. pool=max: a.s2 = max-pool of
                      * a.c1, x.s2 = f(a.s2), the same for s4; x.c1, x.c3 unset (lenet_states) */
    lenet_layers dx; /* dE/dx (first pass) or d2E/dx2 (second pass) */
    lenet_layers da; /* dE/da or d2E/da2 */
} lenet_acts;

lenet_acts *lenet_acts_alloc(void);
void lenet_acts_free(lenet_acts *a);

/* Input coding: 28x28 uint8 image -> 32x32 field (Sec. II-B). */
void lenet_code_input(real *in, const uint8_t *img28, lenet_coding coding);
/* The same coding of an image already in the 32x32 field. */
void lenet_code_field(real *in, const uint8_t *img32, lenet_coding coding);

/* Forward: in -> out; the RBF penalties y_i (Eq. 7) or the linear scores. Reads a->x.in. */
void lenet_forward(const lenet_model *m, lenet_acts *a);
/* lenet_forward of n images at once, 1 <= n <= LENET_FORWARD_N, each in its own workspace
 * a[q] (x.in set; x.out on return): the same bits; the full connections' weights are read
 * once for the n, and the convolutions take 16 lanes where the machine has AVX-512
 * (evaluation: eval_set; layers.h conv_forward_wide). */
enum { LENET_FORWARD_N = 8 };
void lenet_forward_n(const lenet_model *m, lenet_acts *const *a, int n);
/* pool=max: x.c1 and x.c3 = f(a) after lenet_forward or lenet_forward_n, which skip them
 * (they squash only the max-pooled quarter); other pools: nothing to do. */
void lenet_states(const lenet_model *m, lenet_acts *a);
/* Index of the winning class: smallest penalty (RBF) or largest score (linear). */
int lenet_predict(const lenet_model *m, const real *out);
/* Backward (App. B) from dE/dout (10) after lenet_forward: accumulates dE/dw into m->g. */
void lenet_backward(lenet_model *m, lenet_acts *a, const real *dout);
/* Gauss-Newton second pass (App. C, Eq. 23-27) from dE/dout and d2E/dout2 (10 each, the
 * loss's diagonal): accumulates this pattern's d2E/dw_k2 contributions into m->h. */
void lenet_backward2(lenet_model *m, lenet_acts *a, const real *dout, const real *ddout);
/* lenet_backward, then sdlm_update(m, eps) (sdlm.h), in one pass, the same bits; m->g must be
 * zero on entry (as after sdlm_update, lenet_zero_grad or this function) and is on return.
 * The full connections take their step as their gradients are made, in registers: their
 * part of m->g is neither read nor written. */
void lenet_backward_sdlm(lenet_model *m, lenet_acts *a, const real *dout, const real *eps);

/* ---------------------------------------------------------------------------------------
 * Losses (Sec. II-C). Each returns E^p and writes dE/dout and d2E/dout2 (the diagonal).
 * mse: Eq. 8, E = y_D. map: Eq. 9, E = y_D + log(e^-j + sum_i e^-y_i).
 * softmax: cross-entropy of softmax(scores) (modern output). */
typedef enum { LOSS_MSE = 0, LOSS_MAP = 1, LOSS_SOFTMAX = 2 } loss_kind;
double loss_mse(real *dy, real *ddy, const real *y, int label);
double loss_map(real *dy, real *ddy, const real *y, int label, double j);
double loss_softmax(real *dz, real *ddz, const real *z, int label);
double loss_eval(loss_kind k, real *dy, real *ddy, const real *y, int label, double j);

/* ---------------------------------------------------------------------------------------
 * Counts (the table of Sec. II-B): per layer, trainable parameters, connections (biases
 * count, Sec. II-B), and multiply-adds per image. */
typedef struct {
    const char *name;
    int maps, h, w;
    long params, connections, macs;
} lenet_layer_info;
enum { LENET_NLAYERS = 7 };
void lenet_info(const lenet_model *m, lenet_layer_info info[LENET_NLAYERS]);

#endif
