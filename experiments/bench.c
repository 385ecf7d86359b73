/* bench.c: `make bench`. On one core: training patterns per second for a full SDLM step
 * (forward, loss, backward, update) and inference images per second, each the median of
 * several timed runs, for the 1998 network and the modern variant. Synthetic digits, so it
 * needs no data; the work per pattern does not depend on the pixel values. Each figure is
 * also given in multiply-adds per second (counted from the layer sizes, lenet_info) and as a
 * fraction of this core's single-precision multiply-add peak, measured first with a short
 * loop of independent fused multiply-adds in the widest vectors the CPU offers. */
#include "layers.h"
#include "lenet.h"
#include "optim.h"
#include "trainer.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { IMAGES = 256, STEPS = 4000, RUNS = 7 };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double median(double *v, size_t n) {
    gsl_sort(v, 1, n);
    return gsl_stats_median_from_sorted_data(v, 1, n);
}

/* ---- the multiply-add peak ------------------------------------------------------------
 * ACC independent accumulators of vectors v (enough to cover the FMA latency on two units),
 * each updated acc = acc * a + b, ITER times: ACC * ITER * lanes multiply-adds. */
enum { FMA_ITER = 1 << 22 };
#define FMA_LOOP(vec_t, ACC)                                                               \
    do {                                                                                   \
        vec_t acc[ACC];                                                                    \
        for (int j = 0; j < ACC; j++) acc[j] = (vec_t){0} + (float)(j + 1) * 1e-3f;         \
        const vec_t a = (vec_t){0} + 0.999999f, b = (vec_t){0} + 1e-7f;                      \
        for (long it = 0; it < FMA_ITER; it++)                                             \
            for (int j = 0; j < ACC; j++) acc[j] = acc[j] * a + b;                         \
        float s = 0;                                                                       \
        for (int j = 0; j < ACC; j++)                                                      \
            for (size_t l = 0; l < sizeof(vec_t) / sizeof(float); l++) s += acc[j][l];     \
        return s;                                                                          \
    } while (0)
typedef float v8 __attribute__((vector_size(32)));
typedef float v16 __attribute__((vector_size(64)));
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
#define FMA_X86 1
__attribute__((target("arch=x86-64-v4"))) static float fma_loop512(void) { FMA_LOOP(v16, 12); }
__attribute__((target("arch=x86-64-v3"))) static float fma_loop256(void) { FMA_LOOP(v8, 12); }
#endif
static float fma_loop_plain(void) { FMA_LOOP(v8, 12); } /* whatever this build targets */

/* single-precision multiply-adds per second of one core (best of RUNS); *isa names the loop */
static double fma_peak(const char **isa) {
    float (*loop)(void) = fma_loop_plain;
    long lanes = 8;
    *isa = "baseline";
#ifdef FMA_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        loop = fma_loop512, lanes = 16, *isa = "AVX-512";
    } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        loop = fma_loop256, *isa = "AVX2+FMA";
    }
#endif
    double best = 0;
    volatile float sink = 0;
    for (int run = 0; run < RUNS; run++) {
        const double t0 = now();
        sink += loop();
        const double rate = 12.0 * FMA_ITER * lanes / (now() - t0);
        if (rate > best) best = rate;
    }
    (void)sink;
    return best;
}

/* multiply-adds per pattern: forward (lenet_info), and for training the backward pass too:
 * each layer's weight gradient (as many as its forward, none for the fixed RBF centres) and
 * its input derivative (as many, none for C1, whose input is the image), plus the SDLM
 * update's one per parameter */
static void macs_per_pattern(const lenet_model *m, double *infer, double *train) {
    lenet_layer_info info[LENET_NLAYERS];
    lenet_info(m, info);
    double f = 0, b = 0;
    for (int l = 0; l < LENET_NLAYERS; l++) {
        f += (double)info[l].macs;
        const int fixed = l == LENET_NLAYERS - 1 && m->arch.out == LENET_OUT_RBF;
        b += (fixed ? 0 : (double)info[l].macs) + (l == 0 ? 0 : (double)info[l].macs);
    }
    *infer = f;
    *train = f + b + (double)m->n;
}

static double peak; /* multiply-adds per second, from fma_peak */

