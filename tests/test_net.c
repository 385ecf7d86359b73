/* test_net.c: the whole network. Gradients of Eq. 8, Eq. 9 (1998 network) and softmax
 * cross-entropy (modern) against central differences (double build); the second-derivative
 * pass: >= 0 everywhere, and equal to finite differences where Eq. 27 is exact at the top of
 * the network; the init rule; determinism of init by seed. */
#include "check.h"
#include "layers.h"
#include "lenet.h"
#include "sdlm.h"

#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

/* a random 28x28 "digit": a blob of ink on background */
static void random_image(uint8_t *img, gsl_rng *r) {
    for (int i = 0; i < 28 * 28; i++) {
        const int y = i / 28, x = i % 28;
        const double d = (y - 14) * (y - 14) + (x - 14) * (x - 14);
        const double u = gsl_rng_uniform(r);
        img[i] = d < 60 ? (uint8_t)(128 + 127 * u) : (d < 90 ? (uint8_t)(255 * u) : 0);
    }
}

#ifdef LENET_DOUBLE
static double net_loss(lenet_model *m, lenet_acts *a, loss_kind k, int label, double j) {
    real dy[OUT_N], ddy[OUT_N];
    lenet_forward(m, a);
    return loss_eval(k, dy, ddy, a->x.out, label, j);
}

static void check_net_gradient(const lenet_arch *arch, loss_kind k, const char *name,
                               gsl_rng *r) {
    lenet_model *m = lenet_alloc(arch);
    lenet_acts *a = lenet_acts_alloc();
    /* torch-style init, doubled: activations of order 1 so every layer's gradient is well
     * above the finite-difference noise (the paper's init makes the lower layers' tiny) */
    lenet_init(m, LENET_INIT_TORCH, r);
    for (size_t i = 0; i < m->n; i++) m->w.c1w[i] *= 2;
    uint8_t img[28 * 28];
    random_image(img, r);
    lenet_code_input(a->x.in, img, arch->input);
    const int label = 4;
    const double j = 1.0;
    real dy[OUT_N], ddy[OUT_N];
    lenet_forward(m, a);
    loss_eval(k, dy, ddy, a->x.out, label, j);
    lenet_zero_grad(m);
    lenet_backward(m, a, dy);
    int worst_t = -1;
    double worst = 0;
    int checked = 0, bad = 0;
    for (int t = 0; t < LENET_NTENSORS; t++) {
        real *w = lenet_tensor(&m->w, t), *g = lenet_tensor(&m->g, t);
        for (int s = 0; s < 12 && m->size[t]; s++) {
            const size_t i = s < 4 ? (size_t)s % m->size[t] : gsl_rng_uniform_int(r, m->size[t]);
            const real keep = w[i];
            const double h = 1e-6;
            w[i] = keep + h;
            const double ep = net_loss(m, a, k, label, j);
            w[i] = keep - h;
            const double em = net_loss(m, a, k, label, j);
            w[i] = keep;
            const double fd = (ep - em) / (2 * h);
            const double err = fabs(fd - g[i]) / (1e-6 + fabs(fd));
            checked++;
            if (err > 1e-4) {
                bad++;
                if (bad < 4)
                    printf("FAIL %s %s[%zu]: backprop %.10g, finite difference %.10g\n", name,
                           LENET_TENSOR_NAMES[t], i, g[i], fd);
            }
            if (err > worst) {
                worst = err;
                worst_t = t;
            }
        }
    }
    printf("# %s: %d parameters checked, worst relative error %.2g (%s)\n", name, checked,
           worst, worst_t >= 0 ? LENET_TENSOR_NAMES[worst_t] : "-");
    CHECK(bad == 0);
    lenet_acts_free(a);
    lenet_free(m);
}

/* Where Eq. 27 is exact at the top of the network:
 * - modern output layer: z_i is linear in ow_ij and d2E/dz_i2 = p_i (1 - p_i) is exact, so
 *   h(ow_ij) = p_i (1 - p_i) f6_j^2 = d2E/dow_ij2;
 * - 1998 network, Eq. 8: d2E/df6w_jk2 = 2 f'(a_j)^2 c5_k^2 + 2 (x_j - w_Dj) f''(a_j) c5_k^2;
 *   Eq. 27 keeps the first term (Gauss-Newton), so h = exact - the f'' term. */
