/* classify_cmd.c: `lenet98 classify` (a trained network on your own digit images) and
 * `lenet98 digits`; the command line (linked into the CLI alone) of classify.h. */
#include "classify.h"

#include "afile.h"
#include "cli.h"
#include "model.h"
#include "normalize.h"
#include "pgm.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- classify -------------------------------------------------------------------------- */
static const char *const CLASSIFY_USAGE =
    "usage: lenet98 classify --model FILE [--threshold X] [--data DIR] [--invert auto|yes|no]\n"
    "                        [--show] IMAGE.pgm...\n"
    "Classifies digit images (PGM, P2 or P5, any size). Each image is normalised the MNIST\n"
    "way: dark ink on light paper is inverted (--invert auto decides from the border: if it\n"
    "is brighter than the whole image, the paper is light); uneven lighting is removed; ink\n"
    "is what lies above Otsu's threshold; the digit is the largest connected mark (specks\n"
    "and border clutter are ignored, with a warning when they hold over 10%% of the ink);\n"
    "its bounding box is fitted\n"
    "into 20x20 keeping its aspect ratio (area-averaging), placed in 28x28 with its centre of\n"
    "mass in the middle, and padded to the network's 32x32 input.\n"
    "Prints a header and one row per image: file, class, the score gap, the ten outputs (RBF\n"
    "penalties y0..y9, smallest wins, or logits z0..z9, largest wins) and ok or reject. An\n"
    "image is rejected when its gap (best vs second best) is below the threshold. Without\n"
    "--threshold it is the model's own, printed to stderr: the gap at which the accepted\n"
    "digits of a validation split reach 0.5%% error (Fig. 10), stored in the model file by\n"
    "train --valid; for a model file that stores none, derived now from the MNIST test set\n"
    "when --data DIR names one (a choice made on the test set: you asked for it), else %g for\n"
    "RBF and %g for logits (classify.h: the thresholds of validation-split models).\n"
    "  --show    also print the normalised 28x28 digit as ASCII art\n"
    "Exit 1 if any image could not be read, has no ink, too little contrast (the measured\n"
    "contrast is printed) or several separate marks of similar size (\"path: problem\").\n";

/* A file name as one TSV field: backslash, tab, newline and carriage return written as \\,
 * \t, \n and \r, so no name can split a row or forge one. */
static void classify_field(const char *s) {
    for (; *s; s++) {
        const char *e = *s == '\\' ? "\\\\" : *s == '\t' ? "\\t" : *s == '\n' ? "\\n"
                        : *s == '\r' ? "\\r" : NULL;
        if (e) fputs(e, stdout);
        else putchar(*s);
    }
}

static void classify_show(const uint8_t *img) {
    static const char ramp[] = " .:-=+*#%@";
    for (int y = 0; y < 28; y++) {
        char line[2 * 28 + 1];
        for (int x = 0; x < 28; x++) {
            const char ch = ramp[img[y * 28 + x] * 9 / 255];
            line[2 * x] = line[2 * x + 1] = ch;
        }
        line[2 * 28] = 0;
        printf("|%s|\n", line);
    }
}

/* The rejection threshold when --threshold is not given, printed with where it comes from:
 * the one the model file stores (set on a validation split at the end of training); else,
 * only when --data names a directory (data != NULL), derived now from its MNIST test set (the
 * same rule, reject_threshold): never from a test set found by itself, since that would be a
 * choice made on the test set; else the fallback for the output type.
 * 0, or -1 (message printed) on out of memory. */
static int classify_threshold(const lenet_model *m, const char *path, const char *data,
                              double *thr) {
    if (m->reject_threshold > 0) {
        *thr = m->reject_threshold;
        fprintf(stderr, "lenet98 classify: rejection threshold %.6g (stored in %s: the score "
                "gap at 0.5%% error on its validation split)\n", *thr, path);
        return 0;
    }
    char dir[4200], err[1024];
    mnist_set s;
    if (data && cli_find_data("classify", data, dir, sizeof dir) == 0 &&
        mnist_load(&s, dir, "test", err, sizeof err) == 0) {
        long rejected = 0;
        const double t = reject_threshold_set(m, &s, &rejected);
        const int n = s.n;
        mnist_free(&s);
        if (t < 0) {
            fprintf(stderr, "lenet98 classify: out of memory\n");
            return -1;
        }
        *thr = t;
        fprintf(stderr, "lenet98 classify: rejection threshold %.6g (%s stores none; derived "
                "from the MNIST test set in %s: %.2f%% of it rejected at 0.5%% error)\n",
                t, path, dir, 100.0 * (double)rejected / n);
        return 0;
    }
    *thr = m->arch.out == LENET_OUT_RBF ? CLASSIFY_THRESHOLD_RBF : CLASSIFY_THRESHOLD_LINEAR;
    fprintf(stderr, "lenet98 classify: rejection threshold %.6g (%s stores none and no MNIST "
            "test set named by --data to derive one: the fallback for %s outputs)\n", *thr, path,
            m->arch.out == LENET_OUT_RBF ? "RBF" : "linear");
    return 0;
}