/* ---- per layer ------------------------------------------------------------------------
 * The kernels of a LeNet-5 (1998) training step (lenet_train_step under SDLM: forward, loss,
 * backward with the full connections' fused step, then the step of the rest), each at its
 * sizes and with the arguments net.c gives it, timed two ways: in the step (the kernels in
 * the step's order, image after image, a clock reading between two: what each costs where
 * the others have had the caches before it), and alone (one kernel LCALLS times in a row, its
 * data in the caches). Each is the least over LRUNS rounds of the mean time of a call (the
 * least disturbed reading of a noisy machine). */
enum { LRUNS = 15, LCALLS = 200 };

typedef struct {
    lenet_model *m;
    lenet_acts *a;
    real *eps;
    const uint8_t *img; /* this step's image (28x28) */
    int label;
    real dy[OUT_N], ddy[OUT_N];
} lctx;

#define L_KERNELS(L_)                                                                      \
    L_(IN, "input coding (-0.1 / 1.175)", lenet_code_input(X->in, c->img, m->arch.input), 0) \
    L_(C1, "forward (conv)", conv_forward(A->c1, X->in, w->c1w, w->c1b, NULL, 1, C1_N,     \
                                          LENET_IN, LENET_IN), c1u * kk)                   \
    L_(C1, "tanh", squash_forward(X->c1, A->c1, c1u, f), 0)                                \
    L_(S2, "forward", subsamp_forward(A->s2, X->c1, w->s2c, w->s2b, S2_N, C1_H, C1_H), 0)   \
    L_(S2, "tanh", squash_forward(X->s2, A->s2, s2u, f), 0)                                \
    L_(C3, "forward (conv, Table I)", conv_forward(A->c3, X->s2, w->c3w, w->c3b, t3, S2_N,  \
                                                   C3_N, S2_H, S2_H), c3m)                 \
    L_(C3, "tanh", squash_forward(X->c3, A->c3, c3u, f), 0)                                \
    L_(S4, "forward", subsamp_forward(A->s4, X->c3, w->s4c, w->s4b, S4_N, C3_H, C3_H), 0)   \
    L_(S4, "tanh", squash_forward(X->s4, A->s4, s4u, f), 0)                                \
    L_(C5, "forward (full)", linear_forward_n(&o5, &i5, w->c5w, w->c5b, s4u, C5_N, 1),      \
       s4u * C5_N)                                                                         \
    L_(C5, "tanh", squash_forward(X->c5, A->c5, C5_N, f), 0)                               \
    L_(F6, "forward (full)", linear_forward_n(&o6, &i6, w->f6w, w->f6b, C5_N, F6_N, 1),     \
       C5_N * F6_N)                                                                        \
    L_(F6, "tanh", squash_forward(X->f6, A->f6, F6_N, f), 0)                               \
    L_(OUT, "forward (RBF)", rbf_forward(X->out, X->f6, m->codes, F6_N, OUT_N), 0)          \
    L_(OUT, "loss (MAP, Eq. 9)", loss_eval(LOSS_MAP, c->dy, c->ddy, X->out, c->label, 1.0), \
       0)                                                                                  \
    L_(ALL, "clear dE/dx (S2, S4 .. F6)",                                                  \
       (memset(DX->s2, 0, sizeof DX->s2),                                                  \
        memset(DX->s4, 0, (size_t)((char *)(DX->f6 + F6_N) - (char *)DX->s4))), 0)        \
    L_(OUT, "backward (RBF)", rbf_backward(DX->f6, c->dy, X->f6, m->codes, F6_N, OUT_N), 0) \
    L_(F6, "tanh backward", squash_backward_set(DA->f6, DX->f6, X->f6, F6_N, f), 0)         \
    L_(F6, "backward + SDLM step", linear_backward_sdlm(DX->c5, w->f6w, w->f6b, DA->f6,      \
       X->c5, c->eps + (w->f6w - w0), c->eps + (w->f6b - w0), C5_N, F6_N), 3 * C5_N * F6_N)  \
    L_(C5, "tanh backward", squash_backward_set(DA->c5, DX->c5, X->c5, C5_N, f), 0)         \
    L_(C5, "backward + SDLM step", linear_backward_sdlm(DX->s4, w->c5w, w->c5b, DA->c5,      \
       X->s4, c->eps + (w->c5w - w0), c->eps + (w->c5b - w0), s4u, C5_N), 3 * s4u * C5_N)    \
    L_(S4, "tanh backward", squash_backward_set(DA->s4, DX->s4, X->s4, s4u, f), 0)          \
    L_(S4, "backward", subsamp_backward_set(DX->c3, g->s4c, g->s4b, DA->s4, X->c3, w->s4c,   \
                                            S4_N, C3_H, C3_H), 0)                          \
    L_(C3, "tanh backward", squash_backward_set(DA->c3, DX->c3, X->c3, c3u, f), 0)          \
    L_(C3, "backward (conv: din + dw)", conv_backward(DX->s2, g->c3w, g->c3b, DA->c3, X->s2, \
                                                      w->c3w, t3, S2_N, C3_N, S2_H, S2_H), \
       2 * c3m)                                                                            \
    L_(S2, "tanh backward", squash_backward_set(DA->s2, DX->s2, X->s2, s2u, f), 0)          \
    L_(S2, "backward", subsamp_backward_set(DX->c1, g->s2c, g->s2b, DA->s2, X->c1, w->s2c,   \
                                            S2_N, C1_H, C1_H), 0)                          \
    L_(C1, "tanh backward", squash_backward_set(DA->c1, DX->c1, X->c1, c1u, f), 0)          \
    L_(C1, "backward (conv: dw)", conv_backward(NULL, g->c1w, g->c1b, DA->c1, X->in, w->c1w, \
                                                NULL, 1, C1_N, LENET_IN, LENET_IN), c1u * kk) \
    L_(ALL, "SDLM step of C1 .. S4 (Eq. 18)", sdlm_rest(w0, g0, c->eps, nrest), 0)