static void check_second_exact(gsl_rng *r) {
    for (int which = 0; which < 2; which++) {
        const lenet_arch *arch = which ? &LENET_ARCH_MODERN : &LENET_ARCH_LENET5;
        const loss_kind k = which ? LOSS_SOFTMAX : LOSS_MSE;
        lenet_model *m = lenet_alloc(arch);
        lenet_acts *a = lenet_acts_alloc();
        lenet_init(m, LENET_INIT_TORCH, r);
        for (size_t i = 0; i < m->n; i++) m->w.c1w[i] *= 2;
        uint8_t img[28 * 28];
        random_image(img, r);
        lenet_code_input(a->x.in, img, arch->input);
        const int label = 6;
        real dy[OUT_N], ddy[OUT_N];
        lenet_forward(m, a);
        loss_eval(k, dy, ddy, a->x.out, label, 0);
        memset(m->h.c1w, 0, m->n * sizeof(real));
        lenet_backward2(m, a, dy, ddy);
        lenet_forward(m, a);
        const double e0 = net_loss(m, a, k, label, 0);
        real *w = which ? m->w.ow : m->w.f6w, *h = which ? m->h.ow : m->h.f6w;
        const int nin = which ? F6_N : C5_N, n = which ? OUT_N * F6_N : F6_N * C5_N;
        lenet_forward(m, a);
        lenet_layers x = a->x; /* states at the unperturbed weights */
        int ok = 1;
        for (int s = 0; s < 40; s++) {
            const int i = (int)gsl_rng_uniform_int(r, (unsigned long)n);
            const real keep = w[i];
            const double step = 1e-4;
            w[i] = keep + step;
            const double ep = net_loss(m, a, k, label, 0);
            w[i] = keep - step;
            const double em = net_loss(m, a, k, label, 0);
            w[i] = keep;
            double exact = (ep - 2 * e0 + em) / (step * step);
            if (!which) { /* remove the f'' term Eq. 27 drops */
                const int jj = i / nin, kk = i % nin;
                const double A = SQUASH_A, S = SQUASH_S, t = x.f6[jj] / A;
                const double f2 = -2 * A * S * S * t * (1 - t * t);
                exact -= 2 * (x.f6[jj] - m->codes[label * F6_N + jj]) * f2 * x.c5[kk] * x.c5[kk];
            }
            if (fabs(exact - h[i]) > 1e-5 + 1e-4 * fabs(exact)) {
                ok = 0;
                printf("FAIL %s h[%d] = %.10g, exact %.10g\n", which ? "ow" : "f6w", i, h[i], exact);
            }
        }
        printf("# second derivatives of the %s layer equal finite differences: %s\n",
               which ? "modern output" : "1998 F6", ok ? "yes" : "NO");
        CHECK(ok);
        lenet_acts_free(a);
        lenet_free(m);
    }
}
#endif

/* h_kk >= 0 everywhere, for every loss, paper init (Eq. 27 squares everything) */
static void check_second_nonneg(gsl_rng *r) {
    const lenet_arch *archs[2] = {&LENET_ARCH_LENET5, &LENET_ARCH_MODERN};
    for (int ai = 0; ai < 2; ai++)
        for (int k = LOSS_MSE; k <= LOSS_SOFTMAX; k++) {
            if ((ai == 0) != (k != LOSS_SOFTMAX)) continue;
            lenet_model *m = lenet_alloc(archs[ai]);
            lenet_acts *a = lenet_acts_alloc();
            lenet_init(m, LENET_INIT_PAPER, r);
            memset(m->h.c1w, 0, m->n * sizeof(real));
            uint8_t img[28 * 28];
            real dy[OUT_N], ddy[OUT_N];
            for (int p = 0; p < 5; p++) {
                random_image(img, r);
                lenet_code_input(a->x.in, img, archs[ai]->input);
                lenet_forward(m, a);
                loss_eval(k, dy, ddy, a->x.out, p % 10, 1.0);
                lenet_backward2(m, a, dy, ddy);
            }
            int nonneg = 1, positive = 0;
            for (size_t i = 0; i < m->n; i++) {
                nonneg &= m->h.c1w[i] >= 0;
                positive += m->h.c1w[i] > 0;
            }
            CHECK(nonneg);
            CHECK(positive > (int)(m->n / 2));
            lenet_acts_free(a);
            lenet_free(m);
        }
}

