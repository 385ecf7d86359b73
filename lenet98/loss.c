/* loss.c: the training criteria of Sec. II-C, each with its gradient and the diagonal of its
 * second derivative with respect to the outputs, where the second-derivative pass (Eq. 27)
 * starts. All three diagonals are exact and >= 0. */
#include "lenet.h"

#include <assert.h>
#include <math.h>

/* Eq. 8: E = y_D, the penalty of the correct class. y (10) -> dy, ddy (10). */
double loss_mse(real *dy, real *ddy, const real *y, int label) {
    assert(label >= 0 && label < OUT_N);
    for (int i = 0; i < OUT_N; i++) {
        dy[i] = i == label;
        ddy[i] = 0;
    }
    return y[label];
}

/* Eq. 9: E = y_D + log(e^-j + sum_i e^-y_i). With p_i = e^-y_i / (e^-j + sum_k e^-y_k):
 * dE/dy_i = [i = D] - p_i, d2E/dy_i2 = p_i (1 - p_i). Computed with the largest exponent
 * factored out, so neither large penalties nor large j overflow. y (10) -> dy, ddy (10). */
double loss_map(real *dy, real *ddy, const real *y, int label, double j) {
    assert(label >= 0 && label < OUT_N);
    double top = -j;
    for (int i = 0; i < OUT_N; i++)
        if (-(double)y[i] > top) top = -(double)y[i];
    double z = exp(-j - top), e[OUT_N];
    for (int i = 0; i < OUT_N; i++) z += e[i] = exp(-(double)y[i] - top);
    for (int i = 0; i < OUT_N; i++) {
        const double p = e[i] / z;
        dy[i] = (real)((i == label) - p);
        ddy[i] = (real)(p * (1 - p));
    }
    return y[label] + top + log(z);
}

/* Cross-entropy of softmax(z): E = -z_D + log sum_i e^z_i; dE/dz_i = p_i - [i = D],
 * d2E/dz_i2 = p_i (1 - p_i). z (10) -> dz, ddz (10). */
double loss_softmax(real *dz, real *ddz, const real *z, int label) {
    assert(label >= 0 && label < OUT_N);
    double top = z[0], s = 0, e[OUT_N];
    for (int i = 1; i < OUT_N; i++)
        if (z[i] > top) top = z[i];
    for (int i = 0; i < OUT_N; i++) s += e[i] = exp((double)z[i] - top);
    for (int i = 0; i < OUT_N; i++) {
        const double p = e[i] / s;
        dz[i] = (real)(p - (i == label));
        ddz[i] = (real)(p * (1 - p));
    }
    return top + log(s) - z[label];
}

double loss_eval(loss_kind k, real *dy, real *ddy, const real *y, int label, double j) {
    switch (k) {
    case LOSS_MSE: return loss_mse(dy, ddy, y, label);
    case LOSS_MAP: return loss_map(dy, ddy, y, label, j);
    default: return loss_softmax(dy, ddy, y, label);
    }
}
