/* net.c: LeNet-5 assembled from its layers (Sec. II-B, Fig. 2): architectures, the flat
 * parameter block, initialisation, and the model-level forward, backward (App. B) and
 * Gauss-Newton second-derivative (App. C) passes, each a straight list of layer calls. */
#include "layers.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const lenet_arch LENET_ARCH_LENET5 = {LENET_POOL_SUBSAMPLE, LENET_C3_TABLE, LENET_OUT_RBF,
                                      LENET_SQUASH_SCALED, LENET_INPUT_PAPER};
const lenet_arch LENET_ARCH_MODERN = {LENET_POOL_MAX, LENET_C3_FULL, LENET_OUT_LINEAR,
                                      LENET_SQUASH_TANH, LENET_INPUT_UNIT};

/* Table I (Sec. II-B): the S2 maps (columns) feeding each C3 map (rows). */
const unsigned char LENET_TABLE_I[C3_N][S2_N] = {
    {1, 1, 1, 0, 0, 0}, {0, 1, 1, 1, 0, 0}, {0, 0, 1, 1, 1, 0}, {0, 0, 0, 1, 1, 1},
    {1, 0, 0, 0, 1, 1}, {1, 1, 0, 0, 0, 1}, {1, 1, 1, 1, 0, 0}, {0, 1, 1, 1, 1, 0},
    {0, 0, 1, 1, 1, 1}, {1, 0, 0, 1, 1, 1}, {1, 1, 0, 0, 1, 1}, {1, 1, 1, 0, 0, 1},
    {1, 1, 0, 1, 1, 0}, {0, 1, 1, 0, 1, 1}, {1, 0, 1, 1, 0, 1}, {1, 1, 1, 1, 1, 1}};
const unsigned char LENET_TABLE_FULL[C3_N][S2_N] = {
    {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1},
    {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1},
    {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1},
    {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1}};

/* Figure 3's codes for '0'..'9' (ASCII 48..57 of experiments/paper/rbf-codes-7x12.txt),
 * 12 rows of 7 cells, top row first; '#' is ink. tests/test_codes.c checks them against the
 * file. */
const char *const LENET_RBF_CODES[OUT_N] = {
    /* 0 */ ".#####."
           "......."
           "..###.."
           ".##.##."
           "##...##"
           "##...##"
           "##...##"
           "##...##"
           ".##.##."
           "..###.."
           "......."
           ".......",
    /* 1 */ "...##.."
           "..###.."
           ".####.."
           "...##.."
           "...##.."
           "...##.."
           "...##.."
           "...##.."
           "...##.."
           ".######"
           "......."
           ".......",
    /* 2 */ ".#####."
           "......."
           ".#####."
           "##...##"
           "#....##"
           "....##."
           "..###.."
           ".##...."
           "##....."
           "#######"
           "......."
           ".......",
    /* 3 */ "#######"
           ".....##"
           "....##."
           "...##.."
           "..####."
           ".....##"
           ".....##"
           ".....##"
           "##...##"
           ".#####."
           "......."
           ".......",
    /* 4 */ ".#####."
           "......."
           "......."
           ".##..##"
           ".##..##"
           "###..##"
           "##...##"
           "##...##"
           "##..###"
           ".######"
           ".....##"
           ".....##",
    /* 5 */ ".#####."
           "......."
           "#######"
           "##....."
           "##....."
           ".####.."
           "..####."
           ".....##"
           "##...##"
           ".#####."
           "......."
           ".......",
    /* 6 */ "..####."
           ".##...."
           "##....."
           "##....."
           "######."
           "###..##"
           "##...##"
           "##...##"
           "###..##"
           ".#####."
           "......."
           ".......",
    /* 7 */ "#######"
           ".....##"
           ".....##"
           "....##."
           "...##.."
           "...##.."
           "..##..."
           "..##..."
           "..##..."
           "..##..."
           "......."
           ".......",
    /* 8 */ ".#####."
           "##...##"
           "##...##"
           "##...##"
           ".#####."
           "##...##"
           "##...##"
           "##...##"
           "##...##"
           ".#####."
           "......."
           ".......",
    /* 9 */ ".#####."
           "##..###"
           "##...##"
           "##...##"
           "##..###"
           ".######"
           ".....##"
           ".....##"
           "....##."
           ".####.."
           "......."
           "......."};

void lenet_rbf_codes(real *w) {
    for (int i = 0; i < OUT_N; i++) {
        assert(strlen(LENET_RBF_CODES[i]) == F6_N);
        for (int j = 0; j < F6_N; j++) w[i * F6_N + j] = LENET_RBF_CODES[i][j] == '#' ? 1 : -1;
    }
}

