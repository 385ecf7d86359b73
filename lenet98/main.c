/* main.c: the lenet98 command line. Subcommands: info, prototypes, init, eval, train (the
 * paper's SDLM, or mini-batch SGD with momentum, the default of the modern variant),
 * classify.
 * Results go to stdout; progress and errors to stderr. Exit 0 ok, 1 I/O or data error,
 * 2 usage error, 130 interrupted. */
#include "afile.h"
#include "classify.h"
#include "cli.h"
#include "eval.h"
#include "model.h"
#include "pgm.h"
#include "revision.h"

#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <signal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const USAGE =
    "usage: lenet98 COMMAND [OPTIONS]\n"
    "LeNet-5 as in LeCun, Bottou, Bengio & Haffner (1998), and the modern variant.\n\n"
    "commands:\n"
    "  info         the layers: maps, parameters, connections, multiply-adds\n"
    "  prototypes   the ten fixed 7x12 output codes (Figure 3)\n"
    "  init         write a freshly initialised model\n"
    "  train        train (SDLM, Sec. III-B / App. C, or mini-batch SGD), writes a model\n"
    "               and a log\n"
    "  eval         error rate of a model on MNIST\n"
    "  classify     classify digit images (PGM) with a trained model\n"
    "  digits       write MNIST digits as PGM images, to try classify on\n\n"
    "'lenet98 COMMAND --help' describes each; 'lenet98 --version' prints the revision.\n";

/* ---- info ---------------------------------------------------------------------------- */
int cmd_info(int argc, char **argv) {
    static const struct option opts[] = {{"arch", required_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {"tsv", no_argument, 0, 't'},
                                         {0, 0, 0, 0}};
    lenet_arch arch = LENET_ARCH_LENET5;
    int c, tsv = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: lenet98 info [--arch lenet5|modern|TAG] [--tsv]\n"
                   "Per layer: maps @ size, trainable parameters, connections (biases count,\n"
                   "as in Sec. II-B), multiply-adds per image; totals as plain integers.\n"
                   "--tsv: the same as TSV for scripts (layer maps h w params connections\n"
                   "mult_adds; the last row is total).\n");
            return 0;
        }
        if (c == 'a') {
            if (cli_arch(optarg, &arch)) return EXIT_USAGE;
        } else if (c == 't') {
            tsv = 1;
        } else {
            return cli_bad_option("info", opts, argv);
        }
    }
    if (optind < argc) return cli_usage_error("info", "unexpected argument '%s'", argv[optind]);
    lenet_model *m = lenet_alloc(&arch);
    if (!m) {
        fprintf(stderr, "lenet98 info: out of memory\n");
        return 1;
    }
    lenet_layer_info L[LENET_NLAYERS];
    lenet_info(m, L);
    char tag[128];
    lenet_arch_tag(&arch, tag, sizeof tag);
    long tp = 0, tc = 0, tm = 0;
    if (tsv) {
        printf("# lenet98 info --arch %s\nlayer\tmaps\th\tw\tparams\tconnections\tmult_adds\n", tag);
    } else {
        printf("architecture %s\n", tag);
        printf("%-16s %14s %10s %12s %12s\n", "layer", "maps @ size", "params", "connections",
               "mult-adds");
    }
    for (int i = 0; i < LENET_NLAYERS; i++) {
        if (tsv) {
            printf("%s\t%d\t%d\t%d\t%ld\t%ld\t%ld\n", L[i].name, L[i].maps, L[i].h, L[i].w,
                   L[i].params, L[i].connections, L[i].macs);
        } else {
            char shape[32];
            snprintf(shape, sizeof shape, "%d @ %dx%d", L[i].maps, L[i].h, L[i].w);
            printf("%-16s %14s %10ld %12ld %12ld\n", L[i].name, shape, L[i].params,
                   L[i].connections, L[i].macs);
        }
        tp += L[i].params;
        tc += L[i].connections;
        tm += L[i].macs;
    }
    if (tsv) printf("total\t\t\t\t%ld\t%ld\t%ld\n", tp, tc, tm);
    else printf("%-16s %14s %10ld %12ld %12ld\n", "total", "", tp, tc, tm);
    lenet_free(m);
    return 0;
}

