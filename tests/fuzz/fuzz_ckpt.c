/* fuzz_ckpt.c: the checkpoint reader (checkpoint.h) on arbitrary bytes, as they are and again
 * with the CRC field recomputed (its low 4 bytes the CRC-32, its high 4 bytes 0; else nearly
 * every mutation stops at the checksum). What the reader is asked to agree with comes from
 * the input itself (the settings line's passes=, train_size=, seed=, arch= and optimizer=,
 * and the stored data checksum), so a real checkpoint in the corpus is accepted and its
 * mutations reach every field. What a success promises: every field within the range
 * checkpoint.h gives, a generator that draws in [0, 1), finite step sizes > 0 and finite
 * velocities, the architecture asked for. A failure: a message, and the caller's state and
 * generator untouched. */
#include "checkpoint.h"
#include "fuzz.h"
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* the token KEY=VALUE of settings, VALUE into out (at most n - 1 characters); 0 if found */
static int token(const char *settings, const char *key, char *out, size_t n) {
    const size_t kl = strlen(key);
    for (const char *p = settings; (p = strstr(p, key)) != NULL; p++) {
        if ((p != settings && p[-1] != ' ') || p[kl] != '=') continue;
        const char *v = p + kl + 1;
        size_t k = strcspn(v, " ");
        if (k >= n) k = n - 1;
        memcpy(out, v, k);
        out[k] = 0;
        return 0;
    }
    return -1;
}

static void fuzz_ckpt_one(const uint8_t *d, size_t n, const ckpt_expect *x) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    FUZZ_ASSERT(r != NULL);
    gsl_rng_set(r, 99);
    const unsigned long before = gsl_rng_get(r);
    gsl_rng_set(r, 99);
    train_state st = {-7, -7, -7, -7, -7, NULL, 0, 0, 0, 0};
    real *eps = NULL, *vel = NULL;
    char err[512] = "";
    lenet_model *m = checkpoint_read(fuzz_file(d, n), x, &st, r, &eps, &vel, err, sizeof err);
    if (!m) {
        FUZZ_ASSERT(err[0] != 0);
        FUZZ_ASSERT(st.pass == -7 && st.pos == -7 && st.otf_errors == -7 && st.log == NULL);
        FUZZ_ASSERT(eps == NULL && vel == NULL);
        FUZZ_ASSERT(gsl_rng_get(r) == before);
        gsl_rng_free(r);
        return;
    }
    FUZZ_ASSERT(st.pass >= 1 && st.pass <= x->passes + 1);
    FUZZ_ASSERT(st.pos >= 0 && st.pos < x->train_size);
    FUZZ_ASSERT(st.pass <= x->passes || st.pos == 0);
    FUZZ_ASSERT(st.otf_errors >= 0 && st.otf_errors <= st.pos);
    FUZZ_ASSERT(isfinite(st.loss_sum) && st.loss_sum >= 0);
    FUZZ_ASSERT(isfinite(st.seconds) && st.seconds >= 0);
    FUZZ_ASSERT(st.log && strlen(st.log) == st.log_len && st.log_len < st.log_cap);
    long rows = 0;
    for (size_t i = 0; i < st.log_len; i++) rows += st.log[i] == '\n';
    FUZZ_ASSERT(rows == st.pass - 1);
    FUZZ_ASSERT(st.data_sum == x->data_sum && st.passes == x->passes);
    FUZZ_ASSERT(lenet_arch_equal(&m->arch, x->arch));
    FUZZ_ASSERT(eps != NULL && (vel != NULL) == (x->sgd != 0));
    if (!x->sgd && st.pos > 0)
        for (size_t k = 0; k < m->n; k++) FUZZ_ASSERT(isfinite(eps[k]) && eps[k] > 0);
    if (vel)
        for (size_t k = 0; k < m->n; k++) FUZZ_ASSERT(isfinite(vel[k]));
    for (int i = 0; i < 2000; i++) {
        const double u = gsl_rng_uniform(r);
        FUZZ_ASSERT(u >= 0 && u < 1);
    }
    free(st.log);
    free(eps);
    free(vel);
    lenet_free(m);
    gsl_rng_free(r);
}

int fuzz_ckpt(const uint8_t *d, size_t n) {
    /* what to agree with, from the input; the defaults are tests/ckpt.sh's run */
    char settings[CKPT_MAX_SETTINGS + 1] = "", v[128];
    ckpt_expect x = {settings, 3, 40, &LENET_ARCH_LENET5, 0, 7, 0};
    lenet_arch arch = LENET_ARCH_LENET5;
    if (n >= 24) {
        const uint64_t sl = le64(d + 16);
        if (sl <= CKPT_MAX_SETTINGS && sl <= n - 24) {
            memcpy(settings, d + 24, (size_t)sl);
            settings[sl] = 0;
            if (strlen(settings) != sl) settings[0] = 0;
            if (sl + 32 <= n - 24) x.data_sum = le64(d + 24 + sl);
        }
    }
    long l;
    if (token(settings, "passes", v, sizeof v) == 0 && sscanf(v, "%ld", &l) == 1 && l >= 1 &&
        l <= 1000)
        x.passes = l;
    if (token(settings, "train_size", v, sizeof v) == 0 && sscanf(v, "%ld", &l) == 1 &&
        l >= 1 && l <= 60000)
        x.train_size = l;
    if (token(settings, "seed", v, sizeof v) == 0 && sscanf(v, "%ld", &l) == 1 && l >= 0)
        x.seed = (uint64_t)l;
    if (token(settings, "arch", v, sizeof v) == 0 && lenet_arch_parse(&arch, v) == 0)
        x.arch = &arch;
    x.sgd = token(settings, "optimizer", v, sizeof v) == 0 && strcmp(v, "sgd") == 0;

    fuzz_ckpt_one(d, n, &x);
    if (n >= 16) {
        uint8_t *c = malloc(n);
        FUZZ_ASSERT(c != NULL);
        memcpy(c, d, n);
        const uint32_t crc = model_crc32(c, n - 8);
        for (int i = 0; i < 8; i++) c[n - 8 + i] = i < 4 ? (uint8_t)(crc >> (8 * i)) : 0;
        fuzz_ckpt_one(c, n, &x);
        free(c);
    }
    return 0;
}