enum {
#define L_COUNT(layer, what, call, macs) +1
    L_N = 0 L_KERNELS(L_COUNT)
#undef L_COUNT
};

/* w_k -= eps_k g_k, g_k = 0 for the first n parameters (net.c's net_sdlm_range) */
static void sdlm_rest(real *restrict w, real *restrict g, const real *restrict eps, size_t n) {
    for (size_t k = 0; k < n; k++) {
        w[k] -= eps[k] * g[k];
        g[k] = 0;
    }
}

/* kernel k (the order of L_KERNELS), calls times */
static void lkernel(lctx *c, int k, int calls) {
    lenet_model *m = c->m;
    const lenet_params *w = &m->w, *g = &m->g;
    real *w0 = m->w.c1w, *g0 = m->g.c1w;
    const size_t nrest = (size_t)(m->w.c5w - w0);
    lenet_layers *A = &c->a->a, *X = &c->a->x, *DX = &c->a->dx, *DA = &c->a->da;
    const lenet_squash f = m->arch.squash;
    const unsigned char *t3 = &m->table[0][0];
    real *o5 = A->c5, *o6 = A->f6;
    const real *i5 = X->s4, *i6 = X->c5;
    const int c1u = C1_N * C1_H * C1_H, s2u = S2_N * S2_H * S2_H, c3u = C3_N * C3_H * C3_H;
    const int s4u = S4_N * S4_H * S4_H;
    int i = 0;
#define L_CASE(layer, what, call, macs)                                                    \
    if (k == i++) {                                                                        \
        for (int n = 0; n < calls; n++) (void)(call);                                      \
        return;                                                                            \
    }
    L_KERNELS(L_CASE)
#undef L_CASE
}

/* the table: a row a kernel, in the step and alone (microseconds a call; for the
 * convolutions and full connections also multiply-adds per second and the fraction of
 * peak, in the step), the rows' sums, and lenet_train_step's own time */
