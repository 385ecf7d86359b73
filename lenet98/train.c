/* train.c: `lenet98 train`, the training driver (Sec. III-B, App. C). The loop is here, in
 * the open: initialise; then per pass: estimate h_kk on a sample (Eq. 23-27), fix
 * eps_k = eta / (mu + h_kk) (Eq. 21), one pattern at a time forward, score (the on-the-fly
 * error of Fig. 5), backward, update (Eq. 18); evaluate; log a row; checkpoint.
 * The other optimiser, mini-batch SGD with momentum (what a user of today picks),
 * is its own section below: same loop, the update every --batch patterns. */
#include "afile.h"
#include "checkpoint.h"
#include "cli.h"
#include "distort.h"
#include "model.h"
#include "sdlm.h"

#include <getopt.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


typedef enum { OPT_SDLM = 0, OPT_SGD = 1 } opt_kind;
typedef enum { SCHED_CONST = 0, SCHED_COSINE = 1 } sched_kind;

typedef struct {
    const char *data, *out, *log, *resume;
    long passes, train_size, seed, hessian_samples, hessian_every;
    loss_kind loss;
    double j, mu, eta_scale;
    lenet_arch arch;
    lenet_init_kind init;
    int init_given;
    int distort;       /* train on the 10 N patterns of Sec. III-C (distort.h) */
    distort_ranges dg; /* their ranges */
    int dfield;        /* where the copies are made: 28 (the MNIST image) or 32 (the input field) */
    /* SGD (--optimizer sgd) */
    opt_kind opt;
    double lr, momentum;
    long batch;
    sched_kind schedule;
    double eps_max; /* SDLM: no eps_k above this (0 = none, as published); see SDLM_EPS_MAX */
    int eval_last;     /* --eval last: end-of-pass errors after the final pass only */
} train_opts;


static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static const char *loss_name(loss_kind k) {
    return k == LOSS_MSE ? "mse" : k == LOSS_MAP ? "map" : "softmax";
}

/* the settings that determine the result, one line; stored in checkpoints and log headers.
 * Only the optimiser's own settings appear (mu and eta_scale mean nothing to SGD). */
static void settings_line(char *buf, size_t n, const train_opts *o) {
    char tag[128];
    lenet_arch_tag(&o->arch, tag, sizeof tag);
    const char *init = o->init == LENET_INIT_PAPER ? "paper"
                       : o->init == LENET_INIT_SQRT ? "sqrt"
                                                    : "torch";
    if (o->opt == OPT_SDLM)
        snprintf(buf, n,
                 "arch=%s init=%s loss=%s j=%g optimizer=sdlm mu=%g eta_scale=%g passes=%ld "
                 "train_size=%ld hessian_samples=%ld hessian_every=%ld seed=%ld",
                 tag, init, loss_name(o->loss), o->j, o->mu, o->eta_scale, o->passes,
                 o->train_size, o->hessian_samples, o->hessian_every, o->seed);
    else
        snprintf(buf, n,
                 "arch=%s init=%s loss=%s j=%g optimizer=sgd lr=%g momentum=%g batch=%ld "
                 "schedule=%s passes=%ld train_size=%ld seed=%ld",
                 tag, init, loss_name(o->loss), o->j, o->lr, o->momentum, o->batch,
                 o->schedule == SCHED_CONST ? "const" : "cosine", o->passes, o->train_size,
                 o->seed);
    if (o->opt == OPT_SDLM && o->eps_max > 0) {
        const size_t k = strlen(buf);
        snprintf(buf + k, n - k, " eps_max=%g", o->eps_max);
    }
    if (o->eval_last) {
        const size_t k = strlen(buf);
        snprintf(buf + k, n - k, " eval=last");
    }
    /* only when on, so the settings (and checkpoints) of undistorted runs are unchanged */
    if (o->distort) {
        const size_t k = strlen(buf);
        snprintf(buf + k, n - k, " distort=translate:%g,scale:%g,squeeze:%g,shear:%g",
                 o->dg.translate, o->dg.scale, o->dg.squeeze, o->dg.shear);
        /* field:32 is named, 28 is not, so the settings of the runs made before the flag
         * existed (all in 28x28) are unchanged */
        if (o->dfield == DISTORT_FIELD) {
            const size_t k2 = strlen(buf);
            snprintf(buf + k2, n - k2, ",field:%d", o->dfield);
        }
    }
}

