/* trainer.c: training as one library call (trainer.h; Sec. III-B, App. C). The loop is here,
 * in the open: initialise; then per pass: estimate h_kk on a sample (Eq. 23-27), fix
 * eps_k = eta / (mu + h_kk) (Eq. 21), one pattern at a time forward, score (the on-the-fly
 * error of Fig. 5), backward, update (Eq. 18; or SGD's, every batch: optim.h); evaluate;
 * report the pass; checkpoint; log. */
#include "trainer.h"

#include "afile.h"
#include "classify.h"
#include "eval.h"
#include "model.h"
#include "revision.h"
#include "sdlm.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

void lenet_train_config_default(lenet_train_config *c) {
    memset(c, 0, sizeof *c);
    c->passes = 20;
    c->train_size = 60000;
    c->seed = 1;
    c->hessian_samples = SDLM_HESSIAN_SAMPLES;
    c->hessian_every = 0;
    c->loss = LOSS_MAP;
    c->j = 1.0;
    c->arch = LENET_ARCH_LENET5;
    c->init = LENET_INIT_PAPER;
    c->distort = 0;
    c->dg = DISTORT_DEFAULT;
    c->dfield = DISTORT_FIELD;
    c->optim = (optim_config){OPTIM_SDLM, SDLM_MU, 1.0, SDLM_EPS_MAX, SGD_LR, 0.9, 64,
                              OPTIM_SCHED_COSINE, LENET_HKK_EQ23};
    c->eval_last = 0;
    c->faults = (lenet_train_faults){-1, -1, -1, -1, -1, -1};
}

const char *lenet_loss_name(loss_kind k) {
    return k == LOSS_MSE ? "mse" : k == LOSS_MAP ? "map" : "softmax";
}

/* the code path the hot loops take on this machine (lenet.h LENET_HOT): bits may differ
 * between paths, so the settings name it */
static const char *code_path(void) {
#if defined(LENET_REFERENCE)
    return "reference";
#elif defined(LENET_NO_CLONES)
    return "native";
#elif defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v4")   ? "x86-64-v4"
           : __builtin_cpu_supports("x86-64-v3") ? "x86-64-v3"
                                                 : "x86-64";
#else
    return "generic";
#endif
}

void lenet_train_settings(char *buf, size_t n, const lenet_train_config *c) {
    char tag[128], dist[160] = "none", data[32] = "none";
    const optim_config *o = &c->optim;
    lenet_arch_tag(&c->arch, tag, sizeof tag);
    const char *init = c->init == LENET_INIT_PAPER ? "paper"
                       : c->init == LENET_INIT_SQRT ? "sqrt"
                                                    : "torch";
    if (c->distort)
        snprintf(dist, sizeof dist, "translate:%g,scale:%g,squeeze:%g,shear:%g,field:%d",
                 c->dg.translate, c->dg.scale, c->dg.squeeze, c->dg.shear, c->dfield);
    if (c->train && c->test)
        snprintf(data, sizeof data, "%016llx",
                 (unsigned long long)checkpoint_data_sum(c->train, c->test));
    snprintf(buf, n,
             "settings=%d arch=%s init=%s loss=%s j=%g optimizer=%s mu=%g eta_scale=%g "
             "eps_max=%g hkk_subsample=%s hessian_samples=%ld hessian_every=%ld lr=%g "
             "momentum=%g batch=%ld schedule=%s passes=%ld train_size=%ld seed=%ld eval=%s "
             "distort=%s valid=%ld stop_diverged=%d numerics=%d real=%s path=%s data=%s",
             LENET_SETTINGS_VERSION, tag, init, lenet_loss_name(c->loss), c->j,
             o->kind == OPTIM_SDLM ? "sdlm" : "sgd", o->mu, o->eta_scale, o->eps_max,
             o->hkk_subsample == LENET_HKK_BLOCK ? "block" : "eq23", c->hessian_samples,
             c->hessian_every, o->lr, o->momentum, o->batch,
             o->schedule == OPTIM_SCHED_CONST ? "const" : "cosine", c->passes, c->train_size,
             c->seed, c->eval_last ? "last" : "all", dist, c->valid, c->stop_diverged,
             LENET_NUMERICS,
             sizeof(real) == sizeof(double) ? "double" : "float", code_path(), data);
}