static void layers(lenet_model *m, lenet_acts *a, optim *o, const uint8_t *img) {
    static const char *const layer[] = {
#define L_LAYER(l, what, call, macs) #l,
        L_KERNELS(L_LAYER)
#undef L_LAYER
    };
    static const char *const what[] = {
#define L_WHAT(l, w, call, macs) w,
        L_KERNELS(L_WHAT)
#undef L_WHAT
    };
    const long kk = LENET_K * LENET_K, c1u = C1_N * C1_H * C1_H, s4u = S4_N * S4_H * S4_H;
    const long c3m = (long)m->c3_pairs * kk * C3_H * C3_H;
    const double macs[] = {
#define L_MACS(l, w, call, mc) (double)(mc),
        L_KERNELS(L_MACS)
#undef L_MACS
    };
    (void)c1u, (void)s4u, (void)c3m;
    /* one real step first, so that every activation and derivative holds a step's values;
     * then step sizes too small to move the weights */
    int pred, stepped;
    lenet_code_input(a->x.in, img, m->arch.input);
    lenet_train_step(m, a, o, LOSS_MAP, 1.0, 3, 0, 1, 0, &pred, &stepped);
    for (size_t k = 0; k < m->n; k++) o->eps[k] = (real)1e-7;
    lctx c = {m, a, o->eps, img, 3, {0}, {0}};
    double seq[L_N], alone[L_N], step = 1e9, tick = 1e9;
    for (int k = 0; k < L_N; k++) seq[k] = alone[k] = 1e9;
    for (int run = 0; run < LRUNS; run++) {
        double sum[L_N] = {0};
        for (int s = 0; s < LCALLS; s++) {
            c.img = img + (size_t)(s % IMAGES) * 784, c.label = s % 10;
            double t = now();
            for (int k = 0; k < L_N; k++) {
                lkernel(&c, k, 1);
                const double t1 = now();
                sum[k] += t1 - t;
                t = t1;
            }
        }
        for (int k = 0; k < L_N; k++)
            if (sum[k] / LCALLS < seq[k]) seq[k] = sum[k] / LCALLS;
        for (int k = 0; k < L_N; k++) {
            const double t0 = now();
            lkernel(&c, k, LCALLS);
            const double t = (now() - t0) / LCALLS;
            if (t < alone[k]) alone[k] = t;
        }
        double t0 = now();
        for (int s = 0; s < LCALLS; s++) {
            lenet_code_input(a->x.in, img + (size_t)(s % IMAGES) * 784, m->arch.input);
            lenet_train_step(m, a, o, LOSS_MAP, 1.0, s % 10, s, LCALLS, 0, &pred, &stepped);
        }
        const double t = (now() - t0) / LCALLS;
        if (t < step) step = t;
        t0 = now();
        for (int s = 0; s < LCALLS; s++) (void)now();
        if ((now() - t0) / LCALLS < tick) tick = (now() - t0) / LCALLS;
    }
    printf("lenet5   a training step, kernel by kernel (us a call, the least mean of %d rounds "
           "of %d): in the step's order, and alone (the same call %d times in a row)\n",
           LRUNS, LCALLS, LCALLS);
    printf("         %-4s %-31s %8s %8s %7s %8s\n", "", "", "in step", "GMAC/s", "peak",
           "alone");
    double ss = 0, sa = 0;
    for (int k = 0; k < L_N; k++) {
        ss += seq[k], sa += alone[k];
        printf("         %-4s %-31s %8.2f ", layer[k], what[k], 1e6 * seq[k]);
        if (macs[k] > 0)
            printf("%8.2f %6.1f%% ", macs[k] / seq[k] * 1e-9, 100 * macs[k] / seq[k] / peak);
        else
            printf("%8s %7s ", "", "");
        printf("%8.2f\n", 1e6 * alone[k]);
    }
    printf("         %-36s %8.2f %17s %8.2f   (each in-step row includes one clock reading, "
           "%.3f us)\n", "sum", 1e6 * ss, "", 1e6 * sa, 1e6 * tick);
    printf("         %-36s %8.2f   (lenet_train_step itself, with its input coding)\n", "step",
           1e6 * step);
}

