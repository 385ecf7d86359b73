/* classify.c: the rejection score and curve (Fig. 10); `lenet98 classify` and `digits` are in
 * classify_cmd.c. */
#include "classify.h"

#include "afile.h"
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

int reject_write(const char *path, const lenet_model *m, const real *out, const uint8_t *labels,
                 long n, const char *header, char *err, size_t errn) {
    double *gap = malloc(sizeof *gap * (size_t)n);
    unsigned char *wrong = malloc((size_t)n);
    reject_point *pts = malloc(sizeof *pts * (size_t)(n + 1));
    int rc = 0;
    if (!gap || !wrong || !pts) {
        snprintf(err, errn, "%s: out of memory", path);
        rc = -1;
        goto done;
    }
    for (long i = 0; i < n; i++) {
        int b;
        gap[i] = score_gap(m, out + (size_t)i * OUT_N, &b);
        wrong[i] = b != labels[i];
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
    long at = -1;
    for (long k = 0; k < np; k++) {
        const double ep = 100.0 * pts[k].errors / (double)(n - pts[k].rejected);
        fprintf(f.f, "%ld\t%.2f\t%ld\t%.4f\t%.9g\n", pts[k].rejected,
                100.0 * pts[k].rejected / (double)n, pts[k].errors, ep, pts[k].threshold);
        if (at < 0 && 200L * pts[k].errors <= n - pts[k].rejected) at = k;
    }
    if (afile_commit(&f, err, errn) != 0) {
        rc = -1;
        goto done;
    }
    if (at >= 0)
        printf("rejection: %.2f%% rejected (%ld of %ld) to reach 0.5%% error (%ld errors "
               "left); threshold gap %.6g\n",
               100.0 * pts[at].rejected / (double)n, pts[at].rejected, n, pts[at].errors,
               pts[at].threshold);
    else
        printf("rejection: 0.5%% error is not reached\n");
done:
    free(gap);
    free(wrong);
    free(pts);
    return rc;
}
