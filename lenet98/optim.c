/* optim.c: SDLM (sdlm.c holds its equations) and mini-batch SGD with momentum, behind the
 * one interface of optim.h. */
#include "optim.h"
#include "sdlm.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

int optim_init(optim *o, const optim_config *c, size_t n) {
    o->c = *c;
    o->n = n;
    o->eps = c->kind == OPTIM_SDLM ? malloc(n * sizeof(real)) : NULL;
    o->vel = c->kind == OPTIM_SGD ? calloc(n, sizeof(real)) : NULL;
    if (!o->eps && !o->vel) return -1;
    return 0;
}

void optim_free(optim *o) {
    free(o->eps);
    free(o->vel);
    o->eps = o->vel = NULL;
}

/* SGD's rate lr_p of pass p = 1..P: constant, or cosine-annealed per pass (torch's
 * CosineAnnealingLR with T_max = P, eta_min = 0, stepped once per pass) */
double optim_rate(const optim *o, long pass, long passes) {
    if (o->c.kind == OPTIM_SDLM) return sdlm_eta((int)pass) * o->c.eta_scale;
    if (o->c.schedule == OPTIM_SCHED_CONST) return o->c.lr;
    return o->c.lr * 0.5 * (1.0 + cos(M_PI * (double)(pass - 1) / (double)passes));
}

void optim_set_h(optim *o, const lenet_model *m, long patterns, double eta) {
    assert(o->c.kind == OPTIM_SDLM && m->n == o->n);
    sdlm_step_sizes(o->eps, m, patterns, eta, o->c.mu, o->c.eps_max);
}

/* Mini-batch SGD with momentum, as torch.optim.SGD (dampening 0, no Nesterov, no weight
 * decay): per batch of B patterns, g = (1/B) sum of the patterns' dE/dw (the last batch of a
 * pass may be shorter and is averaged over its own size), v <- momentum v + g,
 * w <- w - lr_p v. w (n), g (n), v (n); g = 0 after. */
static void sgd_update(lenet_model *m, real *restrict v, long count, double lr,
                       double momentum) {
    real *restrict w = m->w.c1w, *restrict g = m->g.c1w;
    const real inv = (real)(1.0 / (double)count), mom = (real)momentum, rate = (real)lr;
    const size_t n = m->n;
#pragma omp simd
    for (size_t k = 0; k < n; k++) {
        v[k] = mom * v[k] + inv * g[k];
        w[k] -= rate * v[k];
        g[k] = 0;
    }
}

int optim_update(optim *o, lenet_model *m, long pos, long n, double eta) {
    assert(m->n == o->n);
    if (o->c.kind == OPTIM_SDLM) {
        sdlm_update(m, o->eps); /* Eq. 18 */
        return 1;
    }
    if (!((pos + 1) % o->c.batch == 0 || pos + 1 == n)) return 0;
    sgd_update(m, o->vel, pos % o->c.batch + 1, eta, o->c.momentum);
    return 1;
}

void optim_summary(const optim *o, double eta, double *min, double *median, double *max) {
    *min = *median = *max = eta;
    if (o->c.kind == OPTIM_SDLM) sdlm_eps_summary(o->eps, o->n, min, median, max);
}