static void check_init(void) {
    gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r1, 7);
    gsl_rng_set(r2, 7);
    lenet_model *m1 = lenet_alloc(&LENET_ARCH_LENET5), *m2 = lenet_alloc(&LENET_ARCH_LENET5);
    lenet_init(m1, LENET_INIT_PAPER, r1);
    lenet_init(m2, LENET_INIT_PAPER, r2);
    CHECK(memcmp(m1->w.c1w, m2->w.c1w, m1->n * sizeof(real)) == 0);
    gsl_rng_set(r2, 8);
    lenet_init(m2, LENET_INIT_PAPER, r2);
    CHECK(memcmp(m1->w.c1w, m2->w.c1w, m1->n * sizeof(real)) != 0);
    /* the +-2.4/F_i rule, tensor by tensor; biases 0 */
    int in_range = 1;
    for (int t = 0; t < LENET_NTENSORS; t++) {
        const real *w = lenet_tensor(&m1->w, t);
        for (size_t i = 0; i < m1->size[t]; i++) {
            const double lim = t == LENET_T_c3w ? 2.4 / 75 : 2.4 / lenet_fan_in(m1, t);
            if (LENET_TENSOR_BIAS[t]) in_range &= w[i] == 0;
            else in_range &= fabs(w[i]) <= lim;
        }
    }
    CHECK(in_range);
    /* C1 weights fill their range: max |w| close to 2.4/25 */
    double mx = 0;
    for (size_t i = 0; i < m1->size[LENET_T_c1w]; i++) mx = fmax(mx, fabs(m1->w.c1w[i]));
    CHECK(mx > 0.9 * 2.4 / 25);
    lenet_free(m1);
    lenet_free(m2);
    gsl_rng_free(r1);
    gsl_rng_free(r2);
}

/* lenet_backward_sdlm against lenet_backward then sdlm_update: two copies of one model, 20
 * patterns each way, the gradients zero at the start (the fused step's contract, as in
 * training). The bits agree after every step, and the gradients end all zero in both (the
 * fused step never writes those of the full connections). */
static void check_backward_sdlm(const lenet_arch *arch, loss_kind k, const char *name,
                                gsl_rng *r) {
    lenet_model *m1 = lenet_alloc(arch), *m2 = lenet_alloc(arch);
    lenet_acts *a1 = lenet_acts_alloc(), *a2 = lenet_acts_alloc();
    lenet_init(m1, LENET_INIT_PAPER, r);
    real *eps = malloc(m1->n * sizeof(real));
    for (size_t i = 0; i < m1->n; i++) {
        m1->g.c1w[i] = 0;
        eps[i] = (real)(1e-3 * (0.5 + gsl_rng_uniform(r)));
    }
    memcpy(m2->mem, m1->mem, 3 * m1->n * sizeof(real));
    uint8_t img[28 * 28];
    double worst = 0, wmax = 0;
    int zero = 1, same = 1;
    for (int p = 0; p < 20; p++) {
        random_image(img, r);
        real dy[OUT_N], ddy[OUT_N];
        lenet_code_input(a1->x.in, img, arch->input);
        lenet_code_input(a2->x.in, img, arch->input);
        lenet_forward(m1, a1);
        loss_eval(k, dy, ddy, a1->x.out, p % 10, 1.0);
        lenet_backward(m1, a1, dy);
        sdlm_update(m1, eps);
        lenet_forward(m2, a2);
        loss_eval(k, dy, ddy, a2->x.out, p % 10, 1.0);
        lenet_backward_sdlm(m2, a2, dy, eps);
        same &= memcmp(m1->mem, m2->mem, 2 * m1->n * sizeof(real)) == 0;
        for (size_t i = 0; i < m1->n; i++) {
            const double d = fabs((double)m1->w.c1w[i] - m2->w.c1w[i]);
            worst = d > worst ? d : worst;
            wmax = fabs(m1->w.c1w[i]) > wmax ? fabs(m1->w.c1w[i]) : wmax;
            zero &= m1->g.c1w[i] == 0 && m2->g.c1w[i] == 0;
        }
    }
    printf("# %s: lenet_backward_sdlm vs lenet_backward + sdlm_update, 20 steps: "
           "max |dw| %.2g (max |w| %.2g)\n", name, worst, wmax);
    CHECK(same);
    CHECK(zero);
    free(eps);
    lenet_acts_free(a1);
    lenet_acts_free(a2);
    lenet_free(m1);
    lenet_free(m2);
}

