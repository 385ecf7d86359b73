/* sdlm_diag.c: why SDLM as written diverges (README, "Choices and deviations"). For a network
 * (fresh from an init, or a model file) it prints the mean |x| of every layer and the range
 * of h_kk per tensor over 500 training patterns (App. C), and the eps_k range they give; with
 * --trace N it then trains N patterns by SDLM with those eps_k held fixed, printing the
 * error, loss and mean |x| of C5 and F6 every 100 patterns.
 *
 *   build/sdlm_diag [--data DIR] [--seed S] [--init paper|sqrt] [--bias-init] [--mu X]
 *                   [--model FILE] [--trace N]
 */
#include "cli.h"
#include "eval.h"
#include "model.h"
#include "optim.h"
#include "sdlm.h"
#include "trainer.h"

#include <getopt.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double mean_abs(const real *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += fabs(x[i]);
    return s / n;
}

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'}, {"seed", required_argument, 0, 's'},
        {"init", required_argument, 0, 'i'}, {"bias-init", no_argument, 0, 'b'},
        {"mu", required_argument, 0, 'u'},   {"model", required_argument, 0, 'm'},
        {"trace", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = "data", *model = NULL;
    long seed = 1, trace = 0;
    double mu = SDLM_MU;
    int bias_init = 0, c;
    lenet_init_kind init = LENET_INIT_PAPER;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 's': if (cli_long("--seed", optarg, 0, 4294967295L, &seed)) return 2; break;
        case 'i':
            if (strcmp(optarg, "paper") == 0) init = LENET_INIT_PAPER;
            else if (strcmp(optarg, "sqrt") == 0) init = LENET_INIT_SQRT;
            else { fprintf(stderr, "sdlm_diag: --init paper|sqrt\n"); return 2; }
            break;
        case 'b': bias_init = 1; break;
        case 'u': if (cli_double("--mu", optarg, 1e-9, 1e6, &mu)) return 2; break;
        case 'm': model = optarg; break;
        case 't': if (cli_long("--trace", optarg, 0, 60000, &trace)) return 2; break;
        case 'h':
            printf("usage: sdlm_diag [--data DIR] [--seed S] [--init paper|sqrt] [--bias-init]\n"
                   "                 [--mu X] [--model FILE] [--trace N]\n");
            return 0;
        default: return 2;
        }
    }
    char err[1024];
    mnist_set tr;
    if (mnist_load(&tr, data, "train", err, sizeof err) != 0) {
        fprintf(stderr, "sdlm_diag: %s\n", err);
        return 1;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, (unsigned long)seed);
    lenet_model *m = model ? model_load(model, NULL, err, sizeof err) : lenet_alloc(&LENET_ARCH_LENET5);
    if (!m) {
        fprintf(stderr, "sdlm_diag: %s\n", err);
        return 1;
    }
    if (!model) {
        lenet_init(m, init, r);
        if (bias_init) /* biases like weights: U(+-2.4/F_i) */
            for (int t = 0; t < LENET_NTENSORS; t++) {
                if (!LENET_TENSOR_BIAS[t]) continue;
                real *b = lenet_tensor(&m->w, t);
                for (size_t i = 0; i < m->size[t]; i++) {
                    int fan = lenet_fan_in(m, t);
                    if (t == LENET_T_c3b) {
                        fan = 0;
                        for (int k = 0; k < S2_N; k++) fan += m->table[i][k] * LENET_K * LENET_K;
                    }
                    const double u = gsl_rng_uniform(r);
                    b[i] = (real)((2 * u - 1) * 2.4 / fan);
                }
            }
    }
    lenet_acts *a = lenet_acts_alloc();
    /* SDLM with the pass-1 eta of the schedule, mu as given, no eps_k bound */
    const optim_config oc = {OPTIM_SDLM, mu, 1.0, 0, 0, 0, 1, OPTIM_SCHED_CONST, LENET_HKK_EQ23};
    optim o;
    if (!a || optim_init(&o, &oc, m->n) != 0) {
        fprintf(stderr, "sdlm_diag: out of memory\n");
        return 1;
    }
    const double eta = optim_rate(&o, 1, 1);
    const int H = SDLM_HESSIAN_SAMPLES;
    double ma[6] = {0};
    memset(m->h.c1w, 0, m->n * sizeof(real));
    for (int i = 0; i < H; i++) {
        eval_pattern(a->x.in, &tr, i, m->arch.input);
        sdlm_hessian_add(m, a, LOSS_MAP, tr.labels[i], 1.0);
        lenet_states(m, a); /* pool=max: x.c1, x.c3 too */
        ma[0] += mean_abs(a->x.c1, C1_N * C1_H * C1_H) / H;
        ma[1] += mean_abs(a->x.s2, S2_N * S2_H * S2_H) / H;
        ma[2] += mean_abs(a->x.c3, C3_N * C3_H * C3_H) / H;
        ma[3] += mean_abs(a->x.s4, S4_N * S4_H * S4_H) / H;
        ma[4] += mean_abs(a->x.c5, C5_N) / H;
        ma[5] += mean_abs(a->x.f6, F6_N) / H;
    }
    printf("mean |x| over %d patterns: C1 %.3g  S2 %.3g  C3 %.3g  S4 %.3g  C5 %.3g  F6 %.3g\n",
           H, ma[0], ma[1], ma[2], ma[3], ma[4], ma[5]);
    printf("h_kk per tensor (min / median / max, and how many below 0.01):\n");
    for (int t = 0; t < LENET_NTENSORS; t++) {
        if (!m->size[t]) continue;
        double *v = malloc(m->size[t] * sizeof *v);
        const real *h = lenet_tensor(&m->h, t);
        size_t small = 0;
        for (size_t i = 0; i < m->size[t]; i++) small += (v[i] = h[i] / H) < 0.01;
        gsl_sort(v, 1, m->size[t]);
        printf("  %-4s %9.3g %9.3g %9.3g   %zu of %zu\n", LENET_TENSOR_NAMES[t], v[0],
               v[m->size[t] / 2], v[m->size[t] - 1], small, m->size[t]);
        free(v);
    }
    optim_set_h(&o, m, H, eta);
    double mn, md, mx;
    optim_summary(&o, eta, &mn, &md, &mx);
    printf("pass-1 eps_k with mu = %g: min %.3g median %.3g max %.3g (paper: about 7e-5 .. "
           "0.016)\n", mu, mn, md, mx);
    /* --trace: SDLM on patterns H.. with these eps_k */
    double loss = 0, c5 = 0, f6 = 0;
    int errors = 0;
    lenet_zero_grad(m);
    for (long p = 0; p < trace; p++) {
        const long k = (H + p) % tr.n;
        int pred, stepped;
        eval_pattern(a->x.in, &tr, k, m->arch.input);
        loss += lenet_train_step(m, a, &o, LOSS_MAP, 1.0, tr.labels[k], p, trace, eta, &pred,
                                 &stepped);
        errors += pred != tr.labels[k];
        c5 += mean_abs(a->x.c5, C5_N); /* the forward pass's states, before the update */
        f6 += mean_abs(a->x.f6, F6_N);
        if (p % 100 == 99) {
            printf("patterns %5ld..%5ld: error %3d%%  mean loss %7.2f  mean |x| C5 %.3f F6 %.3f\n",
                   p - 98, p + 1, errors, loss / 100, c5 / 100, f6 / 100);
            loss = c5 = f6 = 0;
            errors = 0;
        }
    }
    optim_free(&o);
    lenet_acts_free(a);
    lenet_free(m);
    gsl_rng_free(r);
    mnist_free(&tr);
    return 0;
}
