/* train.c: `lenet98 train`, the command line of the training library (trainer.h): the flags
 * into a lenet_train_config, the passes into rows on stdout and progress on stderr, the
 * library's outcome into a message and an exit code. The test-only fault hooks
 * (LENET98_FAULT_NAN, LENET98_STOP_AT, LENET98_FAULT_STOP) are read here, in one place. */
#include "afile.h"
#include "checkpoint.h"
#include "cli.h"
#include "distort.h"
#include "trainer.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}

/* "PASS,PATTERN" from the environment variable name, or pass -1 (never) */
static void fault_at(const char *name, long *pass, long *pos) {
    const char *v = getenv(name);
    *pass = *pos = -1;
    if (v && sscanf(v, "%ld,%ld", pass, pos) != 2) *pass = -1;
}

/* test-only: LENET98_FAULT_NAN a NaN weight, LENET98_STOP_AT a Ctrl-C, LENET98_FAULT_STOP a
 * SIGSTOP (so tests/faults.sh can kill or interrupt training at a known point without
 * racing it), each at "PASS,PATTERN" */
static lenet_train_faults faults_from_env(void) {
    lenet_train_faults f;
    fault_at("LENET98_FAULT_NAN", &f.nan_pass, &f.nan_pos);
    fault_at("LENET98_STOP_AT", &f.stop_pass, &f.stop_pos);
    fault_at("LENET98_FAULT_STOP", &f.sigstop_pass, &f.sigstop_pos);
    return f;
}

typedef struct {
    int tty;     /* stderr is a terminal: a progress line within each pass */
    int tty_out; /* stdout is a terminal: the rows aligned in columns (else TSV, as the log) */
    long passes, n;
    double eval_seconds; /* the last pass's evaluation, for the time left (0: none yet) */
} train_cli;

/* a TSV line on a terminal: each field right-aligned to its column's width (the header's
 * names, at least 8 wide); comments as they are */
static void put_aligned(const char *line) {
    if (line[0] == '#') {
        fputs(line, stdout);
        return;
    }
    static const char *const names = LENET_TRAIN_LOG_COLUMNS;
    const char *n = names;
    for (const char *f = line; *f && *f != '\n';) {
        const size_t len = strcspn(f, "\t\n"), nlen = strcspn(n, "\t\n");
        const int w = nlen < 8 ? 8 : (int)nlen;
        printf("%s%*.*s", f == line ? "" : " ", w, (int)len, f);
        f += len;
        if (*f == '\t') f++;
        n += nlen;
        if (*n == '\t') n++;
    }
    putchar('\n');
}

/* stdout's rows: TSV in files and pipes, aligned on a terminal; text may hold several lines */
static void put_rows(const train_cli *t, const char *text) {
    if (!t->tty_out) {
        fputs(text, stdout);
        return;
    }
    while (*text) {
        const char *e = strchr(text, '\n');
        const size_t len = e ? (size_t)(e - text) + 1 : strlen(text);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), text);
        put_aligned(line);
        text += len;
    }
}

static void on_start(void *ctx, const lenet_train_start *s) {
    const train_cli *t = ctx;
    if (s->resumed)
        fprintf(stderr, "lenet98 train: resuming at pass %ld, pattern %ld\n", s->pass, s->pos);
    printf("# lenet98 train: %s\n# revision %s\n", s->settings, s->revision);
    put_rows(t, LENET_TRAIN_LOG_COLUMNS);
    put_rows(t, s->log);
    fflush(stdout);
}

/* seconds as "1h02m", "3m05s" or "42s" */
static void fmt_left(char *buf, size_t n, double s) {
    const long k = s < 0 ? 0 : (long)(s + 0.5);
    if (k >= 3600) snprintf(buf, n, "%ldh%02ldm", k / 3600, k / 60 % 60);
    else if (k >= 60) snprintf(buf, n, "%ldm%02lds", k / 60, k % 60);
    else snprintf(buf, n, "%lds", k);
}