static void bench(const char *name, const lenet_arch *arch, loss_kind loss, gsl_rng *r,
                  const uint8_t *img) {
    lenet_model *m = lenet_alloc(arch);
    lenet_acts *a = lenet_acts_alloc(), *an[LENET_FORWARD_N];
    int ok = a != NULL;
    for (int q = 0; q < LENET_FORWARD_N; q++) ok &= (an[q] = lenet_acts_alloc()) != NULL;
    const optim_config oc = {OPTIM_SDLM, 0.02, 1.0, 0, 0, 0, 1, OPTIM_SCHED_CONST, LENET_HKK_EQ23};
    optim o;
    if (!m || !ok || optim_init(&o, &oc, m->n) != 0) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    lenet_init(m, LENET_INIT_PAPER, r);
    for (size_t k = 0; k < m->n; k++) o.eps[k] = (real)1e-4;
    lenet_zero_grad(m);
    /* on a machine with the 16-lane kernels (layers_wide), every run is taken with them and
     * without them in turn, so the two are compared in one run (they give the same bits) */
    const int wide = layers_wide();
    double train[2][RUNS], infer[2][RUNS], infer1[2][RUNS];
    volatile int sink = 0;
    for (int run = 0; run < RUNS; run++)
        for (int wv = 0; wv <= wide; wv++) {
            layers_set_wide(wv);
            double t0 = now();
            for (int s = 0; s < STEPS; s++) {
                const int i = s % IMAGES;
                lenet_code_input(a->x.in, img + (size_t)i * 784, arch->input);
                int pred, stepped;
                lenet_train_step(m, a, &o, loss, 1.0, i % 10, s, STEPS, 0, &pred, &stepped);
                sink += pred;
            }
            train[wv][run] = STEPS / (now() - t0);
            t0 = now();
            for (int s = 0; s < 2 * STEPS; s++) {
                const int i = s % IMAGES;
                lenet_code_input(a->x.in, img + (size_t)i * 784, arch->input);
                lenet_forward(m, a);
                sink += lenet_predict(m, a->x.out);
            }
            infer1[wv][run] = 2 * STEPS / (now() - t0);
            t0 = now();
            for (int s = 0; s < 2 * STEPS; s += LENET_FORWARD_N) {
                for (int q = 0; q < LENET_FORWARD_N; q++)
                    lenet_code_input(an[q]->x.in, img + (size_t)((s + q) % IMAGES) * 784,
                                     arch->input);
                lenet_forward_n(m, an, LENET_FORWARD_N);
                for (int q = 0; q < LENET_FORWARD_N; q++) sink += lenet_predict(m, an[q]->x.out);
            }
            infer[wv][run] = 2 * STEPS / (now() - t0);
        }
    layers_set_wide(wide);
    const double tr = median(train[wide], RUNS), inf = median(infer[wide], RUNS),
                 inf1 = median(infer1[wide], RUNS);
    printf("%-8s training %8.0f patterns/s   inference %8.0f images/s (%d at once, as "
           "evaluation runs; one at a time %.0f)   (median of %d runs, one core)\n",
           name, tr, inf, LENET_FORWARD_N, inf1, RUNS);
    if (wide)
        printf("%-8s training %8.0f patterns/s   inference %8.0f images/s (%d at once; one at "
               "a time %.0f)   without the 16-lane kernels (the same bits), in the same runs\n",
               name, median(train[0], RUNS), median(infer[0], RUNS), LENET_FORWARD_N,
               median(infer1[0], RUNS));
    double mi, mt;
    macs_per_pattern(m, &mi, &mt);
    printf("%-8s training %6.2f GMAC/s (%.0f MACs a step, %4.1f%% of peak)   inference %6.2f "
           "GMAC/s (%.0f MACs an image, %4.1f%% of peak)\n",
           name, tr * mt * 1e-9, mt, 100 * tr * mt / peak, inf * mi * 1e-9, mi,
           100 * inf * mi / peak);
    if (loss == LOSS_MAP) layers(m, a, &o, img);
    (void)sink;
    optim_free(&o);
    lenet_acts_free(a);
    for (int q = 0; q < LENET_FORWARD_N; q++) lenet_acts_free(an[q]);
    lenet_free(m);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        const int help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        fprintf(help ? stdout : stderr,
                "%susage: bench (make bench: OMP_NUM_THREADS=1 build/bench)\n"
                "One core: this core's multiply-add peak, then for LeNet-5 and the modern variant\n"
                "training patterns/s and inference images/s (medians of %d runs, also as\n"
                "multiply-adds/s and a fraction of the peak), and LeNet-5's training step kernel\n"
                "by kernel. No options; no data needed (synthetic digits).\n",
                help ? "" : "bench: takes no arguments\n", RUNS);
        return help ? 0 : 2;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1);
    uint8_t *img = malloc((size_t)IMAGES * 784);
    for (size_t i = 0; i < (size_t)IMAGES * 784; i++) {
        const int x = (int)(i % 28), y = (int)(i / 28 % 28);
        const unsigned long u = gsl_rng_uniform_int(r, 256);
        img[i] = (x > 6 && x < 22 && y > 4 && y < 24) ? (uint8_t)u : 0;
    }
    const char *isa;
    peak = fma_peak(&isa);
    printf("peak     %.1f GMAC/s single precision, one core (%s fused multiply-add loop)\n",
           peak * 1e-9, isa);
    bench("lenet5", &LENET_ARCH_LENET5, LOSS_MAP, r, img);
    bench("modern", &LENET_ARCH_MODERN, LOSS_SOFTMAX, r, img);
    free(img);
    gsl_rng_free(r);
    return 0;
}
