/* test_ckpt.c: the checkpoint library functions (checkpoint.h) and the run lock (afile.h):
 * a written checkpoint reads back field by field and the generator goes on with the same
 * draws; a checkpoint is refused for other data, other passes or a pattern beyond the
 * training set; checkpoint_check_fresh tells an unfinished run from a finished one;
 * checkpoint_describe names only a checkpoint that exists; the data checksum sees one pixel
 * and one label; a second lock on the same file is refused until the first is released. */
#include "afile.h"
#include "check.h"
#include "checkpoint.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char check_tmpdir[256];

static void ckpt_t_path(char *p, size_t n, const char *name) {
    snprintf(p, n, "%s/%s", check_tmpdir, name);
}

static void ckpt_t_roundtrip(void) {
    const char *S = "test settings";
    char path[400], err[600];
    ckpt_t_path(path, sizeof path, "t.ckpt");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    lenet_model *m = lenet_alloc(&LENET_ARCH_LENET5);
    lenet_init(m, LENET_INIT_PAPER, r);
    real *eps = malloc(m->n * sizeof(real));
    for (size_t k = 0; k < m->n; k++) eps[k] = (real)(0.001 * (1 + k % 7));
    char log[] = "1\t0.5\tx\n";
    train_state st = {2, 5, 1, 3.0, 1.5, log, strlen(log), sizeof log, 42, 3};
    CHECK(checkpoint_write(path, S, &st, r, eps, NULL, m, 9, err, sizeof err) == 0);
    const unsigned long next = gsl_rng_get(r);

    ckpt_expect x = {S, 3, 10, &LENET_ARCH_LENET5, 0, 9, 42};
    train_state got = {0};
    real *e2 = NULL, *v2 = NULL;
    lenet_model *m2 = checkpoint_read(path, &x, &got, r2, &e2, &v2, err, sizeof err);
    CHECK(m2 != NULL);
    if (m2) {
        CHECK(got.pass == 2 && got.pos == 5 && got.otf_errors == 1);
        CHECK(got.loss_sum == 3.0 && got.seconds == 1.5);
        CHECK(got.log && strcmp(got.log, log) == 0 && got.log_len == strlen(log));
        CHECK(got.data_sum == 42 && got.passes == 3);
        CHECK(v2 == NULL && e2 && memcmp(e2, eps, m->n * sizeof(real)) == 0);
        /* a model file holds float32: the double build's weights come back rounded */
        int same = 1;
        for (size_t k = 0; k < m->n; k++) same &= (float)m2->w.c1w[k] == (float)m->w.c1w[k];
        CHECK(same);
        CHECK(gsl_rng_get(r2) == next);
        free(got.log);
        free(e2);
        lenet_free(m2);
    }
    /* refused: other data, other passes, a pattern beyond N, another architecture, SGD */
    const ckpt_expect bad[] = {{S, 3, 10, &LENET_ARCH_LENET5, 0, 9, 43},
                               {S, 4, 10, &LENET_ARCH_LENET5, 0, 9, 42},
                               {S, 3, 5, &LENET_ARCH_LENET5, 0, 9, 42},
                               {S, 3, 10, &LENET_ARCH_MODERN, 0, 9, 42},
                               {S, 3, 10, &LENET_ARCH_LENET5, 1, 9, 42},
                               {S, 3, 10, &LENET_ARCH_LENET5, 0, 8, 42},
                               {"other", 3, 10, &LENET_ARCH_LENET5, 0, 9, 42}};
    const char *why[] = {"written for other data", "the settings say 4", "pattern 5 of pass 2",
                         "architecture lenet5, the settings ask for modern", "under sgd",
                         "seed 9, the run's is 8", "written with other settings"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        train_state g2 = {0};
        err[0] = 0;
        lenet_model *m3 = checkpoint_read(path, &bad[i], &g2, r2, &e2, &v2, err, sizeof err);
        CHECK(m3 == NULL && strstr(err, why[i]) != NULL && strncmp(err, path, strlen(path)) == 0);
        if (m3 || !strstr(err, why[i])) printf("  case %zu: %s\n", i, err);
        CHECK(g2.log == NULL && g2.pass == 0);
        lenet_free(m3);
    }
    /* item 5: unfinished is refused, finished and absent are not */
    CHECK(checkpoint_check_fresh(path, err, sizeof err) == -1 && strstr(err, "--resume") &&
          strstr(err, "pass 2 of 3, pattern 5"));
    char describe[800];
    CHECK(strstr(checkpoint_describe(path, S, describe, sizeof describe),
                 "(pass 2, pattern 5) is intact") != NULL);
    CHECK(strstr(checkpoint_describe(path, "other", describe, sizeof describe),
                 "no checkpoint of this run exists") != NULL);
    char log3[] = "1\ta\n2\tb\n3\tc\n";
    train_state fin = {4, 0, 0, 0, 0, log3, strlen(log3), sizeof log3, 42, 3};
    CHECK(checkpoint_write(path, S, &fin, r, NULL, NULL, m, 9, err, sizeof err) == 0);
    CHECK(checkpoint_check_fresh(path, err, sizeof err) == 0);
    unlink(path);
    CHECK(checkpoint_check_fresh(path, err, sizeof err) == 0);
    CHECK(strstr(checkpoint_describe(path, S, describe, sizeof describe),
                 "no checkpoint of this run exists") != NULL);
    free(eps);
    lenet_free(m);
    gsl_rng_free(r);
    gsl_rng_free(r2);
}

static void ckpt_t_data_sum(void) {
    uint8_t img[2 * 784] = {0}, lab[2] = {3, 4}, img2[784] = {0}, lab2[1] = {1};
    mnist_set a = {2, 28, 28, img, lab}, t = {1, 28, 28, img2, lab2};
    const uint64_t h = checkpoint_data_sum(&a, &t);
    CHECK(checkpoint_data_sum(&a, &t) == h);
    img[900] = 1;
    CHECK(checkpoint_data_sum(&a, &t) != h);
    img[900] = 0;
    lab2[0] = 2;
    CHECK(checkpoint_data_sum(&a, &t) != h);
    lab2[0] = 1;
    a.n = 1; /* the first image only: a different set */
    CHECK(checkpoint_data_sum(&a, &t) != h);
}

static void ckpt_t_lock(void) {
    char path[400], err[600];
    ckpt_t_path(path, sizeof path, "run.lock");
    const int fd = afile_lock(path, err, sizeof err);
    CHECK(fd >= 0);
    /* flock locks belong to an open file: a second open, even in this process, is refused */
    err[0] = 0;
    CHECK(afile_lock(path, err, sizeof err) == -1 && strstr(err, "locked by another process"));
    afile_unlock(fd, path);
    CHECK(access(path, F_OK) != 0);
    const int fd2 = afile_lock(path, err, sizeof err);
    CHECK(fd2 >= 0);
    afile_unlock(fd2, path);
}

void test_ckpt(void) {
    TEST_GROUP("checkpoints and the run lock");
    ckpt_t_roundtrip();
    ckpt_t_data_sum();
    ckpt_t_lock();
}
