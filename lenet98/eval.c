/* eval.c: evaluation (eval.h): a network on a set of patterns, on every core. */
#include "eval.h"

#include <pthread.h>
#include <stdlib.h>

void eval_pattern(real *in, const mnist_set *s, long i, lenet_coding coding) {
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
    /* LENET_FORWARD_N workspaces per thread (the images forwarded at once), allocated before
     * the parallel region: an allocation failure is a return value here, never an abort
     * inside an OpenMP thread */
    enum { NB = LENET_FORWARD_N };
    const int nt = eval_threads();
    lenet_acts **ws = calloc((size_t)nt * NB, sizeof *ws);
    int ok = ws != NULL;
    for (int t = 0; ok && t < nt * NB; t++) ok = (ws[t] = lenet_acts_alloc()) != NULL;
    long errors = 0;
    if (ok) {
#pragma omp parallel num_threads(nt) reduction(+ : errors)
        {
            lenet_acts *const *a = ws + (size_t)omp_get_thread_num() * NB;
#pragma omp for schedule(static)
            for (long i0 = 0; i0 < n; i0 += NB) {
                const int nb = n - i0 < NB ? (int)(n - i0) : NB;
                for (int q = 0; q < nb; q++) eval_pattern(a[q]->x.in, s, i0 + q, m->arch.input);
                lenet_forward_n(m, a, nb);
                for (int q = 0; q < nb; q++) {
                    const long i = i0 + q;
                    const int p = lenet_predict(m, a[q]->x.out);
                    errors += p != s->labels[i];
                    if (pred) pred[i] = p;
                    if (out)
                        for (int k = 0; k < OUT_N; k++) out[i * OUT_N + k] = a[q]->x.out[k];
                }
            }
        }
    }
    for (int t = 0; ws && t < nt * NB; t++) lenet_acts_free(ws[t]);
    free(ws);
    return ok ? errors : -1;
}