/* The input coding (Sec. II-B): the 28x28 image in the middle of the 32x32 field, a border
 * of 2 background pixels; grey level v to lo + (hi - lo) v / 255 (paper: -0.1 .. 1.175;
 * unit: 0 .. 1), computed here at run time in double and rounded, against the coder's
 * constant table, for every level */
static void check_code_input(void) {
    uint8_t img[28 * 28];
    for (int k = 0; k < 2; k++) {
        const lenet_coding coding = k ? LENET_INPUT_UNIT : LENET_INPUT_PAPER;
        const double lo = k ? 0.0 : -0.1, hi = k ? 1.0 : 1.175;
        int levels = 1, border = 1;
        for (int i = 0; i < 28 * 28; i++) img[i] = (uint8_t)(i % 256); /* every level */
        real in[LENET_IN * LENET_IN];
        lenet_code_input(in, img, coding);
        for (int y = 0; y < LENET_IN; y++)
            for (int x = 0; x < LENET_IN; x++) {
                const real v = in[y * LENET_IN + x];
                if (y < 2 || y >= 30 || x < 2 || x >= 30) {
                    border &= v == (real)lo;
                    continue;
                }
                const int g = img[(y - 2) * 28 + x - 2];
                levels &= v == (real)(lo + (hi - lo) * g / 255.0);
            }
        printf("# input coding %s: levels %s, border %s\n", k ? "unit" : "paper",
               levels ? "right" : "wrong", border ? "background" : "wrong");
        CHECK(levels);
        CHECK(border);
    }
}

/* lenet_forward_n (evaluation: n images at once) against lenet_forward on each, bit for bit,
 * for n = 1 .. LENET_FORWARD_N */
static void check_forward_n(const lenet_arch *arch, const char *name, gsl_rng *r) {
    lenet_model *m = lenet_alloc(arch);
    lenet_acts *one = lenet_acts_alloc(), *a[LENET_FORWARD_N];
    for (int q = 0; q < LENET_FORWARD_N; q++) a[q] = lenet_acts_alloc();
    lenet_init(m, LENET_INIT_PAPER, r);
    int same = 1;
    for (int n = 1; n <= LENET_FORWARD_N; n++) {
        real want[LENET_FORWARD_N][OUT_N];
        for (int q = 0; q < n; q++) {
            uint8_t img[28 * 28];
            random_image(img, r);
            lenet_code_input(one->x.in, img, arch->input);
            memcpy(a[q]->x.in, one->x.in, sizeof one->x.in);
            lenet_forward(m, one);
            memcpy(want[q], one->x.out, sizeof want[q]);
        }
        lenet_forward_n(m, a, n);
        for (int q = 0; q < n; q++) same &= memcmp(want[q], a[q]->x.out, sizeof want[q]) == 0;
    }
    printf("# %s: lenet_forward_n, n = 1 .. %d, against lenet_forward: %s\n", name,
           LENET_FORWARD_N, same ? "the same bits" : "differs");
    CHECK(same);
    for (int q = 0; q < LENET_FORWARD_N; q++) lenet_acts_free(a[q]);
    lenet_acts_free(one);
    lenet_free(m);
}

