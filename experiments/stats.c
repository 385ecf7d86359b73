/* stats.c: mean and standard deviation of the numbers on stdin (one or more per line,
 * whitespace separated), by GSL. Prints "n<TAB>mean<TAB>sd" with four decimals; sd is the
 * sample standard deviation (divisor n - 1), 0 when n = 1. Used by experiments/ablation.sh
 * for the test error over seeds. Exit 1 if there is no number or something else on stdin. */
#include <gsl/gsl_statistics_double.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    size_t n = 0, cap = 64;
    double *v = malloc(cap * sizeof *v), x;
    int k;
    if (!v) return 1;
    while ((k = scanf("%lf", &x)) == 1) {
        if (n == cap) {
            double *nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv) return 1;
            v = nv;
        }
        v[n++] = x;
    }
    if (k != EOF || n == 0) {
        fprintf(stderr, "stats: %s\n", n ? "stdin: not a number" : "stdin: no numbers");
        free(v);
        return 1;
    }
    const double mean = gsl_stats_mean(v, 1, n);
    const double sd = n > 1 ? gsl_stats_sd_m(v, 1, n, mean) : 0.0;
    printf("%zu\t%.4f\t%.4f\n", n, mean, sd);
    free(v);
    return 0;
}