/* ---- prototypes ---------------------------------------------------------------------- */
int cmd_prototypes(int argc, char **argv) {
    static const struct option opts[] = {{"pgm", required_argument, 0, 'p'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *pgm = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("usage: lenet98 prototypes [--pgm FILE]\n"
                   "The ten fixed output codes of Figure 3 ('#' = +1 = ink, '.' = -1), and with\n"
                   "--pgm an image of them (10 codes side by side, each cell 8x8 pixels).\n");
            return 0;
        }
        if (c == 'p')
            pgm = optarg;
        else
            return cli_bad_option("prototypes", opts, argv);
    }
    if (optind < argc)
        return cli_usage_error("prototypes", "unexpected argument '%s'", argv[optind]);
    if (pgm && !*pgm) return cli_usage_error("prototypes", "--pgm: empty path");
    /* the table as text, on stderr when the image goes to stdout (stdout: the PGM alone) */
    FILE *say = pgm && afile_is_stdout(pgm) ? stderr : stdout;
    for (int row = 0; row < RBF_ROWS; row++) {
        for (int d = 0; d < OUT_N; d++)
            fprintf(say, "%.*s%s", RBF_COLS, LENET_RBF_CODES[d] + row * RBF_COLS,
                    d < 9 ? "  " : "\n");
    }
    for (int d = 0; d < OUT_N; d++) fprintf(say, "   %d   %s", d, d < 9 ? "  " : "\n");
    if (pgm) {
        enum { CELL = 8, GAP = 2 };
        const int w = OUT_N * (RBF_COLS * CELL + GAP * CELL) + GAP * CELL;
        const int h = RBF_ROWS * CELL + 2 * GAP * CELL;
        uint8_t *pix = malloc((size_t)w * h);
        if (!pix) {
            fprintf(stderr, "lenet98 prototypes: out of memory\n");
            return 1;
        }
        memset(pix, 255, (size_t)w * h);
        for (int d = 0; d < OUT_N; d++)
            for (int y = 0; y < RBF_ROWS * CELL; y++)
                for (int x = 0; x < RBF_COLS * CELL; x++) {
                    const int ink = LENET_RBF_CODES[d][(y / CELL) * RBF_COLS + x / CELL] == '#';
                    const int px = GAP * CELL + d * (RBF_COLS + GAP) * CELL + x;
                    pix[(size_t)(y + GAP * CELL) * w + px] = ink ? 0 : 230;
                }
        char err[512];
        const int rc = pgm_write(pgm, pix, w, h, err, sizeof err);
        free(pix);
        if (rc != 0) {
            fprintf(stderr, "lenet98 prototypes: %s\n", err);
            return 1;
        }
    }
    return 0;
}

/* ---- init ---------------------------------------------------------------------------- */
int cmd_init(int argc, char **argv) {
    static const struct option opts[] = {{"seed", required_argument, 0, 's'},
                                         {"arch", required_argument, 0, 'a'},
                                         {"init", required_argument, 0, 'i'},
                                         {"output", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    long seed = 1;
    const char *out = NULL, *init = NULL;
    lenet_arch arch = LENET_ARCH_LENET5;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:a:i:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf("usage: lenet98 init -o FILE [--seed S] [--arch lenet5|modern|TAG] "
                   "[--init paper|sqrt|torch]\n"
                   "A freshly initialised model: weights uniform in +-2.4/F_i, biases 0 (paper,\n"
                   "the default for lenet5), U(+-2.4/sqrt(F_i)) (sqrt, as train --init sqrt) or\n"
                   "U(+-1/sqrt(F_i)) for weights and biases (torch, the default for modern).\n"
                   "The same seed (default 1) gives the same bytes.\n");
            return 0;
        case 's':
            if (cli_long("--seed", optarg, 0, 4294967295L, &seed)) return EXIT_USAGE;
            break;
        case 'a':
            if (cli_arch(optarg, &arch)) return EXIT_USAGE;
            break;
        case 'i': init = optarg; break;
        case 'o': out = optarg; break;
        default: return cli_bad_option("init", opts, argv);
        }
    }
    if (optind < argc) return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    if (!out) return cli_usage_error("init", "-o FILE is required");
    if (!*out) return cli_usage_error("init", "-o: empty path");
    lenet_init_kind kind = lenet_arch_equal(&arch, &LENET_ARCH_MODERN) ? LENET_INIT_TORCH
                                                                       : LENET_INIT_PAPER;
    if (init && strcmp(init, "paper") == 0)
        kind = LENET_INIT_PAPER;
    else if (init && strcmp(init, "torch") == 0)
        kind = LENET_INIT_TORCH;
    else if (init && strcmp(init, "sqrt") == 0)
        kind = LENET_INIT_SQRT;
    else if (init)
        return cli_usage_error("init", "--init: '%s' is not paper, sqrt or torch", init);
    lenet_model *m = lenet_alloc(&arch);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!m || !r) {
        fprintf(stderr, "lenet98 init: out of memory\n");
        lenet_free(m);
        gsl_rng_free(r);
        return 1;
    }
    gsl_rng_set(r, (unsigned long)seed);
    lenet_init(m, kind, r);
    char err[512];
    const int rc = model_save(m, (uint64_t)seed, out, err, sizeof err);
    if (rc != 0) fprintf(stderr, "lenet98 init: %s\n", err);
    gsl_rng_free(r);
    lenet_free(m);
    return rc ? 1 : 0;
}

