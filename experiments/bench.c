/* bench.c: `make bench`. On one core: training patterns per second for a full SDLM step
 * (forward, loss, backward, update) and inference images per second, each the median of
 * several timed runs, for the 1998 network and the modern variant. Synthetic digits, so it
 * needs no data; the work per pattern does not depend on the pixel values. Each figure is
 * also given in multiply-adds per second (counted from the layer sizes, lenet_info) and as a
 * fraction of this core's single-precision multiply-add peak, measured first with a short
 * loop of independent fused multiply-adds in the widest vectors the CPU offers. */
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
    double train[RUNS], infer[RUNS], infer1[RUNS];
    volatile int sink = 0;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now();
        for (int s = 0; s < STEPS; s++) {
            const int i = s % IMAGES;
            lenet_code_input(a->x.in, img + (size_t)i * 784, arch->input);
            int pred, stepped;
            lenet_train_step(m, a, &o, loss, 1.0, i % 10, s, STEPS, 0, &pred, &stepped);
            sink += pred;
        }
        train[run] = STEPS / (now() - t0);
        t0 = now();
        for (int s = 0; s < 2 * STEPS; s++) {
            const int i = s % IMAGES;
            lenet_code_input(a->x.in, img + (size_t)i * 784, arch->input);
            lenet_forward(m, a);
            sink += lenet_predict(m, a->x.out);
        }
        infer1[run] = 2 * STEPS / (now() - t0);
        t0 = now();
        for (int s = 0; s < 2 * STEPS; s += LENET_FORWARD_N) {
            for (int q = 0; q < LENET_FORWARD_N; q++)
                lenet_code_input(an[q]->x.in, img + (size_t)((s + q) % IMAGES) * 784,
                                 arch->input);
            lenet_forward_n(m, an, LENET_FORWARD_N);
            for (int q = 0; q < LENET_FORWARD_N; q++) sink += lenet_predict(m, an[q]->x.out);
        }
        infer[run] = 2 * STEPS / (now() - t0);
    }
    const double tr = median(train, RUNS), inf = median(infer, RUNS), inf1 = median(infer1, RUNS);
    printf("%-8s training %8.0f patterns/s   inference %8.0f images/s (%d at once, as "
           "evaluation runs; one at a time %.0f)   (median of %d runs, one core)\n",
           name, tr, inf, LENET_FORWARD_N, inf1, RUNS);
    double mi, mt;
    macs_per_pattern(m, &mi, &mt);
    printf("%-8s training %6.2f GMAC/s (%.0f MACs a step, %4.1f%% of peak)   inference %6.2f "
           "GMAC/s (%.0f MACs an image, %4.1f%% of peak)\n",
           name, tr * mt * 1e-9, mt, 100 * tr * mt / peak, inf * mi * 1e-9, mi,
           100 * inf * mi / peak);
    (void)sink;
    optim_free(&o);
    lenet_acts_free(a);
    for (int q = 0; q < LENET_FORWARD_N; q++) lenet_acts_free(an[q]);
    lenet_free(m);
}

int main(void) {
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