int cmd_classify(int argc, char **argv) {
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"threshold", required_argument, 0, 't'},
                                         {"invert", required_argument, 0, 'i'},
                                         {"show", no_argument, 0, 's'},
                                         {"data", required_argument, 0, 'd'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model = NULL, *data = NULL;
    double thr = -1;
    int show = 0, c;
    norm_invert inv = NORM_INVERT_AUTO;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:t:i:sd:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h':
            printf(CLASSIFY_USAGE, CLASSIFY_THRESHOLD_RBF, CLASSIFY_THRESHOLD_LINEAR);
            return 0;
        case 'm': model = optarg; break;
        case 't':
            if (cli_double("--threshold", optarg, 0, 1e9, &thr)) return EXIT_USAGE;
            break;
        case 'i':
            if (strcmp(optarg, "auto") == 0)
                inv = NORM_INVERT_AUTO;
            else if (strcmp(optarg, "yes") == 0)
                inv = NORM_INVERT_YES;
            else if (strcmp(optarg, "no") == 0)
                inv = NORM_INVERT_NO;
            else
                return cli_usage_error("classify", "--invert: '%s' is not auto, yes or no",
                                       optarg);
            break;
        case 's': show = 1; break;
        case 'd': data = optarg; break;
        default: return cli_bad_option("classify", opts, argv);
        }
    }
    if (!model) return cli_usage_error("classify", "--model FILE is required");
    if (optind >= argc) return cli_usage_error("classify", "no IMAGE given");
    char err[1024];
    lenet_model *m = model_load(model, NULL, err, sizeof err);
    if (!m) {
        fprintf(stderr, "lenet98 classify: %s\n", err);
        return 1;
    }
    const int rbf = m->arch.out == LENET_OUT_RBF;
    if (thr < 0 && classify_threshold(m, model, data, &thr) != 0) {
        lenet_free(m);
        return 1;
    }
    lenet_acts *a = lenet_acts_alloc();
    if (!a) {
        fprintf(stderr, "lenet98 classify: out of memory\n");
        lenet_free(m);
        return 1;
    }
    printf("file\tclass\tgap");
    for (int k = 0; k < OUT_N; k++) printf("\t%s%d", rbf ? "y" : "z", k);
    printf("\tdecision\n");
    int rc = 0;
    for (int f = optind; f < argc; f++) {
        uint8_t *pix = NULL, img[28 * 28];
        int w, h, inverted;
        char why[256];
        if (pgm_read(argv[f], &pix, &w, &h, err, sizeof err) != 0) {
            fprintf(stderr, "lenet98 classify: %s\n", err);
            rc = 1;
            continue;
        }
        norm_report rep;
        const int nr = norm_mnist_report(img, pix, w, h, inv, &inverted, &rep, why, sizeof why);
        free(pix);
        if (nr != 0) {
            /* a forced reading that found no ink may be the wrong way round */
            const char *hint = strncmp(why, "no ink", 6) != 0 || inv == NORM_INVERT_AUTO ? ""
                               : inv == NORM_INVERT_NO
                                   ? " (read as light ink on a dark background, --invert no; "
                                     "for dark ink on light paper, --invert yes or auto)"
                                   : " (read as dark ink on light paper, --invert yes; for "
                                     "light ink on a dark background, --invert no or auto)";
            fprintf(stderr, "lenet98 classify: %s: %s%s\n", argv[f], why, hint);
            rc = 1;
            continue;
        }
        if (rep.discarded > CLASSIFY_WARN_DISCARDED)
            fprintf(stderr, "lenet98 classify: %s: warning: %.0f%% of the ink (%d of %d marks) "
                    "lies apart from the digit and was ignored\n", argv[f],
                    100 * rep.discarded, rep.marks - 1, rep.marks);
        lenet_code_input(a->x.in, img, m->arch.input);
        lenet_forward(m, a);
        int finite = 1;
        for (int k = 0; k < OUT_N; k++) finite &= isfinite(a->x.out[k]) != 0;
        if (!finite) {
            fprintf(stderr, "lenet98 classify: %s: the scores are not finite (the model's "
                            "weights overflow); no class\n", argv[f]);
            rc = 1;
            continue;
        }
        int best;
        const double gap = score_gap(m, a->x.out, &best);
        classify_field(argv[f]);
        printf("\t%d\t%.4f", best, gap);
        for (int k = 0; k < OUT_N; k++) printf("\t%.4f", (double)a->x.out[k]);
        printf("\t%s\n", gap < thr ? "reject" : "ok");
        if (show) {
            printf("# ");
            classify_field(argv[f]);
            printf(": %dx%d, %s\n", w, h,
                   inverted ? "dark on light (inverted)" : "light on dark");
            classify_show(img);
        }
    }
    lenet_acts_free(a);
    lenet_free(m);
    return rc;
}