/* The input field of training pattern i (an original, 0 <= i < N) in pass `pass`: the
 * original itself, or under distort its version for this pass (distort_version), copy
 * v * N + i of the 60,000 + 540,000 set, made from (seed, index) on the fly. */
static void train_pattern(real *in, const mnist_set *tr, size_t i, long pass,
                          const lenet_train_config *c) {
    const uint8_t *img = tr->images + i * DISTORT_SIDE * DISTORT_SIDE;
    const int v = c->distort ? distort_version((uint64_t)c->seed, (long)i, pass) : 0;
    if (v == 0) {
        lenet_code_input(in, img, c->arch.input);
        return;
    }
    const uint64_t index = (uint64_t)v * (uint64_t)c->train_size + i;
    if (c->dfield == DISTORT_FIELD) {
        uint8_t copy[DISTORT_FIELD * DISTORT_FIELD];
        distort_image_field(copy, img, &c->dg, (uint64_t)c->seed, index);
        lenet_code_field(in, copy, c->arch.input);
    } else {
        uint8_t copy[DISTORT_SIDE * DISTORT_SIDE];
        distort_image(copy, img, &c->dg, (uint64_t)c->seed, index);
        lenet_code_input(in, copy, c->arch.input);
    }
}

double lenet_train_step(lenet_model *m, lenet_acts *a, optim *o, loss_kind k, double j,
                        int label, long pos, long n, double eta, int *pred, int *stepped) {
    real dy[OUT_N], ddy[OUT_N];
    lenet_forward(m, a);
    const double e = loss_eval(k, dy, ddy, a->x.out, label, j);
    *pred = lenet_predict(m, a->x.out);
    *stepped = 0;
    if (!isfinite(e)) return e;
    /* the update: every pattern (SDLM, fused into the backward pass where a weight is not
     * shared: the same bits as lenet_backward + optim_update), or at the end of each batch
     * (SGD) */
    if (o->c.kind == OPTIM_SDLM) {
        lenet_backward_sdlm(m, a, dy, o->eps);
        *stepped = 1;
    } else {
        lenet_backward(m, a, dy);
        *stepped = optim_update(o, m, pos, n, eta);
    }
    return e;
}

static int log_append(train_state *st, const char *row) {
    const size_t k = strlen(row);
    if (st->log_len + k + 1 > st->log_cap) {
        size_t cap = st->log_cap ? st->log_cap * 2 : 4096;
        while (cap < st->log_len + k + 1) cap *= 2;
        char *nl = realloc(st->log, cap);
        if (!nl) return -1;
        st->log = nl;
        st->log_cap = cap;
    }
    memcpy(st->log + st->log_len, row, k + 1);
    st->log_len += k;
    return 0;
}

/* the log: commented header + one row per finished pass, rewritten atomically */
static int log_write(const char *path, const char *settings, const char *revision,
                     const train_state *st, char *err, size_t errn) {
    afile f;
    if (afile_open(&f, path, err, errn) != 0) return -1;
    fprintf(f.f, "# lenet98 train: %s\n# revision %s\n", settings, revision);
    fprintf(f.f, "# otf_train_err: on-the-fly, each pattern scored before its own update "
                 "(Fig. 5); train_err, test_err: the end-of-pass network; errors in percent; "
                 "SGD: eta and eps_* are the pass's rate lr_p; train_seconds: the pass without "
                 "the evaluation\n");
    fprintf(f.f, "%s", LENET_TRAIN_LOG_COLUMNS);
    fputs(st->log ? st->log : "", f.f);
    return afile_commit(&f, err, errn);
}