static void on_progress(void *ctx, long pass, long pos, long otf_errors, double seconds) {
    const train_cli *t = ctx;
    if (!t->tty) return;
    const double rate = (pos + 1) / seconds;
    /* this pass's training left, then each pass to come at this rate plus its evaluation */
    const double pass_left = (t->n - pos - 1) / rate;
    const double run_left = pass_left + t->eval_seconds +
                            (double)(t->passes - pass) * (t->n / rate + t->eval_seconds);
    char a[32], b[32];
    fmt_left(a, sizeof a, pass_left);
    fmt_left(b, sizeof b, run_left);
    fprintf(stderr, "\rpass %ld/%ld  %6.0f patterns/s  running error %5.2f%%  %s left in "
                    "pass, %s in run ",
            pass, t->passes, rate, 100.0 * otf_errors / (pos + 1), a, b);
}

/* the row on stdout; non-zero (stop) if stdout is gone */
static int on_pass(void *ctx, const lenet_train_pass *p) {
    train_cli *t = ctx;
    if (t->tty) fprintf(stderr, "\r%100s\r", "");
    t->eval_seconds = p->seconds - p->train_seconds;
    put_rows(t, p->row);
    fflush(stdout);
    return afile_stdout_failed();
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
        "  --valid N              hold out the last N of the 60,000 training patterns as a\n"
        "                         validation set: train on the ones before (--train-size\n"
        "                         of them, default all), report valid_err, and never\n"
        "                         evaluate the test set (test_err NaN); the model's\n"
        "                         rejection threshold is set on the N (default 0: none)\n"
        "  --stop-diverged        stop after a pass whose on-the-fly training error is 80%%\n"
        "                         or more (chance: 90%%), reported as diverged\n"
        "  --loss map|mse         Eq. 9 (default) or Eq. 8\n"
        "  --j X                  the constant j of Eq. 9 (default 1)\n"
        "  --mu X                 Eq. 21 (default 0.02)\n"
        "  --eta-scale X          multiply every eta of the schedule by X (default 1)\n"
        "  --hessian-samples N    patterns per h_kk estimate (default 500)\n"
        "  --eps-max X            no eps_k above X (default 0.001; 0: none, as published,\n"
        "                         which diverges: README 'Choices and deviations')\n"
        "  --hkk-subsample eq23|block  h_kk of the sub-sampling coefficients: Eq. 23 read\n"
        "                         literally (default; each unit's 4 connections, sum x_q^2)\n"
        "                         or the block's sum as one input (s^2; README)\n"
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
        "  --lr X                 SGD: the rate of pass 1 (default %g, chosen on a validation split)\n"
        "  --momentum X           SGD: momentum (default 0.9)\n"
        "  --batch N              SGD: patterns per step (default 64)\n"
        "  --schedule const|cosine  SGD: the rate by pass (default cosine)\n",
        DISTORT_TRANSLATE, DISTORT_SCALE, DISTORT_SQUEEZE, DISTORT_SHEAR, SGD_LR);
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
        "and train_seconds (without the evaluation), valid_err (--valid). Ctrl-C finishes\n"
        "the current pattern (SGD: the current batch), writes the checkpoint and exits 130.\n", stdout);
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
        {"hkk-subsample", required_argument, 0, 'K'},
        {"restart", no_argument, 0, 'W'},
        {"valid", required_argument, 0, 'v'}, {"stop-diverged", no_argument, 0, 'Z'},
        {0, 0, 0, 0}};
    lenet_train_config o;
    lenet_train_config_default(&o);
    const char *data = NULL, *out = NULL, *log = NULL;
    int init_given = 0;
    int c, loss_given = 0, ranges_given = 0, print_settings = 0, hs_given = 0;
    int restart = 0; /* --restart: replace an unfinished run's checkpoint (checkpoint.h) */
    int opt_given = 0, sgd_given = 0, sdlm_given = 0, size_given = 0;
    const char *C = "train";
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return 0;
        case 'G': print_settings = 1; break;
        case 'd': data = optarg; break;
        case 'P': if (cli_long("--passes", optarg, 1, 1000, &o.passes)) return EXIT_USAGE; break;
        case 'n': size_given = 1; if (cli_long("--train-size", optarg, 1, 60000, &o.train_size)) return EXIT_USAGE; break;
        case 'v': if (cli_long("--valid", optarg, 0, 59999, &o.valid)) return EXIT_USAGE; break;
        case 'Z': o.stop_diverged = 1; break;
        case 's': if (cli_long("--seed", optarg, 0, 4294967295L, &o.seed)) return EXIT_USAGE; break;
        case 'X': sdlm_given = 1; if (cli_double("--eps-max", optarg, 0, 1, &o.optim.eps_max)) return EXIT_USAGE; break;
        case 'E': sdlm_given = 1; if (cli_long("--hessian-every", optarg, 0, 60000, &o.hessian_every)) return EXIT_USAGE; break;
        case 'H': sdlm_given = hs_given = 1; if (cli_long("--hessian-samples", optarg, 1, 60000, &o.hessian_samples)) return EXIT_USAGE; break;
        case 'j': if (cli_double("--j", optarg, -100, 1000, &o.j)) return EXIT_USAGE; break;
        case 'u': sdlm_given = 1; if (cli_double("--mu", optarg, 1e-9, 1e6, &o.optim.mu)) return EXIT_USAGE; break;
        case 'e': sdlm_given = 1; if (cli_double("--eta-scale", optarg, 1e-6, 1e6, &o.optim.eta_scale)) return EXIT_USAGE; break;
        case 'L':
            loss_given = 1;
            if (strcmp(optarg, "map") == 0) o.loss = LOSS_MAP;
            else if (strcmp(optarg, "mse") == 0) o.loss = LOSS_MSE;
            else if (strcmp(optarg, "softmax") == 0) o.loss = LOSS_SOFTMAX;
            else return cli_usage_error(C, "--loss: '%s' is not map, mse or softmax", optarg);
            break;
        case 'a':
            if (cli_arch(optarg, &o.arch)) return EXIT_USAGE;
            break;
        case 'i':
            if (strcmp(optarg, "paper") == 0) o.init = LENET_INIT_PAPER;
            else if (strcmp(optarg, "torch") == 0) o.init = LENET_INIT_TORCH;
            else if (strcmp(optarg, "sqrt") == 0) o.init = LENET_INIT_SQRT;
            else return cli_usage_error(C, "--init: '%s' is not paper, sqrt or torch", optarg);
            init_given = 1;
            break;
        case 'O':
            if (strcmp(optarg, "sdlm") == 0) o.optim.kind = OPTIM_SDLM;
            else if (strcmp(optarg, "sgd") == 0) o.optim.kind = OPTIM_SGD;
            else return cli_usage_error(C, "--optimizer: '%s' is not sdlm or sgd", optarg);
            opt_given = 1;
            break;
        case 'y': sgd_given = 1; if (cli_double("--lr", optarg, 1e-9, 100, &o.optim.lr)) return EXIT_USAGE; break;
        case 'M': sgd_given = 1; if (cli_double("--momentum", optarg, 0, 0.999999, &o.optim.momentum)) return EXIT_USAGE; break;
        case 'B': sgd_given = 1; if (cli_long("--batch", optarg, 1, 60000, &o.optim.batch)) return EXIT_USAGE; break;
        case 'C':
            sgd_given = 1;
            if (strcmp(optarg, "const") == 0) o.optim.schedule = OPTIM_SCHED_CONST;
            else if (strcmp(optarg, "cosine") == 0) o.optim.schedule = OPTIM_SCHED_COSINE;
            else return cli_usage_error(C, "--schedule: '%s' is not const or cosine", optarg);
            break;
        case 'V':
            if (strcmp(optarg, "all") == 0) o.eval_last = 0;
            else if (strcmp(optarg, "last") == 0) o.eval_last = 1;
            else return cli_usage_error(C, "--eval: '%s' is not all or last", optarg);
            break;
        case 'K':
            sdlm_given = 1;
            if (strcmp(optarg, "eq23") == 0) o.optim.hkk_subsample = LENET_HKK_EQ23;
            else if (strcmp(optarg, "block") == 0) o.optim.hkk_subsample = LENET_HKK_BLOCK;
            else return cli_usage_error(C, "--hkk-subsample: '%s' is not eq23 or block", optarg);
            break;
        case 'o': out = optarg; break;
        case 'l': log = optarg; break;
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
    if (!out && !print_settings) return cli_usage_error(C, "-o MODEL is required");
    if (restart && o.resume) return cli_usage_error(C, "--restart and --resume contradict each other");
    if (ranges_given && !o.distort)
        return cli_usage_error(C, "--distort-translate/scale/squeeze/shear need --distort");
    if (o.arch.out == LENET_OUT_RBF && o.loss == LOSS_SOFTMAX)
        return cli_usage_error(C, "--loss softmax needs a linear output (--arch modern)");
    if (o.arch.out == LENET_OUT_LINEAR) {
        if (loss_given && o.loss != LOSS_SOFTMAX)
            return cli_usage_error(C, "--loss %s needs the RBF output; a linear output trains "
                                      "with softmax", lenet_loss_name(o.loss));
        o.loss = LOSS_SOFTMAX;
    }
    if (!init_given && lenet_arch_equal(&o.arch, &LENET_ARCH_MODERN)) o.init = LENET_INIT_TORCH;
    if (!opt_given && lenet_arch_equal(&o.arch, &LENET_ARCH_MODERN)) o.optim.kind = OPTIM_SGD;
    if (sgd_given && o.optim.kind != OPTIM_SGD)
        return cli_usage_error(C, "--lr, --momentum, --batch and --schedule are for "
                                  "--optimizer sgd");
    if (sdlm_given && o.optim.kind != OPTIM_SDLM)
        return cli_usage_error(C, "--mu, --eta-scale and --hessian-samples are for "
                                  "--optimizer sdlm");
    /* the validation split is the end of the 60,000: by default train on all before it */
    if (o.valid && !size_given) o.train_size = 60000 - o.valid;
    if (hs_given && o.hessian_samples > o.train_size)
        return cli_usage_error(C, "--hessian-samples %ld is more than the %ld training patterns",
                               o.hessian_samples, o.train_size);
    if (o.hessian_samples > o.train_size) o.hessian_samples = o.train_size;
    if (o.hessian_every >= o.train_size)
        return cli_usage_error(C, "--hessian-every %ld never comes within a pass of %ld "
                                  "patterns (0 = once per pass)", o.hessian_every, o.train_size);

    char err[1024], settings[1024], ckpt[4200] = "", logpath[4200] = "", lockpath[4200] = "";
    char loglock[4300] = ""; /* LOG.lock, when --log is given */
    if (!print_settings) {
        /* the model is a file, and its checkpoint, lock and default log are named after it:
         * stdout or a device would put them beside it (/dev/null.ckpt) or mix the model
         * into the rows */
        if (afile_is_stdout(out)) /* "-", or the file stdout already is (afile.h) */
            return cli_usage_error(C, "-o %s: train writes its model to a file (its "
                                      "checkpoint and log are named after it); the rows go to "
                                      "stdout anyway", out);
        if (log && afile_is_stdout(log))
            return cli_usage_error(C, "--log %s: the log is a file; the same rows go to stdout "
                                      "anyway", log);
        struct stat so;
        if (stat(out, &so) == 0 && !S_ISREG(so.st_mode) && !S_ISDIR(so.st_mode))
            return cli_usage_error(C, "-o %s: not a regular file (a device or FIFO): the "
                                      "model, its checkpoint %s.ckpt and its log are files",
                                   out, out);
        snprintf(ckpt, sizeof ckpt, "%s.ckpt", out);
        snprintf(lockpath, sizeof lockpath, "%s.lock", out);
        snprintf(logpath, sizeof logpath, "%s", log ? log : "");
        if (!log) snprintf(logpath, sizeof logpath, "%s.log.tsv", out);
        if (log) snprintf(loglock, sizeof loglock, "%s.lock", logpath);
        const char *const names[] = {"-o", "--log", "the checkpoint (-o).ckpt",
                                     "the lock (-o).lock", "the log's lock (--log).lock"};
        const char *const paths[] = {out, logpath, ckpt, lockpath, log ? loglock : NULL};
        if (cli_check_paths(C, 5, names, paths)) return EXIT_USAGE;
    }

    mnist_set tr, te;
    char ddir[4200];
    if (cli_find_data(C, data, ddir, sizeof ddir) != 0) return 1;
    if (mnist_load(&tr, ddir, "train", err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        return 1;
    }
    if (mnist_load(&te, ddir, "test", err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        mnist_free(&tr);
        return 1;
    }
    if (o.train_size + o.valid > tr.n) {
        const int have = tr.n; /* mnist_free clears it */
        mnist_free(&tr);
        mnist_free(&te);
        if (o.valid)
            return cli_usage_error(C, "--train-size %ld and --valid %ld need %ld training "
                                      "patterns; the training set has %d", o.train_size,
                                   o.valid, o.train_size + o.valid, have);
        return cli_usage_error(C, "--train-size %ld is larger than the training set (%d)",
                               o.train_size, have);
    }
    o.train = &tr;
    o.test = &te;
    lenet_train_settings(settings, sizeof settings, &o);
    if (print_settings) {
        /* nothing trained or written: the run's description, with its data's checksum */
        mnist_free(&tr);
        mnist_free(&te);
        puts(settings);
        return 0;
    }
    /* an output that cannot be written (a directory, an input, ...) is refused now, not
     * after the first pass */
    if (afile_check(out, err, sizeof err) != 0 || afile_check(logpath, err, sizeof err) != 0 ||
        afile_check(ckpt, err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        mnist_free(&tr);
        mnist_free(&te);
        return 1;
    }
    /* the run's outputs are its own (MODEL.lock), and an unfinished run is not replaced */
    const int lockfd = afile_lock(lockpath, err, sizeof err);
    /* a --log of its own is locked too (LOG.lock): two runs with other -o must not both
     * rewrite one log */
    const int logfd = lockfd < 0 || !log ? -1 : afile_lock(loglock, err, sizeof err);
    if (lockfd < 0 || (log && logfd < 0) ||
        (!o.resume && !restart && checkpoint_check_fresh(ckpt, err, sizeof err) != 0)) {
        fprintf(stderr, "lenet98 train: %s\n", err);
        afile_unlock(logfd, loglock);
        afile_unlock(lockfd, lockpath);
        mnist_free(&tr);
        mnist_free(&te);
        return 1;
    }

    o.out = out;
    o.log = logpath;
    /* a new run over a finished model replaces its log with it, at the end: until then the
     * model and the log at their names stay one run's (the rows print as they come) */
    struct stat sm;
    o.log_at_end = stat(out, &sm) == 0 && S_ISREG(sm.st_mode);
    o.checkpoint = ckpt;
    o.interrupt = &interrupted;
    o.faults = faults_from_env();

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    train_cli cli = {isatty(2), isatty(1), o.passes, o.train_size, 0};
    const lenet_train_hooks hooks = {&cli, on_start, on_pass, on_progress};
    lenet_train_result res;
    const int status = lenet_train(&o, &hooks, &res, err, sizeof err);
    int rc = 0;
    switch (status) {
    case LENET_TRAIN_OK:
        if (res.diverged)
            fprintf(stderr, "lenet98 train: diverged: on-the-fly training error %.0f%% or more "
                            "in pass %ld (chance 90%%); stopped there (--stop-diverged), model "
                            "and log written\n", LENET_DIVERGED_ERR, res.pass);
        break;
    case LENET_TRAIN_INTERRUPTED:
        /* (on a terminal, first the end of the live progress line) */
        fprintf(stderr, "%slenet98 train: interrupted at pass %ld, pattern %ld; checkpoint %s "
                        "(continue with --resume %s)\n", cli.tty ? "\n" : "", res.pass, res.pos,
                ckpt, ckpt);
        rc = 130;
        break;
    case LENET_TRAIN_STOPPED:
        /* stdout gone (a closed pipe, a full disk): stopped where the checkpoint and the
         * log hold everything done so far */
        fprintf(stderr, "lenet98 train: stdout: write failed; stopping after pass %ld "
                        "(checkpoint %s, continue with --resume %s)\n", res.pass, ckpt, ckpt);
        rc = 1;
        break;
    default:
        fprintf(stderr, "lenet98 train: %s\n", err);
        rc = 1;
    }
    afile_unlock(logfd, loglock);
    afile_unlock(lockfd, lockpath);
    mnist_free(&tr);
    mnist_free(&te);
    return rc;
}
