/* sdlm.h: stochastic diagonal Levenberg-Marquardt (Sec. III-B, App. C, Eq. 18-27). */
#ifndef SDLM_H
#define SDLM_H
#include "lenet.h"

#define SDLM_MU_PAPER 0.02 /* Eq. 21 as published: diverges from the +-2.4/F_i init */
/* Our default (README, "Choices and deviations"): the largest first-pass step eta/mu equals
 * 0.001, the per-pattern step at which plain gradient descent is stable for this network. */
#define SDLM_MU 0.5
#define SDLM_HESSIAN_SAMPLES 500 /* patterns per h_kk estimate, before each pass */

/* eta of the published schedule for pass p = 1, 2, ...: 0.0005 (1-2), 0.0002 (3-5),
 * 0.0001 (6-8), 0.00005 (9-12), 0.00001 (13 on). */
double sdlm_eta(int pass);

/* Accumulates one pattern's Gauss-Newton d2E/dw_k2 into m->h (Eq. 23-27); runs the forward
 * pass on a->x.in first. Returns the pattern's loss. */
double sdlm_hessian_add(lenet_model *m, lenet_acts *a, loss_kind k, int label, double j);

/* eps (n) = eta / (mu + h_kk / patterns): Eq. 21 with h_kk the average of Eq. 25. */
void sdlm_step_sizes(real *eps, const lenet_model *m, long patterns, double eta, double mu);

/* Eq. 18: w_k -= eps_k dE/dw_k, and clears the gradient for the next pattern (the update and
 * lenet_zero_grad in one pass over the block). */
void sdlm_update(lenet_model *m, const real *eps);

/* min, median and max of eps (n), for the log (the paper: about 7e-5 .. 0.016). */
void sdlm_eps_summary(const real *eps, size_t n, double *min, double *median, double *max);
#endif