/* App. C: h_kk averaged over c->hessian_samples patterns drawn from the training order with
 * r, then eps_k = eta / (mu + h_kk) (Eq. 21). */
static void estimate_eps(optim *o, lenet_model *m, lenet_acts *a, const size_t *order,
                         size_t *sample, const lenet_train_config *c, gsl_rng *r, double eta,
                         long pass) {
    const mnist_set *tr = c->train;
    gsl_ran_choose(r, sample, (size_t)c->hessian_samples, (void *)order, (size_t)c->train_size,
                   sizeof(size_t));
    memset(m->h.c1w, 0, m->n * sizeof(real));
    for (long i = 0; i < c->hessian_samples; i++) {
        train_pattern(a->x.in, tr, sample[i], pass, c);
        sdlm_hessian_add(m, a, c->loss, tr->labels[sample[i]], c->j);
    }
    optim_set_h(o, m, c->hessian_samples, eta);
}

static int write_checkpoint(const lenet_train_config *c, const char *settings,
                            const train_state *st, const gsl_rng *r, const optim *o,
                            const lenet_model *m, char *err, size_t errn) {
    if (!c->checkpoint) return 0;
    return checkpoint_write(c->checkpoint, settings, st, r, o->eps, o->vel, m,
                            (uint64_t)c->seed, err, errn);
}