/* pool=max pools the pre-activations, then squashes (f(max a)); lenet_states fills x.c1,
 * x.c3 = f(a), whose max-pools are then x.s2, x.s4 up to f's last-bit non-monotony (the
 * float f is not monotone everywhere: README), and nothing moves for a trainable pool */
static void check_pool_order(gsl_rng *r) {
    lenet_arch mixed = LENET_ARCH_LENET5;
    mixed.pool = LENET_POOL_MAX;
    const lenet_arch *archs[2] = {&LENET_ARCH_MODERN, &mixed};
    real s2[S2_N * S2_H * S2_H], s4[S4_N * S4_H * S4_H];
    lenet_acts *a = lenet_acts_alloc();
    for (int k = 0; k < 2; k++) {
        lenet_model *m = lenet_alloc(archs[k]);
        lenet_init(m, LENET_INIT_PAPER, r);
        double worst = 0;
        for (int t = 0; t < 4; t++) {
            uint8_t img[28 * 28];
            random_image(img, r);
            lenet_code_input(a->x.in, img, archs[k]->input);
            lenet_forward(m, a);
            lenet_states(m, a);
            maxpool_forward(s2, a->x.c1, S2_N, C1_H, C1_H);
            maxpool_forward(s4, a->x.c3, S4_N, C3_H, C3_H);
            for (int i = 0; i < S2_N * S2_H * S2_H; i++)
                worst = fmax(worst, fabs((double)s2[i] - a->x.s2[i]));
            for (int i = 0; i < S4_N * S4_H * S4_H; i++)
                worst = fmax(worst, fabs((double)s4[i] - a->x.s4[i]));
        }
        printf("# pool=max (%s): max-pool of f(a) against f(max a): max |difference| %.3g\n",
               k ? "lenet5+maxpool" : "modern", worst);
        CHECK(worst <= 1e-6);
        lenet_free(m);
    }
    lenet_model *m = lenet_alloc(&LENET_ARCH_LENET5);
    lenet_init(m, LENET_INIT_PAPER, r);
    lenet_forward(m, a);
    lenet_layers before = a->x;
    lenet_states(m, a);
    CHECK(memcmp(&before, &a->x, sizeof before) == 0);
    lenet_free(m);
    lenet_acts_free(a);
}

/* pool=average (Sec. II-A's "averaged") is pool=subsample with coef / 4: the same outputs, and
 * from the same pattern dE/dcoef / 4 and h_coef / 16 (both readings of Eq. 23), every other
 * gradient and h_kk the same (both builds; the factors are powers of two, so exact up to the
 * kernels' rounding). */