/* The input field of training pattern i (an original, 0 <= i < N) in pass `pass`: the
 * original itself, or under --distort its version for this pass (distort_version), copy
 * v * N + i of the 60,000 + 540,000 set, made from (seed, index) on the fly. */
static void train_pattern(real *in, const mnist_set *tr, size_t i, long pass,
                          const train_opts *o) {
    const uint8_t *img = tr->images + i * DISTORT_SIDE * DISTORT_SIDE;
    const int v = o->distort ? distort_version((uint64_t)o->seed, (long)i, pass) : 0;
    if (v == 0) {
        lenet_code_input(in, img, o->arch.input);
        return;
    }
    const uint64_t index = (uint64_t)v * (uint64_t)o->train_size + i;
    if (o->dfield == DISTORT_FIELD) {
        uint8_t copy[DISTORT_FIELD * DISTORT_FIELD];
        distort_image_field(copy, img, &o->dg, (uint64_t)o->seed, index);
        lenet_code_field(in, copy, o->arch.input);
    } else {
        uint8_t copy[DISTORT_SIDE * DISTORT_SIDE];
        distort_image(copy, img, &o->dg, (uint64_t)o->seed, index);
        lenet_code_input(in, copy, o->arch.input);
    }
}

/* ======================================================================================
 * Optimiser: mini-batch SGD with momentum, as torch.optim.SGD (dampening 0, no Nesterov,
 * no weight decay): per batch of B patterns, g = (1/B) sum of the patterns' dE/dw (the
 * last batch of a pass may be shorter and is averaged over its own size),
 * v <- momentum v + g, w <- w - lr_p v. The rate lr_p of pass p = 1..P is constant, or
 * cosine-annealed per pass (torch's CosineAnnealingLR with T_max = P, eta_min = 0, stepped
 * once per pass): lr_p = lr (1 + cos(pi (p-1) / P)) / 2. The velocity v lives across passes
 * and goes into the checkpoint. */

static double sgd_rate(const train_opts *o, long pass) {
    if (o->schedule == SCHED_CONST) return o->lr;
    return o->lr * 0.5 * (1.0 + cos(M_PI * (double)(pass - 1) / (double)o->passes));
}

/* w (n), g (n), v (n): v = momentum v + g / count; w -= lr v; g = 0 */
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
/* ====================================================================================== */

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


/* ---- the log: commented header + one row per finished pass, rewritten atomically ------ */
#define LOG_COLUMNS                                                                     \
    "pass\teta\teps_min\teps_median\teps_max\totf_train_err\ttrain_err\ttest_err\t"         \
    "mean_loss\tseconds\ttrain_seconds\n"

static int log_write(const char *path, const char *settings, const train_state *st, char *err,
                     size_t errn) {
    afile f;
    if (afile_open(&f, path, err, errn) != 0) return -1;
    fprintf(f.f, "# lenet98 train: %s\n# revision %s\n", settings, cli_revision());
    fprintf(f.f, "# otf_train_err: on-the-fly, each pattern scored before its own update "
                 "(Fig. 5); train_err, test_err: the end-of-pass network; errors in percent; "
                 "SGD: eta and eps_* are the pass's rate lr_p; train_seconds: the pass without "
                 "the evaluation\n");
    fprintf(f.f, "%s", LOG_COLUMNS);
    fputs(st->log ? st->log : "", f.f);
    return afile_commit(&f, err, errn);
}

/* App. C: h_kk averaged over o->hessian_samples patterns drawn from the training order with
 * r, then eps_k = eta / (mu + h_kk) (Eq. 21). */
static void estimate_eps(real *eps, lenet_model *m, lenet_acts *a, const mnist_set *tr,
                         const size_t *order, long N, size_t *sample, const train_opts *o,
                         gsl_rng *r, double eta, long pass) {
    gsl_ran_choose(r, sample, (size_t)o->hessian_samples, (void *)order, (size_t)N,
                   sizeof(size_t));
    memset(m->h.c1w, 0, m->n * sizeof(real));
    for (long i = 0; i < o->hessian_samples; i++) {
        train_pattern(a->x.in, tr, sample[i], pass, o);
        sdlm_hessian_add(m, a, o->loss, tr->labels[sample[i]], o->j);
    }
    sdlm_step_sizes(eps, m, o->hessian_samples, eta, o->mu, o->eps_max);
}