int lenet_train(const lenet_train_config *c, const lenet_train_hooks *hooks,
                lenet_train_result *res, char *err, size_t errn) {
    static const lenet_train_hooks none = {0};
    if (!hooks) hooks = &none;
    const mnist_set *tr = c->train, *te = c->test;
    assert(tr && te && c->passes >= 1 && c->train_size >= 1 && c->valid >= 0 &&
           c->train_size + c->valid <= tr->n);
    assert(c->optim.kind != OPTIM_SDLM ||
           (c->hessian_samples >= 1 && c->hessian_samples <= c->train_size));
    assert(c->hessian_every >= 0 && c->hessian_every < c->train_size);
    assert(c->optim.kind != OPTIM_SGD || c->optim.batch >= 1);
    const char *revision = c->revision ? c->revision : lenet_revision();
    const char *ckpt = c->checkpoint ? c->checkpoint : "(none)";
    char settings[1024];
    lenet_train_settings(settings, sizeof settings, c);
    const long N = c->train_size;
    const int sdlm = c->optim.kind == OPTIM_SDLM;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r) gsl_rng_set(r, (unsigned long)c->seed);
    train_state st = {1, 0, 0, 0, 0, NULL, 0, 0, checkpoint_data_sum(tr, te), c->passes};
    lenet_model *m = NULL;
    optim o = {c->optim, 0, NULL, NULL};
    lenet_acts *a = lenet_acts_alloc();
    size_t *order = malloc(sizeof(size_t) * (size_t)N);
    size_t *sample = malloc(sizeof(size_t) * (size_t)(sdlm ? c->hessian_samples : 1));
    int rc = LENET_TRAIN_OK, stopping = 0;
    long diverged_at = 0; /* the pass after which stop_diverged ended the run */
    if (res) *res = (lenet_train_result){1, 0, 0};
    /* the validation split: the last c->valid patterns of the training file */
    const mnist_set va = {(int)c->valid, tr->rows, tr->cols,
                          tr->images + (size_t)(tr->n - c->valid) * tr->rows * tr->cols,
                          tr->labels + (tr->n - c->valid)};
    if (!r || !a || !order || !sample) {
        snprintf(err, errn, "out of memory");
        rc = LENET_TRAIN_ERROR;
        goto out;
    }
    /* the one fixed random order, drawn first from the seed; then the init */
    for (long i = 0; i < N; i++) order[i] = (size_t)i;
    gsl_ran_shuffle(r, order, (size_t)N, sizeof(size_t));
    if (c->resume) {
        const ckpt_expect x = {settings, c->passes, N, &c->arch, !sdlm, (uint64_t)c->seed,
                               st.data_sum};
        m = checkpoint_read(c->resume, &x, &st, r, &o.eps, &o.vel, err, errn);
        if (!m) {
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        o.n = m->n;
        /* checkpoint_read checked these against x (checkpoint.h) */
        assert(!sdlm == (o.vel != NULL) && st.pass >= 1 && st.pass <= c->passes + 1 &&
               st.pos >= 0 && st.pos < N);
        /* checkpoint_read gives room for eps_k in any case (filled mid-pass under SDLM);
         * SGD has none */
        if (!sdlm) {
            free(o.eps);
            o.eps = NULL;
        }
    } else {
        m = lenet_alloc(&c->arch);
        if (!m || optim_init(&o, &c->optim, m->n) != 0) {
            snprintf(err, errn, "out of memory");
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        lenet_init(m, c->init, r);
    }
    m->hkk_subsample = c->optim.hkk_subsample;
    lenet_zero_grad(m);
    if (hooks->on_start)
        hooks->on_start(hooks->ctx, &(lenet_train_start){st.pass, st.pos, c->resume != NULL,
                                                         settings, revision,
                                                         st.log ? st.log : ""});
    const lenet_train_faults *f = &c->faults;

    for (; st.pass <= c->passes; st.pass++, st.pos = 0) {
        if (res) *res = (lenet_train_result){st.pass, st.pos, 0};
        const double eta = optim_rate(&o, st.pass, c->passes);
        double t0 = now();
        if (st.pos == 0 && sdlm) {
            /* App. C: h_kk on a sample, fixed for the pass */
            estimate_eps(&o, m, a, order, sample, c, r, eta, st.pass);
        }
        if (st.pos == 0) {
            st.otf_errors = 0;
            st.loss_sum = 0;
            st.seconds = 0;
        }
        double emin, emed, emax;
        optim_summary(&o, eta, &emin, &emed, &emax);
        for (; st.pos < N; st.pos++) {
            const size_t p = order[st.pos];
            if (sdlm && c->hessian_every && st.pos > 0 && st.pos % c->hessian_every == 0)
                estimate_eps(&o, m, a, order, sample, c, r, eta, st.pass);
            if (st.pass == f->nan_pass && st.pos == f->nan_pos) m->w.f6w[0] = (real)NAN;
            if (st.pass == f->stop_pass && st.pos == f->stop_pos) stopping = 1;
            if (st.pass == f->sigstop_pass && st.pos == f->sigstop_pos) raise(SIGSTOP);
            train_pattern(a->x.in, tr, p, st.pass, c);
            int pred, stepped;
            const double e = lenet_train_step(m, a, &o, c->loss, c->j, tr->labels[p], st.pos,
                                              N, eta, &pred, &stepped);
            st.otf_errors += pred != tr->labels[p];
            if (!isfinite(e)) {
                char said[4400];
                snprintf(err, errn,
                         "loss is %g at pass %ld, pattern %ld (training image %zu): stopping; %s",
                         e, st.pass, st.pos, p,
                         checkpoint_describe(ckpt, settings, said, sizeof said));
                rc = LENET_TRAIN_ERROR;
                goto out;
            }
            st.loss_sum += e;
            if ((stopping || (c->interrupt && *c->interrupt)) && stepped) {
                st.pos++;
                st.seconds += now() - t0;
                if (res) *res = (lenet_train_result){st.pass, st.pos, 0};
                if (write_checkpoint(c, settings, &st, r, &o, m, err, errn) != 0)
                    rc = LENET_TRAIN_ERROR;
                else
                    rc = LENET_TRAIN_INTERRUPTED;
                goto out;
            }
            if (hooks->on_progress && (st.pos & 4095) == 4095)
                hooks->on_progress(hooks->ctx, st.pass, st.pos, st.otf_errors,
                                   now() - t0 + st.seconds);
        }
        int finite = 1;
        for (size_t k = 0; k < m->n; k++) finite &= isfinite(m->w.c1w[k]) != 0;
        if (!finite) {
            char said[4400];
            snprintf(err, errn, "a weight is not finite after pass %ld: stopping; %s", st.pass,
                     checkpoint_describe(ckpt, settings, said, sizeof said));
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        const double train_seconds = st.seconds + now() - t0;
        const int eval = !c->eval_last || st.pass == c->passes;
        /* with a validation split, the split and never the test set */
        const long tr_err = eval ? eval_set(m, tr, N, NULL, NULL) : 0;
        const long te_err = !eval || c->valid ? 0 : tr_err < 0 ? -1 : eval_set(m, te, te->n, NULL, NULL);
        const long va_err = !eval || !c->valid ? 0 : tr_err < 0 ? -1 : eval_set(m, &va, va.n, NULL, NULL);
        if (tr_err < 0 || te_err < 0 || va_err < 0) {
            snprintf(err, errn, "out of memory (evaluating pass %ld)", st.pass);
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        st.seconds += now() - t0;
        lenet_train_pass row = {st.pass, c->passes, eta, emin, emed, emax,
                                100.0 * st.otf_errors / N, eval ? 100.0 * tr_err / N : NAN,
                                eval && !c->valid ? 100.0 * te_err / te->n : NAN,
                                st.loss_sum / N, st.seconds, train_seconds,
                                eval && c->valid ? 100.0 * va_err / va.n : NAN, NULL};
        char text[512];
        snprintf(text, sizeof text,
                 "%ld\t%g\t%.3g\t%.3g\t%.3g\t%.3f\t%.3f\t%.2f\t%.6g\t%.1f\t%.1f\t%.2f\n",
                 row.pass, row.eta, row.eps_min, row.eps_median, row.eps_max, row.otf_train_err,
                 row.train_err, row.test_err, row.mean_loss, row.seconds, row.train_seconds,
                 row.valid_err);
        row.row = text;
        const int stop = hooks->on_pass ? hooks->on_pass(hooks->ctx, &row) : 0;
        if (log_append(&st, text) != 0) {
            snprintf(err, errn, "out of memory");
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        /* the checkpoint names the next pass, not started (a diverged run: none, it is
         * finished) */
        const int diverged = c->stop_diverged && row.otf_train_err >= LENET_DIVERGED_ERR;
        train_state next = st;
        next.pass = diverged ? c->passes + 1 : st.pass + 1;
        next.pos = 0;
        if (write_checkpoint(c, settings, &next, r, &o, m, err, errn) != 0 ||
            (c->log && !c->log_at_end && log_write(c->log, settings, revision, &st, err, errn) != 0)) {
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        if (stop) {
            rc = LENET_TRAIN_STOPPED;
            goto out;
        }
        if (diverged) {
            diverged_at = st.pass;
            break;
        }
    }
    if (res) *res = (lenet_train_result){diverged_at ? diverged_at : c->passes, 0, diverged_at > 0};
    /* the trained model's own rejection threshold for classify (Fig. 10's operating point:
     * 0.5% error on the accepted digits), set on the validation split and stored in the
     * model file; without a split none (0: classify says what it uses instead) */
    if (c->valid > 0) {
        const double thr = reject_threshold_set(m, &va, NULL);
        if (thr < 0) {
            snprintf(err, errn, "out of memory (the rejection threshold)");
            rc = LENET_TRAIN_ERROR;
            goto out;
        }
        m->reject_threshold = thr;
    }
    if (c->out && model_save(m, (uint64_t)c->seed, c->out, err, errn) != 0)
        rc = LENET_TRAIN_ERROR;
    else if (c->log && c->log_at_end && log_write(c->log, settings, revision, &st, err, errn) != 0)
        rc = LENET_TRAIN_ERROR; /* the new model beside the old log: said, exit 1 */
out:
    free(st.log);
    free(order);
    free(sample);
    optim_free(&o);
    lenet_acts_free(a);
    lenet_free(m);
    gsl_rng_free(r);
    return rc;
}
