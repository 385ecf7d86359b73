/* sdlm.c: stochastic diagonal Levenberg-Marquardt (Sec. III-B, App. C). */
#include "sdlm.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdlib.h>

double sdlm_eta(int pass) {
    if (pass <= 2) return 0.0005;
    if (pass <= 5) return 0.0002;
    if (pass <= 8) return 0.0001;
    if (pass <= 12) return 0.00005;
    return 0.00001;
}

double sdlm_hessian_add(lenet_model *m, lenet_acts *a, loss_kind k, int label, double j) {
    real dy[OUT_N], ddy[OUT_N];
    lenet_forward(m, a);
    const double e = loss_eval(k, dy, ddy, a->x.out, label, j);
    lenet_backward2(m, a, dy, ddy);
    return e;
}

/* eps (n) from m->h (n) */
LENET_HOT
void sdlm_step_sizes(real *eps, const lenet_model *m, long patterns, double eta, double mu,
                     double eps_max) {
    const real *h = m->h.c1w;
    const double inv = 1.0 / (double)patterns;
    for (size_t k = 0; k < m->n; k++) {
        const double e = eta / (mu + h[k] * inv);
        eps[k] = (real)(eps_max > 0 && e > eps_max ? eps_max : e);
    }
}

/* w (n) -= eps (n) * g (n); g = 0 */
LENET_HOT
void sdlm_update(lenet_model *m, const real *eps) {
    real *restrict w = m->w.c1w, *restrict g = m->g.c1w;
    const size_t n = m->n;
#pragma omp simd
    for (size_t k = 0; k < n; k++) {
        w[k] -= eps[k] * g[k];
        g[k] = 0;
    }
}

void sdlm_eps_summary(const real *eps, size_t n, double *min, double *median, double *max) {
    double *v = malloc(n * sizeof *v);
    if (!v) {
        *min = *median = *max = 0;
        return;
    }
    for (size_t k = 0; k < n; k++) v[k] = eps[k];
    gsl_sort(v, 1, n);
    *min = v[0];
    *max = v[n - 1];
    *median = gsl_stats_median_from_sorted_data(v, 1, n);
    free(v);
}