static void usage(void) {
    printf(
        "usage: lenet98 train -o MODEL [options]\n"
        "Trains by stochastic diagonal Levenberg-Marquardt as in Sec. III-B and App. C: one\n"
        "pattern at a time, the training patterns in one fixed random order drawn from the\n"
        "seed (the same order every pass, as the paper's 'constant random order'); before each\n"
        "pass h_kk is estimated on --hessian-samples patterns drawn from the seed and held\n"
        "fixed; eps_k = eta / (mu + h_kk); eta by pass 0.0005 (1-2), 0.0002 (3-5), 0.0001\n"
        "(6-8), 0.00005 (9-12), 0.00001 (13 on). Defaults are the paper's, with eps_k <= 0.001.\n"
        "With --optimizer sgd (the default for --arch modern): mini-batch SGD with momentum\n"
        "as torch.optim.SGD, the mean gradient of --batch patterns per step, the rate constant\n"
        "or cosine-annealed per pass; the same fixed order of patterns.\n\n"
        "  --data DIR             MNIST directory: the four IDX files, plain or gzipped\n"
        "                         (.gz); default $LENET98_DATA, ./data, or the\n"
        "                         repository's data/ next to the binary\n"
        "  --passes N             passes over the training patterns (default 20)\n"
        "  --train-size N         train on the first N patterns of the training file\n"
        "                         (default 60000)\n"
        "  --seed S               initialisation, order and h_kk samples (default 1)\n"
        "  --loss map|mse         Eq. 9 (default) or Eq. 8\n"
        "  --j X                  the constant j of Eq. 9 (default 1)\n"
        "  --mu X                 Eq. 21 (default 0.02)\n"
        "  --eta-scale X          multiply every eta of the schedule by X (default 1)\n"
        "  --hessian-samples N    patterns per h_kk estimate (default 500)\n"
        "  --eps-max X            no eps_k above X (default 0.001; 0: none, as published,\n"
        "                         which diverges: README 'Choices and deviations')\n"
        "  --hessian-every N      also re-estimate h_kk every N patterns within a pass\n"
        "                         (default 0: once per pass, as published)\n"
        "  --arch A               lenet5 (default), modern, or a tag (see model.h)\n"
        "  --init paper|sqrt|torch  initialisation: U(+-2.4/F_i) (paper, the default for\n"
        "                         lenet5), U(+-2.4/sqrt(F_i)), or PyTorch's U(+-1/sqrt(F_i))\n"
        "  --distort              train on N originals + 9 N distorted copies (Sec. III-C),\n"
        "                         made on the fly from (seed, index): each pass shows every\n"
        "                         original once, in the same order, as one of its 10\n"
        "                         versions, so 10 passes see all 10 N once (distort.h);\n"
        "                         otf_train_err is then over the pass's patterns, train_err\n"
        "                         over the N originals\n"
        "  --distort-translate PX shift range +-PX pixels, both axes (default %g)\n"
        "  --distort-scale X      scale in 1 +- X (default %g)\n"
        "  --distort-squeeze X    width times q, height over q, q in 1 +- X (default %g)\n"
        "  --distort-shear X      horizontal shear x += h y, h in +-X (default %g)\n"
        "  --distort-field 28|32  make the copies in the 32x32 input field (default), or in\n"
        "                         the 28x28 image, losing ink moved past its border\n"
        "  --optimizer sdlm|sgd   (default: sgd for modern, else sdlm)\n"
        "  --lr X                 SGD: the rate of pass 1 (default 0.1)\n"
        "  --momentum X           SGD: momentum (default 0.9)\n"
        "  --batch N              SGD: patterns per step (default 64)\n"
        "  --schedule const|cosine  SGD: the rate by pass (default cosine)\n",
        DISTORT_TRANSLATE, DISTORT_SCALE, DISTORT_SQUEEZE, DISTORT_SHEAR);
    /* two strings: one would be longer than C99 promises to compile */
    fputs(
        "  -o MODEL               the trained model; MODEL.ckpt is the checkpoint\n"
        "  --log FILE.tsv         one row per pass (default MODEL.log.tsv)\n"
        "  --eval all|last        end-of-pass training and test errors after every pass\n"
        "                         (default) or after the last only (NaN in the other rows)\n"
        "  --settings             print the settings line these options give, and exit\n"
        "  --resume CKPT          continue from a checkpoint (same options and data as the\n"
        "                         run that wrote it); ends with the same bytes as an\n"
        "                         uninterrupted run\n"
        "  --restart              start over although MODEL.ckpt holds an unfinished run\n"
        "                         (without it, or --resume, that is refused)\n\n"
        "Per pass, stdout gets one row: pass, eta, eps_k min/median/max, on-the-fly training\n"
        "error, end-of-pass training and test error (%), mean loss, seconds (the whole pass)\n"
        "and train_seconds (without the evaluation). Ctrl-C finishes the current pattern\n"
        "(SGD: the current batch), writes the checkpoint and exits 130.\n", stdout);
}

