/* classify.h: the paper's rejection score (Sec. III-C, Fig. 10: "the difference between the
 * scores of the top two classes"), the error-versus-rejection curve. */
#ifndef CLASSIFY_H
#define CLASSIFY_H
#include "idx.h"
#include "lenet.h"

#include <stdio.h>

/* Fallback --threshold of classify, by output type, for a model file that stores no
 * threshold of its own (lenet_model.reject_threshold = 0) when --data names no MNIST test set
 * to derive one from: the score gap below which a digit is rejected. These are the thresholds
 * stored by the validation runs of `make validation` (experiments/validation.sh: 20 passes
 * over training patterns 1-50,000, seed 1; the gap at which the accepted digits of the split,
 * patterns 50,001-60,000, reach 0.5% error, Fig. 10's operating point): validation/lenet5/s1
 * for RBF outputs (1.13% validation error; trained at 1f2da77, numerics 4, and the same
 * bits at numerics 5), validation/modern/lr0.1/s1 for logits, the modern variant at its
 * chosen rate (SGD_LR), trained at 7ad0c46 (numerics 5; lr0.01/s1, the choice before, stored
 * 1.90382 there and 1.90138 at numerics 4; at numerics 2 they were 21.6317 and 1.98216).
 * Never chosen on the test set (they were 29.3 and 2.88 before that, from test-set curves). */
#define CLASSIFY_THRESHOLD_RBF 22.9457   /* penalties: second-smallest minus smallest */
#define CLASSIFY_THRESHOLD_LINEAR 2.91047 /* logits: largest minus second largest */

/* The gap between the best and the second-best class (>= 0) and the best class (*best):
 * RBF output: second-smallest penalty minus smallest; linear output: largest logit minus the
 * second largest. A small gap is an uncertain decision. */
/* classify warns when more than this fraction of the ink was dropped as specks or clutter */
#define CLASSIFY_WARN_DISCARDED 0.10

double score_gap(const lenet_model *m, const real *out, int *best);

/* One point of the rejection curve: reject the `rejected` patterns whose gap is below
 * `threshold`; `errors` wrong among the n - rejected accepted ones. */
typedef struct {
    long rejected, errors;
    double threshold;
} reject_point;

/* gap (n), wrong (n: 1 if misclassified). pts has room for n + 1 points; fills one point per
 * distinct gap value (rejecting all with a smaller gap), from 0 rejected up. Returns the
 * number of points. The percentages are rejected / n and errors / (n - rejected). */
long reject_curve(reject_point *pts, const double *gap, const unsigned char *wrong, long n);

/* Writes the curve of a model's outputs out (n,10) on labels (n) as TSV to path (header:
 * the comment line `header`, then columns rejected rejected_pct errors error_pct threshold),
 * and prints to stdout the % rejected to reach 0.5% error and its threshold. 0, or -1 with
 * "path: problem" in err. */
/* Fig. 10's operating point: the rejection threshold is chosen for at most one error in
 * REJECT_ONE_IN accepted digits (0.5%), compared in integers. */
#define REJECT_ONE_IN 200L

/* The rejection threshold of a model: the smallest score gap threshold at which at most
 * one in REJECT_ONE_IN of the accepted digits is wrong, from its outputs out (n,10) on
 * labelled held-out digits (n). *rejected (if not NULL) gets how many it rejects. Returns
 * the threshold (>= 0; the smallest gap, which rejects none, when nothing need be rejected;
 * 0 when n = 0), or -1 on out of memory. */
double reject_threshold(const lenet_model *m, const real *out, const uint8_t *labels, long n,
                        long *rejected);

/* reject_threshold of a model on a labelled set s (evaluated here, both cores): the
 * threshold, or -1 on out of memory. */
double reject_threshold_set(const lenet_model *m, const mnist_set *s, long *rejected);

/* The rejection curve of n scored digits to path (TSV: a header line, then one row per
 * threshold), and the line of the 0.5% error point on say. 0, or -1 with err. */
int reject_write(const char *path, const lenet_model *m, const real *out, const uint8_t *labels,
                 long n, const char *header, FILE *say, char *err, size_t errn);
#endif
