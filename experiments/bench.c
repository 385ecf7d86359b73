/* bench.c: `make bench`. On one core: training patterns per second for a full SDLM step
 * (forward, loss, backward, update) and inference images per second, each the median of
 * several timed runs, for the 1998 network and the modern variant. Synthetic digits, so it
 * needs no data; the work per pattern does not depend on the pixel values. */
#include "lenet.h"
#include "sdlm.h"

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

static void bench(const char *name, const lenet_arch *arch, loss_kind loss, gsl_rng *r,
                  const uint8_t *img) {
    lenet_model *m = lenet_alloc(arch);
    lenet_acts *a = lenet_acts_alloc();
    real *eps = malloc(m->n * sizeof(real));
    lenet_init(m, LENET_INIT_PAPER, r);
    for (size_t k = 0; k < m->n; k++) eps[k] = (real)1e-4;
    lenet_zero_grad(m);
    double train[RUNS], infer[RUNS];
    real dy[OUT_N], ddy[OUT_N];
    volatile int sink = 0;
    for (int run = 0; run < RUNS; run++) {
        double t0 = now();
        for (int s = 0; s < STEPS; s++) {
            const int i = s % IMAGES;
            lenet_code_input(a->x.in, img + (size_t)i * 784, arch->input);
            lenet_forward(m, a);
            loss_eval(loss, dy, ddy, a->x.out, i % 10, 1.0);
            lenet_backward(m, a, dy);
            sdlm_update(m, eps);
        }
        train[run] = STEPS / (now() - t0);
        t0 = now();
        for (int s = 0; s < 2 * STEPS; s++) {
            const int i = s % IMAGES;
            lenet_code_input(a->x.in, img + (size_t)i * 784, arch->input);
            lenet_forward(m, a);
            sink += lenet_predict(m, a->x.out);
        }
        infer[run] = 2 * STEPS / (now() - t0);
    }
    printf("%-8s training %8.0f patterns/s   inference %8.0f images/s   (median of %d runs, "
           "one core)\n",
           name, median(train, RUNS), median(infer, RUNS), RUNS);
    (void)sink;
    free(eps);
    lenet_acts_free(a);
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
    bench("lenet5", &LENET_ARCH_LENET5, LOSS_MAP, r, img);
    bench("modern", &LENET_ARCH_MODERN, LOSS_SOFTMAX, r, img);
    free(img);
    gsl_rng_free(r);
    return 0;
}