/* ---- eval ---------------------------------------------------------------------------- */
int cmd_eval(int argc, char **argv) {
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"data", required_argument, 0, 'd'},
                                         {"set", required_argument, 0, 's'},
                                         {"dump", required_argument, 0, 'u'},
                                         {"arch", required_argument, 0, 'a'},
                                         {"reject-curve", required_argument, 0, 'r'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model = NULL, *data = NULL, *set = "test", *dump = NULL, *archs = NULL;
    const char *curve = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:d:s:u:a:r:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf("usage: lenet98 eval --model FILE [--data DIR] [--set test|train]\n"
                   "                    [--dump FILE.tsv] [--arch A] [--reject-curve FILE.tsv]\n"
                   "Error rate and error count of the model on an MNIST set (DIR holds the four\n"
                   "IDX files, plain or .gz; default: $LENET98_DATA, else ./data, else the\n"
                   "repository's data/ next to the binary). --dump writes one row per image:\n"
                   "index, label, predicted class, and the ten outputs (RBF penalties y_0..y_9,\n"
                   "or the modern variant's logits). --arch checks the model's architecture.\n"
                   "--reject-curve writes the error of the accepted images against the fraction\n"
                   "rejected, rejecting by the gap between the best two scores (Fig. 10), and\n"
                   "prints the %% rejected to reach 0.5%% error.\n");
            return 0;
        case 'm': model = optarg; break;
        case 'd': data = optarg; break;
        case 's': set = optarg; break;
        case 'u': dump = optarg; break;
        case 'a': archs = optarg; break;
        case 'r': curve = optarg; break;
        default: return cli_bad_option("eval", opts, argv);
        }
    }
    if (optind < argc) return cli_usage_error("eval", "unexpected argument '%s'", argv[optind]);
    if (!model) return cli_usage_error("eval", "--model FILE is required");
    if (strcmp(set, "test") != 0 && strcmp(set, "train") != 0)
        return cli_usage_error("eval", "--set: '%s' is not test or train", set);
    {
        const char *const names[] = {"--model", "--dump", "--reject-curve"};
        const char *const paths[] = {model, dump, curve};
        if (cli_check_paths("eval", 3, names, paths)) return EXIT_USAGE;
    }
    lenet_arch want;
    if (archs && cli_arch(archs, &want)) return EXIT_USAGE;
    char err[1024];
    /* the summary lines go where no output does: stderr when --dump or --reject-curve is
     * stdout */
    FILE *say = (dump && afile_is_stdout(dump)) || (curve && afile_is_stdout(curve)) ? stderr
                                                                                     : stdout;
    uint64_t seed = 0;
    lenet_model *m = model_load(model, &seed, err, sizeof err);
    if (!m) {
        fprintf(stderr, "lenet98 eval: %s\n", err);
        return 1;
    }
    if (archs && !lenet_arch_equal(&want, &m->arch)) {
        char tag[128];
        lenet_arch_tag(&m->arch, tag, sizeof tag);
        fprintf(stderr, "lenet98 eval: %s: architecture is %s, not %s\n", model, tag, archs);
        lenet_free(m);
        return 1;
    }
    mnist_set s;
    char ddir[4200];
    if (cli_find_data("eval", data, ddir, sizeof ddir) != 0) {
        lenet_free(m);
        return 1;
    }
    if (mnist_load(&s, ddir, set, err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 eval: %s\n", err);
        lenet_free(m);
        return 1;
    }
    /* an output that cannot be written (a missing directory, one of the inputs just read)
     * is refused now, not after the evaluation */
    if ((dump && afile_check(dump, err, sizeof err) != 0) ||
        (curve && afile_check(curve, err, sizeof err) != 0)) {
        fprintf(stderr, "lenet98 eval: %s\n", err);
        mnist_free(&s);
        lenet_free(m);
        return 1;
    }
    real *out = malloc(sizeof(real) * OUT_N * (size_t)s.n);
    int *pred = malloc(sizeof(int) * (size_t)s.n);
    int rc = 0;
    if (!out || !pred) {
        fprintf(stderr, "lenet98 eval: out of memory\n");
        rc = 1;
    } else {
        const long errors = eval_set(m, &s, s.n, out, pred);
        long bad = -1; /* the first image whose scores are not finite */
        for (size_t i = 0; errors >= 0 && bad < 0 && i < (size_t)OUT_N * s.n; i++)
            if (!isfinite(out[i])) bad = (long)(i / OUT_N);
        if (errors < 0) {
            fprintf(stderr, "lenet98 eval: out of memory\n");
            rc = 1;
            goto done;
        }
        if (bad >= 0) {
            fprintf(stderr, "lenet98 eval: %s: the scores of %s image %ld are not finite (the "
                            "model's weights overflow); no error rate\n", model, set, bad);
            rc = 1;
            goto done;
        }
        fprintf(say, "%s set: %ld errors of %d, error rate %.2f%%\n", set, errors, s.n,
               100.0 * errors / s.n);
        if (dump) {
            afile f;
            if (afile_open(&f, dump, err, sizeof err) != 0) {
                fprintf(stderr, "lenet98 eval: %s\n", err);
                rc = 1;
            } else {
                char tag[128];
                lenet_arch_tag(&m->arch, tag, sizeof tag);
                fprintf(f.f, "# lenet98 eval --model %s --set %s; architecture %s; seed %llu; "
                             "revision %s\n",
                        model, set, tag, (unsigned long long)seed, lenet_revision());
                fprintf(f.f, "index\tlabel\tpredicted");
                for (int k = 0; k < OUT_N; k++)
                    fprintf(f.f, "\t%s%d", m->arch.out == LENET_OUT_RBF ? "y" : "z", k);
                fprintf(f.f, "\n");
                for (int i = 0; i < s.n; i++) {
                    fprintf(f.f, "%d\t%d\t%d", i, s.labels[i], pred[i]);
                    for (int k = 0; k < OUT_N; k++)
                        fprintf(f.f, "\t%.9g", (double)out[(size_t)i * OUT_N + k]);
                    fprintf(f.f, "\n");
                }
                if (afile_commit(&f, err, sizeof err) != 0) {
                    fprintf(stderr, "lenet98 eval: %s\n", err);
                    rc = 1;
                }
            }
        }
        if (curve) {
            char tag[128], hdr[1024];
            lenet_arch_tag(&m->arch, tag, sizeof tag);
            snprintf(hdr, sizeof hdr, "lenet98 eval --model %s --set %s --reject-curve; "
                     "architecture %s; seed %llu; revision %s; %ld errors of %d",
                     model, set, tag, (unsigned long long)seed, lenet_revision(), errors, s.n);
            if (reject_write(curve, m, out, s.labels, s.n, hdr, say, err, sizeof err) != 0) {
                fprintf(stderr, "lenet98 eval: %s\n", err);
                rc = 1;
            }
        }
    }
done:
    free(out);
    free(pred);
    mnist_free(&s);
    lenet_free(m);
    return rc;
}

