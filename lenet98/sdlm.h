/* sdlm.h: stochastic diagonal Levenberg-Marquardt (Sec. III-B, App. C, Eq. 18-27). */
#ifndef SDLM_H
#define SDLM_H
#include "lenet.h"

#define SDLM_MU 0.02 /* Eq. 21 */
/* Our one addition (README, "Choices and deviations"): eps_k <= 0.001, the per-pattern step
 * at which plain gradient descent is stable for this network. Without it the published
 * recipe diverges from the +-2.4/F_i init, where h_kk << mu and eps_k = eta/mu = 0.025. */
#define SDLM_EPS_MAX 0.001
#define SDLM_HESSIAN_SAMPLES 500 /* patterns per h_kk estimate, before each pass */

/* eta of the published schedule for pass p = 1, 2, ...: 0.0005 (1-2), 0.0002 (3-5),
 * 0.0001 (6-8), 0.00005 (9-12), 0.00001 (13 on). */
double sdlm_eta(int pass);

/* Accumulates one pattern's Gauss-Newton d2E/dw_k2 into m->h (Eq. 23-27); runs the forward
 * pass on a->x.in first. Returns the pattern's loss. */
double sdlm_hessian_add(lenet_model *m, lenet_acts *a, loss_kind k, int label, double j);

/* eps (n) = eta / (mu + h_kk / patterns): Eq. 21 with h_kk the average of Eq. 25; at most
 * eps_max when eps_max > 0 (not in the paper: see SDLM_EPS_MAX). */
void sdlm_step_sizes(real *eps, const lenet_model *m, long patterns, double eta, double mu,
                     double eps_max);

/* Eq. 18: w_k -= eps_k dE/dw_k, and clears the gradient for the next pattern (the update and
 * lenet_zero_grad in one pass over the block). */
void sdlm_update(lenet_model *m, const real *eps);

/* min, median and max of eps (n), for the log (the paper: about 7e-5 .. 0.016). */
void sdlm_eps_summary(const real *eps, size_t n, double *min, double *median, double *max);
#endif