static void check_average_pool(gsl_rng *r) {
    lenet_arch av = LENET_ARCH_LENET5;
    av.pool = LENET_POOL_AVERAGE;
    char tag[128];
    CHECK(lenet_arch_tag(&av, tag, sizeof tag) == 0);
    lenet_arch back;
    CHECK(strcmp(tag, "pool=average,c3=table,out=rbf,squash=scaled,input=paper") == 0 &&
          lenet_arch_parse(&back, tag) == 0 && lenet_arch_equal(&back, &av));
    for (int reading = 0; reading < 2; reading++) {
        lenet_model *A = lenet_alloc(&av), *S = lenet_alloc(&LENET_ARCH_LENET5);
        lenet_acts *a = lenet_acts_alloc();
        CHECK(A->n == S->n);
        lenet_init(A, LENET_INIT_TORCH, r);
        for (size_t i = 0; i < A->n; i++) A->w.c1w[i] *= 2;
        memcpy(S->w.c1w, A->w.c1w, A->n * sizeof(real));
        for (int i = 0; i < S2_N; i++) S->w.s2c[i] = A->w.s2c[i] / 4;
        for (int i = 0; i < S4_N; i++) S->w.s4c[i] = A->w.s4c[i] / 4;
        A->hkk_subsample = S->hkk_subsample = reading ? LENET_HKK_BLOCK : LENET_HKK_EQ23;
        uint8_t img[28 * 28];
        random_image(img, r);
        real outA[OUT_N], dy[OUT_N], ddy[OUT_N];
        double worst = 0;
        lenet_model *ms[2] = {A, S};
        for (int k = 0; k < 2; k++) {
            lenet_code_input(a->x.in, img, LENET_INPUT_PAPER);
            lenet_forward(ms[k], a);
            if (k == 0) memcpy(outA, a->x.out, sizeof outA);
            for (int i = 0; i < OUT_N && k; i++)
                worst = fmax(worst, fabs(outA[i] - a->x.out[i]) / (1 + fabs(outA[i])));
            loss_eval(LOSS_MAP, dy, ddy, a->x.out, 3, 1.0);
            lenet_zero_grad(ms[k]);
            memset(ms[k]->h.c1w, 0, ms[k]->n * sizeof(real));
            lenet_backward(ms[k], a, dy);
            lenet_backward2(ms[k], a, dy, ddy);
        }
        for (size_t i = 0; i < A->n; i++) {
            const size_t s2c = (size_t)(A->w.s2c - A->w.c1w), s4c = (size_t)(A->w.s4c - A->w.c1w);
            const int coef = (i >= s2c && i < s2c + S2_N) || (i >= s4c && i < s4c + S4_N);
            const double g = coef ? S->g.c1w[i] / 4 : S->g.c1w[i];
            const double h = coef ? S->h.c1w[i] / 16 : S->h.c1w[i];
            worst = fmax(worst, fabs(A->g.c1w[i] - g) / (1e-12 + fabs(g) + fabs(A->g.c1w[i])));
            worst = fmax(worst, fabs(A->h.c1w[i] - h) / (1e-12 + fabs(h) + fabs(A->h.c1w[i])));
        }
        printf("# pool=average = pool=subsample with coef/4 (%s): outputs, gradients (coef /4), "
               "h_kk (coef /16), worst relative difference %.2g\n",
               reading ? "block" : "eq23", worst);
        CHECK(worst < (sizeof(real) == sizeof(double) ? 1e-12 : 1e-5));
        lenet_acts_free(a);
        lenet_free(A);
        lenet_free(S);
    }
}

void test_net(void) {
    TEST_GROUP("network: whole-model derivatives, init");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 1998);
#ifdef LENET_DOUBLE
    check_net_gradient(&LENET_ARCH_LENET5, LOSS_MSE, "lenet5 Eq. 8", r);
    check_net_gradient(&LENET_ARCH_LENET5, LOSS_MAP, "lenet5 Eq. 9", r);
    check_net_gradient(&LENET_ARCH_MODERN, LOSS_SOFTMAX, "modern softmax", r);
    lenet_arch mix = LENET_ARCH_LENET5;
    mix.pool = LENET_POOL_MAX;
    mix.out = LENET_OUT_LINEAR;
    check_net_gradient(&mix, LOSS_SOFTMAX, "lenet5+maxpool+linear", r);
    lenet_arch avg = LENET_ARCH_LENET5;
    avg.pool = LENET_POOL_AVERAGE;
    check_net_gradient(&avg, LOSS_MAP, "lenet5 averaged sub-sampling, Eq. 9", r);
    check_second_exact(r);
#endif
    check_second_nonneg(r);
    check_average_pool(r);
    check_pool_order(r);
    check_backward_sdlm(&LENET_ARCH_LENET5, LOSS_MAP, "lenet5", r);
    check_backward_sdlm(&LENET_ARCH_MODERN, LOSS_SOFTMAX, "modern", r);
    check_code_input();
    check_forward_n(&LENET_ARCH_LENET5, "lenet5", r);
    check_forward_n(&LENET_ARCH_MODERN, "modern", r);
    lenet_arch lin = LENET_ARCH_LENET5;
    lin.out = LENET_OUT_LINEAR;
    check_forward_n(&lin, "lenet5+linear output", r);
    check_init();
    gsl_rng_free(r);
}
