/* cli.c: shared pieces of the subcommands. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <unistd.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef LENET98_REVISION
#define LENET98_REVISION "unknown"
#endif

const char *cli_revision(void) { return LENET98_REVISION; }

const char *cli_command = NULL;

/* "lenet98 CMD" or "lenet98" when no subcommand is running */
static void cli_prefix(void) {
    fprintf(stderr, cli_command ? "lenet98 %s: " : "lenet98: ", cli_command);
}

int cli_long(const char *opt, const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cli_prefix();
        fprintf(stderr, "%s: '%s' is not an integer in [%ld, %ld]\n", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_double(const char *opt, const char *s, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        cli_prefix();
        fprintf(stderr, "%s: '%s' is not a number in [%g, %g]\n", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lenet98 %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'lenet98 %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

/* Levenshtein distance of a and b (short strings: option names) */
static int cli_edit_distance(const char *a, const char *b) {
    const size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63) return 99;
    int d[64][64];
    for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

int cli_bad_option(const char *cmd, const struct option *opts, char **argv) {
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    char name[64];
    if (strncmp(arg, "--", 2) == 0) {
        snprintf(name, sizeof name, "%s", arg + 2);
        char *eq = strchr(name, '=');
        if (eq) *eq = 0;
    } else if (optopt) {
        snprintf(name, sizeof name, "%c", optopt);
    } else {
        snprintf(name, sizeof name, "%s", arg);
    }
    for (const struct option *o = opts; o->name; o++) {
        if (strcmp(o->name, name) == 0 || (optopt && o->val == optopt && !name[1])) {
            if (o->has_arg == required_argument)
                return cli_usage_error(cmd, "--%s needs a value", o->name);
            return cli_usage_error(cmd, "--%s takes no value", o->name);
        }
    }
    const char *best = NULL;
    int bd = 99;
    for (const struct option *o = opts; o->name; o++) {
        const int dd = cli_edit_distance(name, o->name);
        if (dd < bd) {
            bd = dd;
            best = o->name;
        }
    }
    /* an abbreviation getopt found ambiguous, or a near miss: suggest; else just say so */
    if (best && strlen(name) > 1 && (bd <= 2 + (int)strlen(name) / 4 || strncmp(best, name, strlen(name)) == 0))
        return cli_usage_error(cmd, "unknown option '%s'; did you mean --%s?", arg, best);
    return cli_usage_error(cmd, "unknown option '%s'", arg);
}

/* 1 if dir holds the MNIST test images (plain or .gz) */
static int cli_has_mnist(const char *dir) {
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte", dir);
    if (access(p, R_OK) == 0) return 1;
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte.gz", dir);
    return access(p, R_OK) == 0;
}

int cli_find_data(const char *cmd, const char *given, char *dir, size_t dirn) {
    if (given) {
        struct stat st;
        if (stat(given, &st) != 0) {
            fprintf(stderr, "lenet98 %s: --data %s: %s\n", cmd, given, strerror(errno));
            return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "lenet98 %s: --data %s: not a directory (want the directory of "
                    "the four MNIST IDX files)\n", cmd, given);
            return -1;
        }
        snprintf(dir, dirn, "%s", given);
        return 0;
    }
    /* LENET98_DATA, then ./data, then the repository's data/ next to the binary */
    const char *env = getenv("LENET98_DATA");
    char exe[PATH_MAX] = "", repo[PATH_MAX + 16] = "";
    const ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *sl = strrchr(exe, '/');
        if (sl) *sl = 0;
        snprintf(repo, sizeof repo, "%s/../data", exe);
    }
    if (env && *env) {
        if (cli_has_mnist(env)) {
            snprintf(dir, dirn, "%s", env);
            return 0;
        }
        fprintf(stderr, "lenet98 %s: LENET98_DATA=%s holds no MNIST (t10k-images-idx3-ubyte"
                "[.gz])\n", cmd, env);
        return -1;
    }
    if (cli_has_mnist("data")) {
        snprintf(dir, dirn, "data");
        return 0;
    }
    if (repo[0] && cli_has_mnist(repo)) {
        snprintf(dir, dirn, "%s", repo);
        return 0;
    }
    fprintf(stderr, "lenet98 %s: no MNIST found: looked in LENET98_DATA (unset), ./data and "
            "%s; run 'make data' in the repository, or give --data DIR\n", cmd,
            repo[0] ? repo : "the repository's data/");
    return -1;
}

int cli_check_paths(const char *cmd, int n, const char *const names[], const char *const paths[]) {
    for (int i = 0; i < n; i++) {
        if (!paths[i]) continue;
        if (!paths[i][0]) return cli_usage_error(cmd, "%s: empty path", names[i]);
        struct stat si;
        const int exists = stat(paths[i], &si) == 0;
        for (int k = 0; k < i; k++) {
            struct stat sk;
            if (!paths[k]) continue;
            if (strcmp(paths[i], paths[k]) == 0 ||
                (exists && stat(paths[k], &sk) == 0 && si.st_dev == sk.st_dev &&
                 si.st_ino == sk.st_ino))
                return cli_usage_error(cmd, "%s and %s are the same file (%s)", names[k],
                                       names[i], paths[i]);
        }
    }
    return 0;
}

void cli_pattern(real *in, const mnist_set *s, long i, lenet_coding coding) {
    lenet_code_input(in, s->images + (size_t)i * 28 * 28, coding);
}

#ifdef _OPENMP
#include <omp.h>
#else
static int omp_get_max_threads(void) { return 1; }
static int omp_get_thread_num(void) { return 0; }
#endif

static void *eval_noop(void *p) { return p; }

/* How many threads eval_set can really have: libgomp exits ("Thread creation failed") when
 * it cannot map a thread's stack (under a memory limit), so the threads are tried first, and
 * one is used if they cannot all be made (the results do not depend on the count). Tried once
 * per process (eval_set is called from one thread): libgomp keeps the threads it made for
 * the first parallel region. */
static int eval_threads(void) {
    enum { MAXT = 256 };
    static int known = 0;
    if (known) return known;
    int nt = omp_get_max_threads();
    if (nt > MAXT) nt = MAXT;
    pthread_t t[MAXT];
    int made = 0;
    while (made < nt - 1 && pthread_create(&t[made], NULL, eval_noop, NULL) == 0) made++;
    for (int i = 0; i < made; i++) pthread_join(t[i], NULL);
    known = made == nt - 1 ? nt : 1;
    return known;
}

long eval_set(const lenet_model *m, const mnist_set *s, long n, real *out, int *pred) {
    /* one workspace per thread, allocated before the parallel region: an allocation failure
     * is a return value here, never an abort inside an OpenMP thread */
    const int nt = eval_threads();
    lenet_acts **ws = calloc((size_t)nt, sizeof *ws);
    int ok = ws != NULL;
    for (int t = 0; ok && t < nt; t++) ok = (ws[t] = lenet_acts_alloc()) != NULL;
    long errors = 0;
    if (ok) {
#pragma omp parallel num_threads(nt) reduction(+ : errors)
        {
            lenet_acts *a = ws[omp_get_thread_num()];
#pragma omp for schedule(static)
            for (long i = 0; i < n; i++) {
                cli_pattern(a->x.in, s, i, m->arch.input);
                lenet_forward(m, a);
                const int p = lenet_predict(m, a->x.out);
                errors += p != s->labels[i];
                if (pred) pred[i] = p;
                if (out)
                    for (int k = 0; k < OUT_N; k++) out[i * OUT_N + k] = a->x.out[k];
            }
        }
    }
    for (int t = 0; ws && t < nt; t++) lenet_acts_free(ws[t]);
    free(ws);
    return ok ? errors : -1;
}