int cmd_train(int argc, char **argv) {
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},   {"passes", required_argument, 0, 'P'},
        {"train-size", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},
        {"loss", required_argument, 0, 'L'},   {"j", required_argument, 0, 'j'},
        {"mu", required_argument, 0, 'u'},     {"eta-scale", required_argument, 0, 'e'},
        {"hessian-samples", required_argument, 0, 'H'},
        {"hessian-every", required_argument, 0, 'E'},
        {"arch", required_argument, 0, 'a'},   {"init", required_argument, 0, 'i'},
        {"output", required_argument, 0, 'o'}, {"log", required_argument, 0, 'l'},
        {"resume", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'},
        {"settings", no_argument, 0, 'G'},
        {"eps-max", required_argument, 0, 'X'},
        {"distort", no_argument, 0, 'D'},
        {"distort-translate", required_argument, 0, 'T'},
        {"distort-scale", required_argument, 0, 'S'},
        {"distort-squeeze", required_argument, 0, 'Q'},
        {"distort-shear", required_argument, 0, 'R'},
        {"distort-field", required_argument, 0, 'F'},
        {"optimizer", required_argument, 0, 'O'}, {"lr", required_argument, 0, 'y'},
        {"momentum", required_argument, 0, 'M'}, {"batch", required_argument, 0, 'B'},
        {"schedule", required_argument, 0, 'C'}, {"eval", required_argument, 0, 'V'},
        {"restart", no_argument, 0, 'W'},
        {0, 0, 0, 0}};
    train_opts o = {NULL, NULL, NULL, NULL, 20, 60000, 1, SDLM_HESSIAN_SAMPLES, 0, LOSS_MAP,
                    1.0, SDLM_MU, 1.0, LENET_ARCH_LENET5, LENET_INIT_PAPER, 0,
                    0, DISTORT_DEFAULT, DISTORT_FIELD, OPT_SDLM, 0.1, 0.9, 64, SCHED_COSINE, SDLM_EPS_MAX, 0};
    int c, loss_given = 0, ranges_given = 0, print_settings = 0, hs_given = 0;
    int opt_given = 0, sgd_given = 0, sdlm_given = 0;
    int restart = 0; /* --restart: replace an unfinished run's checkpoint (checkpoint.h) */
    const char *C = "train";
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return 0;
        case 'G': print_settings = 1; break;
        case 'd': o.data = optarg; break;
        case 'P': if (cli_long("--passes", optarg, 1, 1000, &o.passes)) return EXIT_USAGE; break;
        case 'n': if (cli_long("--train-size", optarg, 1, 60000, &o.train_size)) return EXIT_USAGE; break;
        case 's': if (cli_long("--seed", optarg, 0, 4294967295L, &o.seed)) return EXIT_USAGE; break;
        case 'X': sdlm_given = 1; if (cli_double("--eps-max", optarg, 0, 1, &o.eps_max)) return EXIT_USAGE; break;
        case 'E': sdlm_given = 1; if (cli_long("--hessian-every", optarg, 0, 60000, &o.hessian_every)) return EXIT_USAGE; break;
        case 'H': sdlm_given = hs_given = 1; if (cli_long("--hessian-samples", optarg, 1, 60000, &o.hessian_samples)) return EXIT_USAGE; break;
        case 'j': if (cli_double("--j", optarg, -100, 1000, &o.j)) return EXIT_USAGE; break;
        case 'u': sdlm_given = 1; if (cli_double("--mu", optarg, 1e-9, 1e6, &o.mu)) return EXIT_USAGE; break;
        case 'e': sdlm_given = 1; if (cli_double("--eta-scale", optarg, 1e-6, 1e6, &o.eta_scale)) return EXIT_USAGE; break;
        case 'L':
            loss_given = 1;
            if (strcmp(optarg, "map") == 0) o.loss = LOSS_MAP;
            else if (strcmp(optarg, "mse") == 0) o.loss = LOSS_MSE;
            else if (strcmp(optarg, "softmax") == 0) o.loss = LOSS_SOFTMAX;
            else return cli_usage_error(C, "--loss: '%s' is not map, mse or softmax", optarg);
            break;
        case 'a':
            if (lenet_arch_parse(&o.arch, optarg) != 0)
                return cli_usage_error(C, "--arch: unknown architecture '%s'", optarg);
            break;
        case 'i':
            if (strcmp(optarg, "paper") == 0) o.init = LENET_INIT_PAPER;
            else if (strcmp(optarg, "torch") == 0) o.init = LENET_INIT_TORCH;
            else if (strcmp(optarg, "sqrt") == 0) o.init = LENET_INIT_SQRT;
            else return cli_usage_error(C, "--init: '%s' is not paper, sqrt or torch", optarg);
            o.init_given = 1;
            break;
        case 'O':
            if (strcmp(optarg, "sdlm") == 0) o.opt = OPT_SDLM;
            else if (strcmp(optarg, "sgd") == 0) o.opt = OPT_SGD;
            else return cli_usage_error(C, "--optimizer: '%s' is not sdlm or sgd", optarg);
            opt_given = 1;
            break;
        case 'y': sgd_given = 1; if (cli_double("--lr", optarg, 1e-9, 100, &o.lr)) return EXIT_USAGE; break;
        case 'M': sgd_given = 1; if (cli_double("--momentum", optarg, 0, 0.999999, &o.momentum)) return EXIT_USAGE; break;
        case 'B': sgd_given = 1; if (cli_long("--batch", optarg, 1, 60000, &o.batch)) return EXIT_USAGE; break;
        case 'C':
            sgd_given = 1;
            if (strcmp(optarg, "const") == 0) o.schedule = SCHED_CONST;
            else if (strcmp(optarg, "cosine") == 0) o.schedule = SCHED_COSINE;
            else return cli_usage_error(C, "--schedule: '%s' is not const or cosine", optarg);
            break;
        case 'V':
            if (strcmp(optarg, "all") == 0) o.eval_last = 0;
            else if (strcmp(optarg, "last") == 0) o.eval_last = 1;
            else return cli_usage_error(C, "--eval: '%s' is not all or last", optarg);
            break;
        case 'o': o.out = optarg; break;
        case 'l': o.log = optarg; break;
        case 'r': o.resume = optarg; break;
        case 'W': restart = 1; break;
        case 'D': o.distort = 1; break;
        case 'T': ranges_given = 1; if (cli_double("--distort-translate", optarg, 0, 10, &o.dg.translate)) return EXIT_USAGE; break;
        case 'S': ranges_given = 1; if (cli_double("--distort-scale", optarg, 0, 0.9, &o.dg.scale)) return EXIT_USAGE; break;
        case 'Q': ranges_given = 1; if (cli_double("--distort-squeeze", optarg, 0, 0.9, &o.dg.squeeze)) return EXIT_USAGE; break;
        case 'R': ranges_given = 1; if (cli_double("--distort-shear", optarg, 0, 2, &o.dg.shear)) return EXIT_USAGE; break;
        case 'F': {
            long f;
            ranges_given = 1;
            if (cli_long("--distort-field", optarg, DISTORT_SIDE, DISTORT_FIELD, &f)) return EXIT_USAGE;
            if (f != DISTORT_SIDE && f != DISTORT_FIELD)
                return cli_usage_error(C, "--distort-field: %ld is not 28 or 32", f);
            o.dfield = (int)f;
            break;
        }
        default: return cli_bad_option(C, opts, argv);
        }
    }
    if (optind < argc) return cli_usage_error(C, "unexpected argument '%s'", argv[optind]);
    if (!o.out && !print_settings) return cli_usage_error(C, "-o MODEL is required");
    if (restart && o.resume) return cli_usage_error(C, "--restart and --resume contradict each other");
    if (ranges_given && !o.distort)
        return cli_usage_error(C, "--distort-translate/scale/squeeze/shear need --distort");
    if (o.arch.out == LENET_OUT_RBF && o.loss == LOSS_SOFTMAX)
        return cli_usage_error(C, "--loss softmax needs a linear output (--arch modern)");
    if (o.arch.out == LENET_OUT_LINEAR) {
        if (loss_given && o.loss != LOSS_SOFTMAX)
            return cli_usage_error(C, "--loss %s needs the RBF output; a linear output trains "
                                      "with softmax", loss_name(o.loss));
        o.loss = LOSS_SOFTMAX;
    }
    if (!o.init_given && lenet_arch_equal(&o.arch, &LENET_ARCH_MODERN)) o.init = LENET_INIT_TORCH;
    if (!opt_given && lenet_arch_equal(&o.arch, &LENET_ARCH_MODERN)) o.opt = OPT_SGD;
    if (sgd_given && o.opt != OPT_SGD)
        return cli_usage_error(C, "--lr, --momentum, --batch and --schedule are for "
                                  "--optimizer sgd");
    if (sdlm_given && o.opt != OPT_SDLM)
        return cli_usage_error(C, "--mu, --eta-scale and --hessian-samples are for "
                                  "--optimizer sdlm");
    if (hs_given && o.hessian_samples > o.train_size)
        return cli_usage_error(C, "--hessian-samples %ld is more than the %ld training patterns",
                               o.hessian_samples, o.train_size);
    if (o.hessian_samples > o.train_size) o.hessian_samples = o.train_size;
    if (o.hessian_every >= o.train_size)
        return cli_usage_error(C, "--hessian-every %ld never comes within a pass of %ld "
                                  "patterns (0 = once per pass)", o.hessian_every, o.train_size);

    char err[1024], settings[1024], ckpt[4200], logpath[4200];
    settings_line(settings, sizeof settings, &o);
    if (print_settings) {
        puts(settings);
        return 0;
    }
    snprintf(ckpt, sizeof ckpt, "%s.ckpt", o.out);
    snprintf(logpath, sizeof logpath, "%s", o.log ? o.log : "");
    if (!o.log) snprintf(logpath, sizeof logpath, "%s.log.tsv", o.out);
    {
        const char *const names[] = {"-o", "--log", "the checkpoint (-o).ckpt"};
        const char *const paths[] = {o.out, logpath, ckpt};
        if (cli_check_paths(C, 3, names, paths)) return EXIT_USAGE;
    }

    mnist_set tr, te;
    char ddir[4200];
    if (cli_find_data(C, o.data, ddir, sizeof ddir) != 0) return 1;
    o.data = ddir;
    if (mnist_load(&tr, o.data, "train", err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        return 1;
    }
    if (mnist_load(&te, o.data, "test", err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        mnist_free(&tr);
        return 1;
    }
    /* an output that cannot be written (a directory, an input, ...) is refused now, not
     * after the first pass */
    if (afile_check(o.out, err, sizeof err) != 0 || afile_check(logpath, err, sizeof err) != 0 ||
        afile_check(ckpt, err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        mnist_free(&tr);
        mnist_free(&te);
        return 1;
    }
    if (o.train_size > tr.n) {
        mnist_free(&tr);
        mnist_free(&te);
        return cli_usage_error(C, "--train-size %ld is larger than the training set (%d)",
                               o.train_size, tr.n);
    }
    /* the run's outputs are its own (MODEL.lock), and an unfinished run is not replaced */
    char lockpath[4200];
    snprintf(lockpath, sizeof lockpath, "%s.lock", o.out);
    const int lockfd = afile_lock(lockpath, err, sizeof err);
    if (lockfd < 0 || (!o.resume && !restart && checkpoint_check_fresh(ckpt, err, sizeof err) != 0)) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        afile_unlock(lockfd, lockpath);
        mnist_free(&tr);
        mnist_free(&te);
        return 1;
    }
    const long N = o.train_size;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r) gsl_rng_set(r, (unsigned long)o.seed);
    train_state st = {1, 0, 0, 0, 0, NULL, 0, 0, checkpoint_data_sum(&tr, &te), o.passes};
    lenet_model *m = NULL;
    real *eps = NULL, *vel = NULL; /* SDLM step sizes; SGD velocity */
    lenet_acts *a = lenet_acts_alloc();
    size_t *order = malloc(sizeof(size_t) * (size_t)N);
    size_t *sample = malloc(sizeof(size_t) * (size_t)o.hessian_samples);
    int rc = 0;
    if (!r || !a || !order || !sample) {
        fprintf(stderr, "lenet98 train: out of memory\n");
        rc = 1;
        goto out;
    }
    /* the one fixed random order, drawn first from the seed; then the init */
    for (long i = 0; i < N; i++) order[i] = (size_t)i;
    gsl_ran_shuffle(r, order, (size_t)N, sizeof(size_t));
    if (o.resume) {
        const ckpt_expect x = {settings, o.passes, N, &o.arch, o.opt == OPT_SGD,
                               (uint64_t)o.seed, st.data_sum};
        m = checkpoint_read(o.resume, &x, &st, r, &eps, &vel, err, sizeof err);
        if (!m) {
            fprintf(stderr, "lenet98 train: %s\n", err);
            rc = 1;
            goto out;
        }
        if ((o.opt == OPT_SGD) != (vel != NULL) || st.pass < 1 || st.pass > o.passes + 1 ||
            st.pos < 0 || st.pos >= N) {
            fprintf(stderr, "lenet98 train: %s: malformed checkpoint (pass %ld, pattern %ld)\n",
                    o.resume, st.pass, st.pos);
            rc = 1;
            goto out;
        }
        fprintf(stderr, "lenet98 train: resuming at pass %ld, pattern %ld\n", st.pass, st.pos);
    } else {
        m = lenet_alloc(&o.arch);
        eps = m ? malloc(m->n * sizeof(real)) : NULL;
        vel = m && o.opt == OPT_SGD ? calloc(m->n, sizeof(real)) : NULL;
        if (!m || !eps || (o.opt == OPT_SGD && !vel)) {
            fprintf(stderr, "lenet98 train: out of memory\n");
            rc = 1;
            goto out;
        }
        lenet_init(m, o.init, r);
    }
    lenet_zero_grad(m);

    printf("# lenet98 train: %s\n# revision %s\n", settings, cli_revision());
    printf("%s", LOG_COLUMNS);
    if (st.log) fputs(st.log, stdout);
    fflush(stdout);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    const int tty = isatty(2);
    const char *fault = getenv("LENET98_FAULT_NAN"); /* test-only: "PASS,PATTERN" */
    long fault_pass = -1, fault_pos = -1;
    if (fault && sscanf(fault, "%ld,%ld", &fault_pass, &fault_pos) != 2) fault_pass = -1;
    const char *stop = getenv("LENET98_STOP_AT"); /* test-only: Ctrl-C at "PASS,PATTERN" */
    /* test-only: "PASS,PATTERN": SIGSTOP there, so tests/faults.sh can kill or interrupt
     * training at a known point without racing it */
    const char *fstop = getenv("LENET98_FAULT_STOP");
    long fstop_pass = -1, fstop_pos = -1;
    if (fstop && sscanf(fstop, "%ld,%ld", &fstop_pass, &fstop_pos) != 2) fstop_pass = -1;
    long stop_pass = -1, stop_pos = -1;
    if (stop && sscanf(stop, "%ld,%ld", &stop_pass, &stop_pos) != 2) stop_pass = -1;

    for (; st.pass <= o.passes; st.pass++, st.pos = 0) {
        const double eta = o.opt == OPT_SDLM ? sdlm_eta((int)st.pass) * o.eta_scale
                                             : sgd_rate(&o, st.pass);
        double t0 = now();
        if (st.pos == 0 && o.opt == OPT_SDLM) {
            /* App. C: h_kk on a sample, fixed for the pass */
            estimate_eps(eps, m, a, &tr, order, N, sample, &o, r, eta, st.pass);
        }
        if (st.pos == 0) {
            st.otf_errors = 0;
            st.loss_sum = 0;
            st.seconds = 0;
        }
        double emin = eta, emed = eta, emax = eta;
        if (o.opt == OPT_SDLM) sdlm_eps_summary(eps, m->n, &emin, &emed, &emax);
        for (; st.pos < N; st.pos++) {
            const size_t p = order[st.pos];
            real dy[OUT_N], ddy[OUT_N];
            if (o.hessian_every && st.pos > 0 && st.pos % o.hessian_every == 0)
                estimate_eps(eps, m, a, &tr, order, N, sample, &o, r, eta, st.pass);
            if (st.pass == fault_pass && st.pos == fault_pos) m->w.f6w[0] = (real)NAN;
            if (st.pass == stop_pass && st.pos == stop_pos) interrupted = 1;
            if (st.pass == fstop_pass && st.pos == fstop_pos) raise(SIGSTOP);
            train_pattern(a->x.in, &tr, p, st.pass, &o);
            lenet_forward(m, a);
            const double e = loss_eval(o.loss, dy, ddy, a->x.out, tr.labels[p], o.j);
            st.otf_errors += lenet_predict(m, a->x.out) != tr.labels[p];
            if (!isfinite(e)) {
                char said[4400];
                fprintf(stderr,
                        "lenet98 train: loss is %g at pass %ld, pattern %ld (training image "
                        "%zu): stopping; %s\n", e, st.pass, st.pos, p,
                        checkpoint_describe(ckpt, settings, said, sizeof said));
                rc = 1;
                goto out;
            }
            st.loss_sum += e;
            lenet_backward(m, a, dy);
            /* the update: every pattern (SDLM), or at the end of each batch (SGD) */
            int stepped = 1;
            if (o.opt == OPT_SDLM)
                sdlm_update(m, eps);
            else if ((stepped = (st.pos + 1) % o.batch == 0 || st.pos + 1 == N))
                sgd_update(m, vel, st.pos % o.batch + 1, eta, o.momentum);
            if (interrupted && stepped) {
                st.pos++;
                st.seconds += now() - t0;
                if (checkpoint_write(ckpt, settings, &st, r, o.opt == OPT_SDLM ? eps : NULL,
                                     vel, m, (uint64_t)o.seed, err, sizeof err) != 0) {
                    fprintf(stderr, "lenet98 train: %s\n", err);
                    rc = 1;
                } else {
                    fprintf(stderr, "\nlenet98 train: interrupted at pass %ld, pattern %ld; "
                                    "checkpoint %s (continue with --resume %s)\n",
                            st.pass, st.pos, ckpt, ckpt);
                    rc = 130;
                }
                goto out;
            }
            if (tty && (st.pos & 4095) == 4095) {
                const double dt = now() - t0 + st.seconds, rate = (st.pos + 1) / dt;
                fprintf(stderr, "\rpass %ld/%ld  %6.0f patterns/s  running error %5.2f%%  "
                                "%4.0f s left in pass ",
                        st.pass, o.passes, rate, 100.0 * st.otf_errors / (st.pos + 1),
                        (N - st.pos - 1) / rate);
            }
        }
        int finite = 1;
        for (size_t k = 0; k < m->n; k++) finite &= isfinite(m->w.c1w[k]) != 0;
        if (!finite) {
            char said[4400];
            fprintf(stderr, "lenet98 train: a weight is not finite after pass %ld: stopping; %s\n",
                    st.pass, checkpoint_describe(ckpt, settings, said, sizeof said));
            rc = 1;
            goto out;
        }
        const double train_seconds = st.seconds + now() - t0;
        const int eval = !o.eval_last || st.pass == o.passes;
        const long tr_err = eval ? eval_set(m, &tr, N, NULL, NULL) : 0;
        const long te_err = !eval ? 0 : tr_err < 0 ? -1 : eval_set(m, &te, te.n, NULL, NULL);
        if (te_err < 0) {
            fprintf(stderr, "lenet98 train: out of memory (evaluating pass %ld)\n", st.pass);
            rc = 1;
            goto out;
        }
        st.seconds += now() - t0;
        if (tty) fprintf(stderr, "\r%78s\r", "");
        char row[512];
        snprintf(row, sizeof row,
                 "%ld\t%g\t%.3g\t%.3g\t%.3g\t%.3f\t%.3f\t%.2f\t%.6g\t%.1f\t%.1f\n", st.pass, eta,
                 emin, emed, emax, 100.0 * st.otf_errors / N, eval ? 100.0 * tr_err / N : NAN,
                 eval ? 100.0 * te_err / te.n : NAN, st.loss_sum / N, st.seconds, train_seconds);
        fputs(row, stdout);
        fflush(stdout);
        if (log_append(&st, row) != 0) {
            fprintf(stderr, "lenet98 train: out of memory\n");
            rc = 1;
            goto out;
        }
        /* the checkpoint names the next pass, not started */
        train_state next = st;
        next.pass = st.pass + 1;
        next.pos = 0;
        if (checkpoint_write(ckpt, settings, &next, r, o.opt == OPT_SDLM ? eps : NULL, vel, m,
                             (uint64_t)o.seed, err, sizeof err) != 0 ||
            log_write(logpath, settings, &st, err, sizeof err) != 0) {
            fprintf(stderr, "lenet98 train: %s\n", err);
            rc = 1;
            goto out;
        }
        /* stdout gone (a closed pipe, a full disk): stop here, where the checkpoint and the
         * log hold everything done so far */
        if (afile_stdout_failed()) {
            fprintf(stderr, "lenet98 train: stdout: write failed; stopping after pass %ld "
                            "(checkpoint %s, continue with --resume %s)\n", st.pass, ckpt, ckpt);
            rc = 1;
            goto out;
        }
    }
    if (model_save(m, (uint64_t)o.seed, o.out, err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        rc = 1;
    }
out:
    afile_unlock(lockfd, lockpath);
    free(st.log);
    free(order);
    free(sample);
    free(eps);
    free(vel);
    lenet_acts_free(a);
    lenet_free(m);
    gsl_rng_free(r);
    mnist_free(&tr);
    mnist_free(&te);
    return rc;
}