/* ---- digits ---------------------------------------------------------------------------- */
static const char *const DIGITS_USAGE =
    "usage: lenet98 digits [--data DIR] [--set test|train] [--index A[..B]] -o DIR\n"
    "Writes MNIST digits A..B (default 0..9 of the test set) as PGM images to DIR, dark ink on\n"
    "white paper as a scan would be, named SET-INDEX-LABEL.pgm, to try `lenet98 classify` on.\n"
    "--data as for eval (default: $LENET98_DATA, ./data, or the repository's data/).\n";

int cmd_digits(int argc, char **argv) {
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"set", required_argument, 0, 's'},
                                         {"index", required_argument, 0, 'i'},
                                         {"output", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *set = "test", *dir = NULL;
    long a = 0, b = 9;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:s:i:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': fputs(DIGITS_USAGE, stdout); return 0;
        case 'd': data = optarg; break;
        case 's': set = optarg; break;
        case 'o': dir = optarg; break;
        case 'i': {
            char lo[32];
            const char *dots = strstr(optarg, "..");
            if (dots && (size_t)(dots - optarg) < sizeof lo) {
                memcpy(lo, optarg, (size_t)(dots - optarg));
                lo[dots - optarg] = 0;
                if (cli_long("--index", lo, 0, 59999, &a) || cli_long("--index", dots + 2, 0, 59999, &b))
                    return EXIT_USAGE;
            } else {
                if (cli_long("--index", optarg, 0, 59999, &a)) return EXIT_USAGE;
                b = a;
            }
            if (b < a) return cli_usage_error("digits", "--index %ld..%ld: empty range", a, b);
            break;
        }
        default: return cli_bad_option("digits", opts, argv);
        }
    }
    if (optind < argc) return cli_usage_error("digits", "unexpected argument '%s'", argv[optind]);
    if (!dir || !*dir) return cli_usage_error("digits", "-o DIR is required");
    if (strcmp(set, "test") != 0 && strcmp(set, "train") != 0)
        return cli_usage_error("digits", "--set: '%s' is not test or train", set);
    char ddir[4200], err[1024];
    if (cli_find_data("digits", data, ddir, sizeof ddir) != 0) return 1;
    mnist_set s;
    if (mnist_load(&s, ddir, set, err, sizeof err) != 0) {
        fprintf(stderr, "lenet98 digits: %s\n", err);
        return 1;
    }
    int rc = 0;
    if (b >= s.n) {
        fprintf(stderr, "lenet98 digits: --index %ld..%ld: the %s set has %d digits\n", a, b,
                set, s.n);
        rc = 1;
    }
    for (long i = a; rc == 0 && i <= b; i++) {
        uint8_t pix[28 * 28];
        for (int k = 0; k < 28 * 28; k++) pix[k] = (uint8_t)(255 - s.images[(size_t)i * 784 + k]);
        char path[4400];
        snprintf(path, sizeof path, "%s/%s-%05ld-%d.pgm", dir, set, i, s.labels[i]);
        if (pgm_write(path, pix, 28, 28, err, sizeof err) != 0) {
            fprintf(stderr, "lenet98 digits: %s\n", err);
            rc = 1;
        } else {
            printf("%s\n", path);
        }
    }
    mnist_free(&s);
    return rc;
}