int main(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {{"info", cmd_info},   {"prototypes", cmd_prototypes}, {"init", cmd_init},
                {"eval", cmd_eval},   {"train", cmd_train}, {"classify", cmd_classify},
                {"digits", cmd_digits}};
    /* past a file-size limit (ulimit -f) a write fails with EFBIG and is reported like a
     * full disk, instead of SIGXFSZ killing the process with a temporary file left behind */
    signal(SIGXFSZ, SIG_IGN);
    /* a closed pipe is a write error reported at exit (and train stops after its next
     * checkpoint), not a SIGPIPE that kills between a row and its checkpoint */
    signal(SIGPIPE, SIG_IGN);
    /* a closed stdin, stdout or stderr must not become the next file opened */
    afile_guard_std();
    /* no output of a command may overwrite one of its inputs (afile.h) */
    afile_protect_inputs();
    /* GSL reports allocation failures by return value ("out of memory"), never abort() */
    gsl_set_error_handler_off();
    if (argc < 2) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("lenet98 %s\n", lenet_revision());
        return 0;
    }
    opterr = 0; /* cli_bad_option says it in one line */
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(USAGE, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        if (strcmp(argv[1], cmds[i].name) != 0) continue;
        cli_command = cmds[i].name;
        const int rc = cmds[i].run(argc - 1, argv + 1);
        /* every subcommand: what went to stdout must have arrived (a full disk, a closed
         * pipe or stdout is exit 1 with a message, not a silent 0) */
        if (afile_close_stdout(cmds[i].name) != 0 && rc == 0) return 1;
        return rc;
    }
    /* a near miss gets the closest command suggested, as a misspelt flag does */
    const char *best = NULL;
    int bd = 99;
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        const int d = cli_edit_distance(argv[1], cmds[i].name);
        if (d < bd) bd = d, best = cmds[i].name;
    }
    if (best && bd <= 2 + (int)strlen(argv[1]) / 4)
        fprintf(stderr, "lenet98: unknown command '%s'; did you mean %s?\n%s", argv[1], best, USAGE);
    else
        fprintf(stderr, "lenet98: unknown command '%s'\n%s", argv[1], USAGE);
    return EXIT_USAGE;
}
