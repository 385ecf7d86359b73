/* trainer.h: training as one library call (Sec. III-B, App. C). lenet_train initialises (or
 * resumes from a checkpoint), then per pass: estimate h_kk on a sample (SDLM, Eq. 23-27), one
 * training step per pattern in the fixed random order, evaluate, report the pass to the
 * caller, write the checkpoint and the log; at the end the model. No argv, no exit codes:
 * the command line (train.c) turns flags into a lenet_train_config and rows into text. */
#ifndef TRAINER_H
#define TRAINER_H
#include "checkpoint.h"
#include "distort.h"
#include "idx.h"
#include "lenet.h"
#include "optim.h"

#include <signal.h>
#include <stddef.h>

/* the columns of the per-pass log */
#define LENET_TRAIN_LOG_COLUMNS                                                          \
    "pass\teta\teps_min\teps_median\teps_max\totf_train_err\ttrain_err\ttest_err\t"         \
    "mean_loss\tseconds\ttrain_seconds\tvalid_err\n"

/* Test-only faults, at (pass, pattern) before that pattern's step (pass -1 = never): a NaN
 * into f6w[0], an interrupt as by Ctrl-C, a SIGSTOP to the process. */
typedef struct {
    long nan_pass, nan_pos;
    long stop_pass, stop_pos;
    long sigstop_pass, sigstop_pos;
} lenet_train_faults;

typedef struct {
    const mnist_set *train, *test; /* the data, loaded by the caller */
    long passes;
    long train_size;      /* the first train_size patterns of train (<= train->n) */
    long seed;            /* the order, the init and the h_kk samples */
    long hessian_samples; /* SDLM: patterns per h_kk estimate (<= train_size) */
    long hessian_every;   /* SDLM: also re-estimate every N patterns (0 = once per pass) */
    loss_kind loss;
    double j; /* Eq. 9 */
    lenet_arch arch;
    lenet_init_kind init;
    int distort;       /* train on the 10 N patterns of Sec. III-C (distort.h) */
    distort_ranges dg; /* their ranges */
    int dfield;        /* where the copies are made: 28 (the MNIST image) or 32 (the field) */
    optim_config optim;
    int eval_last; /* end-of-pass errors after the final pass only (NaN before) */
    /* files, each NULL for none */
    const char *out;        /* the trained model */
    const char *log;        /* the log: header, then one row per pass, rewritten per pass */
    /* 1: the log only at the end, right after the model (the caller sets it when out
     * already holds a model: a run that stops must leave that model beside its own log, not
     * beside this run's; the rows are in the checkpoint meanwhile) */
    int log_at_end;
    const char *checkpoint; /* written after each pass and on an interrupt (checkpoint.h) */
    const char *resume;     /* continue from this checkpoint (the same settings) */
    const char *revision;   /* named in the log header; NULL: lenet_revision() */
    /* when *interrupt becomes non-zero (a signal handler): finish the step (SGD: the
     * batch), write the checkpoint, return LENET_TRAIN_INTERRUPTED. NULL: never. */
    volatile sig_atomic_t *interrupt;
    lenet_train_faults faults;
    /* the validation split: the last `valid` patterns of train (after the train_size
     * trained on: train_size + valid <= train->n) are evaluated (valid_err) and the test
     * set is not (test_err NaN), so that no choice is made on the test set; the model's
     * rejection threshold is set on them. 0: no split, test_err evaluated, no threshold. */
    long valid;
    /* stop after a pass whose on-the-fly training error is LENET_DIVERGED_ERR% or more (a
     * diverged run: its model and log are written, lenet_train_result.diverged is 1) */
    int stop_diverged;
} lenet_train_config;

/* chance is 90%: a pass this bad on the fly has diverged (--stop-diverged) */
#define LENET_DIVERGED_ERR 80.0

/* The settings line names a run: every field, always, in one order, with the version of the
 * line (LENET_SETTINGS_VERSION), of the numerical code (LENET_NUMERICS: bump it when a change
 * to the kernels, the network, the loss or the optimisers changes the bits a run computes),
 * the code path the hot loops take on this machine, and a checksum of the loaded training and
 * test sets (checkpoint_data_sum; "none" when c->train or c->test is NULL). It is the
 * checkpoint's key and, hashed, the run cache's (experiments/jobs.sh). */
