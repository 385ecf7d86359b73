/* cli.c: shared pieces of the subcommands. */
#include "cli.h"

#include <errno.h>
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

int cli_long(const char *opt, const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "lenet98: %s: '%s' is not an integer in [%ld, %ld]\n", opt, s, lo, hi);
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
        fprintf(stderr, "lenet98: %s: '%s' is not a number in [%g, %g]\n", opt, s, lo, hi);
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
    fprintf(stderr, "\ntry 'lenet98 %s --help'\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
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
 * one is used if they cannot all be made (the results do not depend on the count). */
static int eval_threads(void) {
    enum { MAXT = 256 };
    int nt = omp_get_max_threads();
    if (nt > MAXT) nt = MAXT;
    pthread_t t[MAXT];
    int made = 0;
    while (made < nt - 1 && pthread_create(&t[made], NULL, eval_noop, NULL) == 0) made++;
    for (int i = 0; i < made; i++) pthread_join(t[i], NULL);
    return made == nt - 1 ? nt : 1;
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