#define X_NAME(name, ...) #name,
#define X_LAYER(name, layer, ...) layer,
#define X_BIAS(name, layer, bias, ...) bias,
const char *const LENET_TENSOR_NAMES[LENET_NTENSORS] = {LENET_TENSORS(X_NAME)};
const unsigned char LENET_TENSOR_LAYER[LENET_NTENSORS] = {LENET_TENSORS(X_LAYER)};
const unsigned char LENET_TENSOR_BIAS[LENET_NTENSORS] = {LENET_TENSORS(X_BIAS)};

/* ======================================================================================
 * Architecture tags */

static const char *const POOL_NAMES[] = {"subsample", "max", "average", NULL};
static const char *const C3_NAMES[] = {"table", "full", NULL};
static const char *const OUT_NAMES[] = {"rbf", "linear", NULL};
static const char *const SQUASH_NAMES[] = {"scaled", "tanh", NULL};
static const char *const INPUT_NAMES[] = {"paper", "unit", NULL};

int lenet_arch_equal(const lenet_arch *a, const lenet_arch *b) {
    return a->pool == b->pool && a->c3 == b->c3 && a->out == b->out && a->squash == b->squash &&
           a->input == b->input;
}

int lenet_arch_tag(const lenet_arch *a, char *buf, size_t n) {
    int k;
    if (lenet_arch_equal(a, &LENET_ARCH_LENET5))
        k = snprintf(buf, n, "lenet5");
    else if (lenet_arch_equal(a, &LENET_ARCH_MODERN))
        k = snprintf(buf, n, "modern");
    else
        k = snprintf(buf, n, "pool=%s,c3=%s,out=%s,squash=%s,input=%s", POOL_NAMES[a->pool],
                     C3_NAMES[a->c3], OUT_NAMES[a->out], SQUASH_NAMES[a->squash],
                     INPUT_NAMES[a->input]);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

/* value of key=value among names (NULL-terminated), or -1 */
static int pick(const char *v, size_t len, const char *const names[]) {
    for (int i = 0; names[i]; i++)
        if (strlen(names[i]) == len && strncmp(v, names[i], len) == 0) return i;
    return -1;
}

#define ARCH_NO(...) return (why ? (void)snprintf(why, n, __VA_ARGS__) : (void)0), -1
int lenet_arch_parse_why(lenet_arch *a, const char *s, char *why, size_t n) {
    if (strcmp(s, "lenet5") == 0) {
        *a = LENET_ARCH_LENET5;
        return 0;
    }
    if (strcmp(s, "modern") == 0) {
        *a = LENET_ARCH_MODERN;
        return 0;
    }
    /* key=value,... starting from lenet5; no empty tag, no empty item (a trailing comma),
     * no key twice */
    lenet_arch r = LENET_ARCH_LENET5;
    const char *p = s;
    unsigned seen = 0;
    if (!*p) ARCH_NO("an empty tag (lenet5, modern, or key=value,...)");
    while (*p) {
        const char *eq = strchr(p, '='), *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        const int il = (int)(end - p);
        if (end == p) ARCH_NO("an empty item (two commas, or one first)");
        if ((!eq || eq > end) && ((il == 6 && strncmp(p, "lenet5", 6) == 0) ||
                                  (il == 6 && strncmp(p, "modern", 6) == 0)))
            ARCH_NO("the preset '%.*s' stands alone, not in a list", il, p);
        if (!eq || eq > end)
            ARCH_NO("'%.*s' is neither lenet5, modern nor key=value (keys: pool, c3, out, "
                    "squash, input)", il, p);
        if (*end == ',' && !end[1]) ARCH_NO("an empty item after the last comma");
        const size_t kl = (size_t)(eq - p), vl = (size_t)(end - eq - 1);
        int v;
#define KEY(name, table, field, bit)                                                          \
    if (kl == strlen(name) && strncmp(p, name, kl) == 0) {                                 \
        if ((v = pick(eq + 1, vl, table)) < 0) {                                           \
            char alt[64] = "";                                                             \
            for (int i = 0; table[i]; i++)                                                 \
                snprintf(alt + strlen(alt), sizeof alt - strlen(alt), "%s%s", i ? ", " : "", \
                         table[i]);                                                        \
            ARCH_NO("%s='%.*s': not one of %s", name, (int)vl, eq + 1, alt);                \
        }                                                                                  \
        if (seen & bit) ARCH_NO("the key '%s' is given twice", name);                      \
        seen |= bit;                                                                       \
        r.field = v;                                                                       \
    } else
        KEY("pool", POOL_NAMES, pool, 1u)
        KEY("c3", C3_NAMES, c3, 2u)
        KEY("out", OUT_NAMES, out, 4u)
        KEY("squash", SQUASH_NAMES, squash, 8u)
        KEY("input", INPUT_NAMES, input, 16u)
        ARCH_NO("'%.*s': unknown key (keys: pool, c3, out, squash, input)", (int)kl, p);
#undef KEY
        p = *end ? end + 1 : end;
    }
    *a = r;
    return 0;
}
#undef ARCH_NO

int lenet_arch_parse(lenet_arch *a, const char *s) { return lenet_arch_parse_why(a, s, NULL, 0); }

/* ======================================================================================
 * The parameter block */

static void carve(lenet_params *p, real *base, const size_t size[LENET_NTENSORS]) {
#define X_ADDR(name, ...) &p->name,
    real **t[LENET_NTENSORS] = {LENET_TENSORS(X_ADDR)};
    for (int i = 0; i < LENET_NTENSORS; i++) {
        *t[i] = size[i] ? base : NULL;
        base += size[i];
    }
}

real *lenet_tensor(const lenet_params *p, int t) {
#define X_PTR(name, ...) p->name,
    real *const t_[LENET_NTENSORS] = {LENET_TENSORS(X_PTR)};
    assert(t >= 0 && t < LENET_NTENSORS);
    return t_[t];
}

lenet_model *lenet_alloc(const lenet_arch *a) {
    lenet_model *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->arch = *a;
    memcpy(m->table, a->c3 == LENET_C3_TABLE ? LENET_TABLE_I : LENET_TABLE_FULL,
           sizeof m->table);
    for (int o = 0; o < C3_N; o++)
        for (int i = 0; i < S2_N; i++) m->c3_pairs += m->table[o][i];
    const int sub = LENET_POOL_TRAINABLE(a->pool), lin = a->out == LENET_OUT_LINEAR;
    const size_t pairs = (size_t)m->c3_pairs;
#define X_SIZE(name, layer, bias, elements, ...) (size_t)(elements),
    const size_t size[LENET_NTENSORS] = {LENET_TENSORS(X_SIZE)};
    memcpy(m->size, size, sizeof size);
    for (int i = 0; i < LENET_NTENSORS; i++) m->n += size[i];
    m->mem = calloc(3 * m->n, sizeof(real));
    if (!m->mem) {
        free(m);
        return NULL;
    }
    carve(&m->w, m->mem, size);
    carve(&m->g, m->mem + m->n, size);
    carve(&m->h, m->mem + 2 * m->n, size);
    lenet_rbf_codes(m->codes);
    return m;
}

void lenet_free(lenet_model *m) {
    if (!m) return;
    free(m->mem);
    free(m);
}

void lenet_zero_grad(lenet_model *m) { memset(m->g.c1w, 0, m->n * sizeof(real)); }

int lenet_fan_in(const lenet_model *m, int t) {
    const int sub = LENET_POOL_TRAINABLE(m->arch.pool), lin = m->arch.out == LENET_OUT_LINEAR;
    const int pairs = m->c3_pairs;
    (void)sub, (void)lin;
#define X_FAN(name, layer, bias, elements, fan_in) (fan_in),
    const int fan[LENET_NTENSORS] = {LENET_TENSORS(X_FAN)};
    assert(t >= 0 && t < LENET_NTENSORS);
    return fan[t];
}

/* fan-in of C3 map o: 25 per connected S2 map (75, 100 or 150 under Table I) */
static int c3_fan_in(const lenet_model *m, int o) {
    int n = 0;
    for (int c = 0; c < S2_N; c++) n += m->table[o][c];
    return n * LENET_K * LENET_K;
}

/* one draw uniform in +-range */
static real draw(double range, gsl_rng *r) {
    const double u = gsl_rng_uniform(r);
    return (real)(range * (2 * u - 1));
}

/* Weights uniform in +-2.4/F_i (paper; biases 0, our choice) or +-1/sqrt(F_i) (torch;
 * biases too). Tensors in block order, elements in order, one draw each. */
void lenet_init(lenet_model *m, lenet_init_kind kind, gsl_rng *r) {
    for (int t = 0; t < LENET_NTENSORS; t++) {
        real *p = lenet_tensor(&m->w, t);
        const int is_bias = LENET_TENSOR_BIAS[t];
        size_t i = 0;
        for (int o = 0; i < m->size[t]; o++) {
            /* a run of elements sharing one fan-in: one C3 map's kernels or bias, else all */
            const int per_map = t == LENET_T_c3w || t == LENET_T_c3b;
            const int fan = per_map ? c3_fan_in(m, o) : lenet_fan_in(m, t);
            const size_t run = !per_map ? m->size[t] : t == LENET_T_c3b ? 1 : (size_t)fan;
            const double range = kind == LENET_INIT_PAPER  ? 2.4 / fan
                                 : kind == LENET_INIT_SQRT ? 2.4 / sqrt(fan)
                                                           : 1.0 / sqrt(fan);
            for (size_t k = 0; k < run; k++, i++)
                p[i] = kind != LENET_INIT_TORCH && is_bias ? 0 : draw(range, r);
        }
    }
}

/* ======================================================================================
 * Activations, input */

lenet_acts *lenet_acts_alloc(void) { return calloc(1, sizeof(lenet_acts)); }
void lenet_acts_free(lenet_acts *a) { free(a); }

/* img28 (28,28) uint8, 0 = background -> in (32,32): 2 pixels of background a side, grey
 * levels mapped linearly onto [-0.1, 1.175] (Sec. II-B) or [0, 1]. */
/* each grey level's value under each coding, lo + (hi - lo) v / 255 in double then rounded,
 * as constants (the per-pattern table it replaces cost a division per level) */
#define LEVEL(lo, hi, v) (real)((lo) + ((hi) - (lo)) * (v) / 255.0),
#define LEVEL4(lo, hi, v) LEVEL(lo, hi, v) LEVEL(lo, hi, v + 1) LEVEL(lo, hi, v + 2) LEVEL(lo, hi, v + 3)
#define LEVEL16(lo, hi, v)                                                                 \
    LEVEL4(lo, hi, v) LEVEL4(lo, hi, v + 4) LEVEL4(lo, hi, v + 8) LEVEL4(lo, hi, v + 12)
#define LEVEL64(lo, hi, v)                                                                 \
    LEVEL16(lo, hi, v) LEVEL16(lo, hi, v + 16) LEVEL16(lo, hi, v + 32) LEVEL16(lo, hi, v + 48)
#define LEVEL256(lo, hi)                                                                   \
    {LEVEL64(lo, hi, 0) LEVEL64(lo, hi, 64) LEVEL64(lo, hi, 128) LEVEL64(lo, hi, 192)}
static const real LEVELS_PAPER[256] = LEVEL256(LENET_BG, LENET_INK);
static const real LEVELS_UNIT[256] = LEVEL256(0.0, 1.0);

void lenet_code_input(real *in, const uint8_t *img28, lenet_coding coding) {
    const real *level = coding == LENET_INPUT_PAPER ? LEVELS_PAPER : LEVELS_UNIT;
    const real bg = level[0];
    for (int i = 0; i < 2 * LENET_IN; i++) in[i] = in[LENET_IN * LENET_IN - 1 - i] = bg;
    for (int y = 0; y < 28; y++) {
        real *row = in + (y + 2) * LENET_IN;
        const uint8_t *src = img28 + y * 28;
        row[0] = row[1] = row[30] = row[31] = bg;
        /* most of a digit is background: four levels 0 at once take one test */
        for (int x = 0; x < 28; x += 4) {
            uint32_t four;
            memcpy(&four, src + x, sizeof four);
            if (!four)
                row[x + 2] = row[x + 3] = row[x + 4] = row[x + 5] = bg;
            else
                for (int k = x; k < x + 4; k++) row[k + 2] = level[src[k]];
        }
    }
}
void lenet_code_field(real *in, const uint8_t *img32, lenet_coding coding) {
    const real *level = coding == LENET_INPUT_PAPER ? LEVELS_PAPER : LEVELS_UNIT;
    for (int i = 0; i < LENET_IN * LENET_IN; i++) in[i] = level[img32[i]];
}

/* ======================================================================================
 * The network */

/* The dispatch points of the convolutions and full connections: the fast kernels, or under
 * -DLENET_REFERENCE (make REFERENCE=1) the naive loops they replace (layers.h), the same sums
 * in another order, which tests/reference.sh trains against the fast build. */
#ifdef LENET_REFERENCE
#define NET_CONV_FORWARD conv_forward_ref
#define NET_CONV_FORWARD_WIDE conv_forward_ref
#else
#define NET_CONV_FORWARD conv_forward
#define NET_CONV_FORWARD_WIDE conv_forward_wide
#endif

/* conv_backward (square = 0) or conv_backward2 (square = 1) */
static void net_conv_backward(real *din, real *dwt, real *db, const real *dout, const real *in,
                              const real *wt, const unsigned char *table, int cin, int cout,
                              int h, int w, int square) {
#ifdef LENET_REFERENCE
    conv_backward_ref(din, dwt, db, dout, in, wt, table, cin, cout, h, w, square);
#else
    (square ? conv_backward2 : conv_backward)(din, dwt, db, dout, in, wt, table, cin, cout, h, w);
#endif
}

/* linear_backward (square = 0) or linear_backward2 (square = 1) */
static void net_linear_backward(real *din, real *dwt, real *db, const real *dout,
                                const real *in, const real *wt, int nin, int nout, int square) {
#ifdef LENET_REFERENCE
    linear_backward_ref(din, dwt, db, dout, in, wt, nin, nout, square);
#else
    (square ? linear_backward2 : linear_backward)(din, dwt, db, dout, in, wt, nin, nout);
#endif
}

/* net_linear_backward of the first pass, with the SDLM step of wt and b when eps is given
 * (eps: the step sizes of the whole block, m->n; w: m->w.c1w, the block's start) */
static void net_linear_step(real *din, real *wt, real *b, real *dwt, real *db,
                            const real *dout, const real *in, int nin, int nout,
                            const real *eps, const real *w) {
    if (eps)
        linear_backward_sdlm(din, wt, b, dout, in, eps + (wt - w), eps + (b - w), nin, nout);
    else
        net_linear_backward(din, dwt, db, dout, in, wt, nin, nout, 0);
}

/* The coefficients the sub-sampling kernels apply to the block's sum: coef itself (pool=
 * subsample), or coef / 4 into ce (pool=average: a = coef * (the block's mean) + bias). */
static const real *pool_coef(const lenet_model *m, const real *coef, real *ce, int c) {
    if (m->arch.pool != LENET_POOL_AVERAGE) return coef;
    for (int i = 0; i < c; i++) ce[i] = coef[i] * (real)0.25;
    return ce;
}

/* in (1,32,32) -> s4 (16,5,5): the feature extractor of Fig. 2, C1 .. S4; wide: the
 * convolutions and squashings through conv_forward_wide and squash_forward_wide (the same
 * bits; evaluation) */
static void forward_features(const lenet_model *m, lenet_acts *a, int wide) {
    const lenet_params *w = &m->w;
    real ce[S4_N]; /* pool=average: the coefficients / 4 (pool_coef) */
    const lenet_squash f = m->arch.squash;
    void (*const conv)(real *, const real *, const real *, const real *, const unsigned char *,
                       int, int, int, int) = wide ? NET_CONV_FORWARD_WIDE : NET_CONV_FORWARD;
    void (*const squash)(real *, const real *, int, lenet_squash) =
        wide ? squash_forward_wide : squash_forward;
    void (*const subsamp)(real *, const real *, const real *, const real *, int, int, int) =
        wide ? subsamp_forward_wide : subsamp_forward;
    void (*const maxpool)(real *, const real *, int, int, int) =
        wide ? maxpool_forward_wide : maxpool_forward;
    const unsigned char *t3 = &m->table[0][0];
    lenet_layers *A = &a->a, *X = &a->x;
    const int trainable = LENET_POOL_TRAINABLE(m->arch.pool);
    conv(A->c1, X->in, w->c1w, w->c1b, NULL, 1, C1_N, LENET_IN, LENET_IN);
    if (trainable) {
        squash(X->c1, A->c1, C1_N * C1_H * C1_H, f);
        subsamp(A->s2, X->c1, pool_coef(m, w->s2c, ce, S2_N), w->s2b, S2_N, C1_H, C1_H);
    } else {
        maxpool(A->s2, A->c1, S2_N, C1_H, C1_H); /* pool=max: f(max a), see lenet_states */
    }
    squash(X->s2, A->s2, S2_N * S2_H * S2_H, f);
    conv(A->c3, X->s2, w->c3w, w->c3b, t3, S2_N, C3_N, S2_H, S2_H);
    if (trainable) {
        squash(X->c3, A->c3, C3_N * C3_H * C3_H, f);
        subsamp(A->s4, X->c3, pool_coef(m, w->s4c, ce, S4_N), w->s4b, S4_N, C3_H, C3_H);
    } else {
        maxpool(A->s4, A->c3, S4_N, C3_H, C3_H);
    }
    squash(X->s4, A->s4, S4_N * S4_H * S4_H, f);
}

/* pool=max: the forward pass max-pools C1's and C3's pre-activations and squashes the
 * quarter that wins, f(max a) = max f(a) as f increases, and never computes x.c1, x.c3;
 * this fills them, f(a), for whoever shows them (inspect's maps). Otherwise a no-op. */
void lenet_states(const lenet_model *m, lenet_acts *a) {
    if (LENET_POOL_TRAINABLE(m->arch.pool)) return;
    squash_forward(a->x.c1, a->a.c1, C1_N * C1_H * C1_H, m->arch.squash);
    squash_forward(a->x.c3, a->a.c3, C3_N * C3_H * C3_H, m->arch.squash);
}

/* The full connections of n images at once: linear_forward_n, or the reference kernel on
 * each (make REFERENCE=1) */
static void net_linear_forward_n(real *const *out, const real *const *in, const real *wt,
                                 const real *b, int nin, int nout, int n, int wide) {
#ifdef LENET_REFERENCE
    (void)wide;
    for (int q = 0; q < n; q++) linear_forward_ref(out[q], in[q], wt, b, nin, nout);
#else
    (wide ? linear_forward_n_wide : linear_forward_n)(out, in, wt, b, nin, nout, n);
#endif
}

/* in (1,32,32) -> out (10), Fig. 2, for n <= LENET_FORWARD_N images, a[q] each (x.in set):
 * each image through C1 .. S4 in turn, then the full connections of all n at once (the same
 * sums as one at a time); wide: see forward_features */
static void forward_n(const lenet_model *m, lenet_acts *const *a, int n, int wide) {
    assert(n >= 1 && n <= LENET_FORWARD_N);
    const lenet_params *w = &m->w;
    const lenet_squash f = m->arch.squash;
    real *out[LENET_FORWARD_N];
    const real *in[LENET_FORWARD_N];
    for (int q = 0; q < n; q++) {
        forward_features(m, a[q], wide);
        out[q] = a[q]->a.c5, in[q] = a[q]->x.s4;
    }
    net_linear_forward_n(out, in, w->c5w, w->c5b, S4_N * S4_H * S4_H, C5_N, n, wide);
    for (int q = 0; q < n; q++) {
        squash_forward(a[q]->x.c5, a[q]->a.c5, C5_N, f);
        out[q] = a[q]->a.f6, in[q] = a[q]->x.c5;
    }
    net_linear_forward_n(out, in, w->f6w, w->f6b, C5_N, F6_N, n, wide);
    for (int q = 0; q < n; q++) {
        squash_forward(a[q]->x.f6, a[q]->a.f6, F6_N, f);
        out[q] = a[q]->x.out, in[q] = a[q]->x.f6;
        if (m->arch.out == LENET_OUT_RBF) rbf_forward(out[q], in[q], m->codes, F6_N, OUT_N);
    }
    if (m->arch.out == LENET_OUT_LINEAR)
        net_linear_forward_n(out, in, w->ow, w->ob, F6_N, OUT_N, n, wide);
}

/* evaluation takes the 16-lane convolutions where the machine has them, a training step's
 * forward the 8-lane ones (layers.h conv_forward_wide: the same bits either way) */
void lenet_forward_n(const lenet_model *m, lenet_acts *const *a, int n) { forward_n(m, a, n, 1); }
void lenet_forward(const lenet_model *m, lenet_acts *a) { forward_n(m, &a, 1, 0); }

int lenet_predict(const lenet_model *m, const real *out) {
    int best = 0;
    for (int i = 1; i < OUT_N; i++) {
        if (m->arch.out == LENET_OUT_RBF ? out[i] < out[best] : out[i] > out[best]) best = i;
    }
    return best;
}

/* The first (square = 0) and second (square = 1) backward passes of the whole network share
 * this list; the layer calls choose x_backward or x_backward2. g is m->g or m->h. */
typedef void (*subsamp_fn)(real *, real *, real *, const real *, const real *, const real *,
                           int, int, int);
/* the sub-sampling layer's backward pass: first derivatives, or the second-derivative pass
 * in the model's reading of Eq. 23 for the coefficients; din set (each is the only writer of
 * its din: DX c1, c3) */
static subsamp_fn subsamp_pass(const lenet_model *m, int square) {
    if (!square) return subsamp_backward_set;
    return m->hkk_subsample == LENET_HKK_BLOCK ? subsamp_backward2_set : subsamp_backward2_eq23_set;
}

/* The sub-sampling layer's backward pass (first or second derivatives) for either pool. The
 * kernels see the block's sum; under pool=average the coefficient applied to it is coef / 4,
 * so dE/dcoef is the kernel's / 4 and h_coef (the kernel's, in either reading of Eq. 23:
 * each connection's input is x_q / 4, the sum's s / 4) is the kernel's / 16; din and the
 * bias are the kernel's with coef / 4. Accumulates into g like every backward; sets din. */
static void subsamp_back(const lenet_model *m, int square, real *din, real *gcoef, real *gbias,
                         const real *dout, const real *in, const real *coef, int c, int h,
                         int wd) {
    if (m->arch.pool != LENET_POOL_AVERAGE) {
        subsamp_pass(m, square)(din, gcoef, gbias, dout, in, coef, c, h, wd);
        return;
    }
    real ce[S4_N], gc[S4_N] = {0};
    assert(c <= S4_N);
    subsamp_pass(m, square)(din, gc, gbias, dout, in, pool_coef(m, coef, ce, c), c, h, wd);
    const real k = square ? (real)0.0625 : (real)0.25;
    for (int i = 0; i < c; i++) gcoef[i] += k * gc[i];
}

/* eps: NULL, or the SDLM step sizes (m->n) for lenet_backward_sdlm: the full connections'
 * parameters then take their step in the backward pass (linear_backward_sdlm). */
static void net_backprop(lenet_model *m, lenet_acts *a, const real *dout, const real *ddout,
                         int square, const real *eps) {
    const lenet_params *w = &m->w;
    lenet_params *g = square ? &m->h : &m->g;
    const lenet_squash f = m->arch.squash;
    const unsigned char *t3 = &m->table[0][0];
    const lenet_layers *X = &a->x, *A = &a->a;
    lenet_layers *DX = &a->dx, *DA = &a->da;
    /* DX: each layer's derivative accumulates, from zero, s2 and s4 .. f6 (never in or
     * out); c1 and c3, under the trainable sub-sampling, subsamp_back sets (under pool=max
     * they are unused); DA: each is written once, by sq_back, so needs no clearing, but for
     * pool=max's c1 and c3, where the max-pool's backward accumulates */
    const int trainable = LENET_POOL_TRAINABLE(m->arch.pool);
    memset(DX->s2, 0, sizeof DX->s2);
    memset(DX->s4, 0, (size_t)((char *)(DX->f6 + F6_N) - (char *)DX->s4));
    if (!trainable) { /* pool=max: DA c1, c3 accumulate, from maxpool_backward */
        memset(DA->c1, 0, sizeof DA->c1);
        memset(DA->c3, 0, sizeof DA->c3);
    }
    void (*sq_back)(real *, const real *, const real *, int, lenet_squash) =
        square ? squash_backward2_set : squash_backward_set;

    if (m->arch.out == LENET_OUT_RBF) {
        if (square)
            rbf_backward2(DX->f6, ddout, dout, X->f6, m->codes, F6_N, OUT_N);
        else
            rbf_backward(DX->f6, dout, X->f6, m->codes, F6_N, OUT_N);
    } else {
        if (square)
            net_linear_backward(DX->f6, g->ow, g->ob, ddout, X->f6, w->ow, F6_N, OUT_N, 1);
        else
            net_linear_step(DX->f6, w->ow, w->ob, g->ow, g->ob, dout, X->f6, F6_N, OUT_N, eps,
                            w->c1w);
    }
    sq_back(DA->f6, DX->f6, X->f6, F6_N, f);
    if (square)
        net_linear_backward(DX->c5, g->f6w, g->f6b, DA->f6, X->c5, w->f6w, C5_N, F6_N, 1);
    else
        net_linear_step(DX->c5, w->f6w, w->f6b, g->f6w, g->f6b, DA->f6, X->c5, C5_N, F6_N, eps,
                        w->c1w);
    sq_back(DA->c5, DX->c5, X->c5, C5_N, f);
    if (square)
        net_linear_backward(DX->s4, g->c5w, g->c5b, DA->c5, X->s4, w->c5w, S4_N * S4_H * S4_H,
                            C5_N, 1);
    else
        net_linear_step(DX->s4, w->c5w, w->c5b, g->c5w, g->c5b, DA->c5, X->s4,
                        S4_N * S4_H * S4_H, C5_N, eps, w->c1w);
    sq_back(DA->s4, DX->s4, X->s4, S4_N * S4_H * S4_H, f);
    if (trainable) {
        subsamp_back(m, square, DX->c3, g->s4c, g->s4b, DA->s4, X->c3, w->s4c, S4_N, C3_H,
                     C3_H);
        sq_back(DA->c3, DX->c3, X->c3, C3_N * C3_H * C3_H, f);
    } else { /* to each block's first maximum of a (lenet_states) */
        (square ? maxpool_backward2 : maxpool_backward)(DA->c3, DA->s4, A->c3, S4_N, C3_H, C3_H);
    }
    net_conv_backward(DX->s2, g->c3w, g->c3b, DA->c3, X->s2, w->c3w, t3, S2_N, C3_N, S2_H, S2_H,
                      square);
    sq_back(DA->s2, DX->s2, X->s2, S2_N * S2_H * S2_H, f);
    if (trainable) {
        subsamp_back(m, square, DX->c1, g->s2c, g->s2b, DA->s2, X->c1, w->s2c, S2_N, C1_H,
                     C1_H);
        sq_back(DA->c1, DX->c1, X->c1, C1_N * C1_H * C1_H, f);
    } else {
        (square ? maxpool_backward2 : maxpool_backward)(DA->c1, DA->s2, A->c1, S2_N, C1_H, C1_H);
    }
    net_conv_backward(NULL, g->c1w, g->c1b, DA->c1, X->in, w->c1w, NULL, 1, C1_N, LENET_IN,
                      LENET_IN, square);
}

void lenet_backward(lenet_model *m, lenet_acts *a, const real *dout) {
    net_backprop(m, a, dout, NULL, 0, NULL);
}

void lenet_backward2(lenet_model *m, lenet_acts *a, const real *dout, const real *ddout) {
    net_backprop(m, a, dout, ddout, 1, NULL);
}

/* Eq. 18 on the elements k0 .. k1-1 of the block: w_k -= eps_k g_k, g_k = 0 (sdlm_update) */
LENET_HOT
static void net_sdlm_range(real *restrict w, real *restrict g, const real *restrict eps,
                           size_t k0, size_t k1) {
#pragma omp simd
    for (size_t k = k0; k < k1; k++) {
        w[k] -= eps[k] * g[k];
        g[k] = 0;
    }
}

/* lenet_backward, then sdlm_update, in one pass, for m->g zero on entry: the full
 * connections (C5, F6, a linear output; none of their weights shared) step as their
 * gradients are made, which never reach m->g; the rest accumulate there and step after.
 * Each element takes the same operations as in the two calls: the same bits. */
void lenet_backward_sdlm(lenet_model *m, lenet_acts *a, const real *dout, const real *eps) {
    real *w = m->w.c1w, *g = m->g.c1w;
#ifdef LENET_REFERENCE
    net_backprop(m, a, dout, NULL, 0, NULL); /* the reference kernels, then the step */
    net_sdlm_range(w, g, eps, 0, m->n);
#else
    net_backprop(m, a, dout, NULL, 0, eps);
    /* the rest: the tensors before C5 (C1 .. S4); after them the block holds only C5, F6
     * and the linear output's */
    net_sdlm_range(w, g, eps, 0, (size_t)(m->w.c5w - w));
    assert((size_t)(m->w.f6b - w) + F6_N + (m->arch.out == LENET_OUT_LINEAR ? OUT_N * F6_N + OUT_N : 0) == m->n);
#endif
}

/* ======================================================================================
 * Counts (Sec. II-B): parameters, connections (biases count), multiply-adds per image
 * (weights applied; a subsampling unit's 4 additions count as 4, its bias as none). */
void lenet_info(const lenet_model *m, lenet_layer_info info[LENET_NLAYERS]) {
    const long kk = LENET_K * LENET_K;
    const int sub = LENET_POOL_TRAINABLE(m->arch.pool);
    const long c1u = C1_N * C1_H * C1_H, s2u = S2_N * S2_H * S2_H, s4u = S4_N * S4_H * S4_H;
    const long c3fan = m->c3_pairs * kk; /* summed over the 16 maps, per position */
    long params[LENET_NLAYERS] = {0}; /* each layer's tensors, summed */
    for (int t = 0; t < LENET_NTENSORS; t++) params[LENET_TENSOR_LAYER[t]] += (long)m->size[t];
    const long outp = params[6];
    info[0] = (lenet_layer_info){"C1", C1_N, C1_H, C1_H, params[0],
                                 c1u * (kk + 1), c1u * kk};
    info[1] = (lenet_layer_info){sub ? "S2" : "S2 (max)", S2_N, S2_H, S2_H,
                                 params[1], s2u * (4 + sub), s2u * 4};
    info[2] = (lenet_layer_info){"C3", C3_N, C3_H, C3_H, params[2],
                                 C3_H * C3_H * (c3fan + C3_N), C3_H * C3_H * c3fan};
    info[3] = (lenet_layer_info){sub ? "S4" : "S4 (max)", S4_N, S4_H, S4_H,
                                 params[3], s4u * (4 + sub), s4u * 4};
    info[4] = (lenet_layer_info){"C5", C5_N, 1, 1, params[4],
                                 C5_N * (s4u + 1), C5_N * s4u};
    info[5] = (lenet_layer_info){"F6", F6_N, 1, 1, params[5],
                                 F6_N * (C5_N + 1), F6_N * C5_N};
    info[6] = (lenet_layer_info){m->arch.out == LENET_OUT_RBF ? "OUTPUT (RBF)" : "OUTPUT (linear)",
                                 OUT_N, 1, 1, outp,
                                 m->arch.out == LENET_OUT_RBF ? OUT_N * F6_N : outp,
                                 OUT_N * F6_N};
}