#define LENET_SETTINGS_VERSION 3
/* 1: the kernels up to c9329ad; 2: the conv weight gradients in compact coordinates
 * (layers.c, 612f231), which sum in another order; 3: the conv input derivative as a
 * product per input map then a scatter, the weight gradients' lanes summed by vsum8, the
 * sub-sampling's block sums row pair first (all layers.c, issue 10); 4: the float tanh with
 * A and S folded into its rational's coefficients (layers.c, squash_chunk), and the full
 * connections' forward tails (nin % 8 inputs) one fused multiply-add each (fma_r); 5:
 * pool=max max-pools the pre-activations, then squashes, f(max a) (net.c; the sub-sampling
 * networks' bits are those of 4) */
#define LENET_NUMERICS 5
/* The defaults of `lenet98 train`: the paper's settings (20 passes over 60,000 patterns,
 * SDLM, mu 0.02, 500 h_kk samples, the MAP loss with j = 1, the 1998 network), no files. */
void lenet_train_config_default(lenet_train_config *c);

/* The settings that decide the result, one line (see LENET_SETTINGS_VERSION): the key of
 * the checkpoint and the log header. */
void lenet_train_settings(char *buf, size_t n, const lenet_train_config *c);

/* "mse", "map" or "softmax" */
const char *lenet_loss_name(loss_kind k);

/* A finished pass, as its log row has it. Errors in percent (train_err, test_err, valid_err
 * NaN when not evaluated); SGD: eta and eps_* are the pass's rate lr_p. */
typedef struct {
    long pass, passes;
    double eta, eps_min, eps_median, eps_max;
    double otf_train_err; /* each pattern scored before its own update (Fig. 5) */
    double train_err, test_err;
    double mean_loss;
    double seconds, train_seconds; /* the whole pass; without the evaluation */
    double valid_err;              /* the validation split (lenet_train_config.valid) */
    const char *row;               /* the TSV row, newline included */
} lenet_train_pass;

/* Where training starts: pass and pattern (1, 0 for a new run), the settings line, the log
 * rows of the passes done (resumed runs; "" else). */
typedef struct {
    long pass, pos;
    int resumed;
    const char *settings, *revision, *log;
} lenet_train_start;

/* What the caller hears. Each may be NULL. */
typedef struct {
    void *ctx;
    void (*on_start)(void *ctx, const lenet_train_start *s);
    /* after each pass, before its checkpoint; non-zero: stop after writing the checkpoint
     * and the log (lenet_train returns LENET_TRAIN_STOPPED) */
    int (*on_pass)(void *ctx, const lenet_train_pass *p);
    /* every 4096 patterns: otf_errors of the pos + 1 patterns so far, seconds in the pass */
    void (*on_progress)(void *ctx, long pass, long pos, long otf_errors, double seconds);
} lenet_train_hooks;

enum {
    LENET_TRAIN_OK = 0,
    LENET_TRAIN_ERROR = -1,      /* err says what; the last good checkpoint is intact */
    LENET_TRAIN_INTERRUPTED = 1, /* *interrupt or the stop fault: the checkpoint written */
    LENET_TRAIN_STOPPED = 2      /* on_pass asked to stop: checkpoint and log written */
};

/* Where lenet_train ended: the pass, and the next pattern of it (for an interrupt). */
typedef struct {
    long pass, pos;
    int diverged; /* stop_diverged stopped the run after pass `pass` */
} lenet_train_result;

/* Trains as c says (hooks may be NULL). Returns one of LENET_TRAIN_*; on LENET_TRAIN_ERROR,
 * err holds "path: problem" or what went wrong. res may be NULL. */
int lenet_train(const lenet_train_config *c, const lenet_train_hooks *hooks,
                lenet_train_result *res, char *err, size_t errn);

/* One training step on the pattern in a->x.in, of class label: forward (Sec. II), E^p
 * (loss_eval), the predicted class before the update (*pred, the on-the-fly error of Fig. 5),
 * and, if E^p is finite, backward (Eq. 19 into m->g) and the optimiser's update after
 * pattern pos of a pass of n at rate eta (optim_update). Returns E^p; *stepped is 1 if the
 * weights were updated. A non-finite E^p leaves m untouched (no backward, no update). */
double lenet_train_step(lenet_model *m, lenet_acts *a, optim *o, loss_kind k, double j,
                        int label, long pos, long n, double eta, int *pred, int *stepped);
#endif
