/* classify.c: the rejection score and curve (Fig. 10); `lenet98 classify` and `digits` are in
 * classify_cmd.c. */
#include "classify.h"

#include "afile.h"
#include "eval.h"
#include "model.h"
#include "normalize.h"
#include "pgm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double score_gap(const lenet_model *m, const real *out, int *best) {
    /* sign so that larger is better: -penalty (RBF) or the logit (linear) */
    const double sg = m->arch.out == LENET_OUT_RBF ? -1.0 : 1.0;
    int b = 0, s = -1;
    for (int i = 1; i < OUT_N; i++) {
        if (sg * out[i] > sg * out[b]) {
            s = b;
            b = i;
        } else if (s < 0 || sg * out[i] > sg * out[s]) {
            s = i;
        }
    }
    if (best) *best = b;
    return sg * out[b] - sg * out[s];
}

/* ---- the rejection curve -------------------------------------------------------------- */
typedef struct {
    double gap;
    unsigned char wrong;
} reject_item;

static int reject_cmp(const void *a, const void *b) {
    const double x = ((const reject_item *)a)->gap, y = ((const reject_item *)b)->gap;
    return (x > y) - (x < y);
}

long reject_curve(reject_point *pts, const double *gap, const unsigned char *wrong, long n) {
    reject_item *it = malloc(sizeof *it * (size_t)(n > 0 ? n : 1));
    if (!it) return -1;
    long errors = 0;
    for (long i = 0; i < n; i++) {
        it[i].gap = gap[i];
        it[i].wrong = wrong[i];
        errors += wrong[i];
    }
    qsort(it, (size_t)n, sizeof *it, reject_cmp);
    long np = 0;
    for (long k = 0; k < n; k++) {
        /* reject everything with a gap below it[k].gap: the k first */
        if (k == 0 || it[k].gap > it[k - 1].gap) {
            pts[np].rejected = k;
            pts[np].errors = errors;
            pts[np].threshold = it[k].gap;
            np++;
        }
        errors -= it[k].wrong;
    }
    free(it);
    return np;
}

/* gap and wrong (n) from outputs (n,10) and labels; 0, or -1 on out of memory */
static int reject_gaps(const lenet_model *m, const real *out, const uint8_t *labels, long n,
                       double **gap, unsigned char **wrong) {
    *gap = malloc(sizeof **gap * (size_t)(n > 0 ? n : 1));
    *wrong = malloc((size_t)(n > 0 ? n : 1));
    if (!*gap || !*wrong) {
        free(*gap);
        free(*wrong);
        *gap = NULL;
        *wrong = NULL;
        return -1;
    }
    for (long i = 0; i < n; i++) {
        int b;
        (*gap)[i] = score_gap(m, out + (size_t)i * OUT_N, &b);
        (*wrong)[i] = b != labels[i];
    }
    return 0;
}

/* the first point of the curve (fewest rejected) where errors / accepted <= the target */
static long reject_at(const reject_point *pts, long np, long n) {
    for (long k = 0; k < np; k++)
        if (REJECT_ONE_IN * pts[k].errors <= n - pts[k].rejected) return k;
    return -1;
}

double reject_threshold(const lenet_model *m, const real *out, const uint8_t *labels, long n,
                        long *rejected) {
    double *gap;
    unsigned char *wrong;
    if (rejected) *rejected = 0;
    if (n <= 0) return 0;
    if (reject_gaps(m, out, labels, n, &gap, &wrong) != 0) return -1;
    reject_point *pts = malloc(sizeof *pts * (size_t)(n + 1));
    const long np = pts ? reject_curve(pts, gap, wrong, n) : -1;
    double thr = -1;
    if (np >= 0) {
        const long at = reject_at(pts, np, n);
        /* not reached (every digit left is wrong): reject everything but the largest gap */
        const reject_point *p = at >= 0 ? &pts[at] : &pts[np - 1];
        thr = p->threshold; /* none rejected: the smallest gap, which rejects none */
        if (rejected) *rejected = p->rejected;
    }
    free(pts);
    free(gap);
    free(wrong);
    return thr;
}

double reject_threshold_set(const lenet_model *m, const mnist_set *s, long *rejected) {
    real *out = malloc(sizeof *out * OUT_N * (size_t)(s->n > 0 ? s->n : 1));
    const double t = out && eval_set(m, s, s->n, out, NULL) >= 0
                         ? reject_threshold(m, out, s->labels, s->n, rejected) : -1;
    free(out);
    return t;
}

int reject_write(const char *path, const lenet_model *m, const real *out, const uint8_t *labels,
                 long n, const char *header, FILE *say, char *err, size_t errn) {
    double *gap = NULL;
    unsigned char *wrong = NULL;
    reject_point *pts = malloc(sizeof *pts * (size_t)(n + 1));
    int rc = 0;
    if (!pts || reject_gaps(m, out, labels, n, &gap, &wrong) != 0) {
        snprintf(err, errn, "%s: out of memory", path);
        rc = -1;
        goto done;
    }
    const long np = reject_curve(pts, gap, wrong, n);
    afile f;
    if (np < 0 || afile_open(&f, path, err, errn) != 0) {
        if (np < 0) snprintf(err, errn, "%s: out of memory", path);
        rc = -1;
        goto done;
    }
    fprintf(f.f, "# %s\n", header);
    fprintf(f.f, "# reject the digits whose score gap is below threshold; error_pct is the "
                 "error on the accepted ones\n");
    fprintf(f.f, "rejected\trejected_pct\terrors\terror_pct\tthreshold\n");
    const long at = reject_at(pts, np, n);
    for (long k = 0; k < np; k++) {
        const double ep = 100.0 * pts[k].errors / (double)(n - pts[k].rejected);
        fprintf(f.f, "%ld\t%.2f\t%ld\t%.4f\t%.9g\n", pts[k].rejected,
                100.0 * pts[k].rejected / (double)n, pts[k].errors, ep, pts[k].threshold);
    }
    if (afile_commit(&f, err, errn) != 0) {
        rc = -1;
        goto done;
    }
    if (at >= 0)
        fprintf(say, "rejection: %.2f%% rejected (%ld of %ld) to reach 0.5%% error (%ld errors "
               "left); threshold gap %.6g\n",
               100.0 * pts[at].rejected / (double)n, pts[at].rejected, n, pts[at].errors,
               pts[at].threshold);
    else if (np > 0)
        fprintf(say, "rejection: 0.5%% error is not reached; rejecting all but the %ld with the "
               "largest gap: threshold gap %.6g\n", n - pts[np - 1].rejected,
               pts[np - 1].threshold);
done:
    free(gap);
    free(wrong);
    free(pts);
    return rc;
}
