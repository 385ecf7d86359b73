/* check.h: a self-written test runner. Each check prints one self-describing line on
 * failure (file:line and both values) and counts; main ends with "N passed, N failed". */
#ifndef CHECK_H
#define CHECK_H
#include <math.h>
#include <stdio.h>

extern int check_passed, check_failed, check_verbose;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (cond) {                                                                     \
            check_passed++;                                                             \
        } else {                                                                        \
            check_failed++;                                                             \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);                      \
        }                                                                               \
    } while (0)

/* |a - b| <= atol + rtol |b| */
#define CHECK_CLOSE(a, b, atol, rtol)                                                   \
    do {                                                                                \
        double check_a_ = (double)(a), check_b_ = (double)(b);                          \
        if (isfinite(check_a_) && isfinite(check_b_) &&                                 \
            fabs(check_a_ - check_b_) <= (atol) + (rtol)*fabs(check_b_)) {              \
            check_passed++;                                                             \
        } else {                                                                        \
            check_failed++;                                                             \
            printf("FAIL %s:%d: %s = %.10g vs %s = %.10g\n", __FILE__, __LINE__, #a,     \
                   check_a_, #b, check_b_);                                             \
        }                                                                               \
    } while (0)

/* a test group: prints its name, runs */
#define TEST_GROUP(name) printf("# %s\n", name)

/* the groups, one per file in tests/ */
void test_counts(void);
void test_ckpt(void);
void test_codes(void);
void test_layers(void);
void test_kernels(void);
void test_net(void);
void test_idx(void);
void test_pgm(void);
void test_model(void);
void test_distort(void);
void test_normalize(void);
void test_train(void);

/* A scratch directory for files the tests make (created by main, removed at exit). */
extern char check_tmpdir[];
#endif
