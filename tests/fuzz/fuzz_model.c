/* fuzz_model.c: the model-file reader (model.h) on arbitrary bytes: model_decode on the
 * bytes as they are, and again with the CRC-32 recomputed (else nearly every mutation stops
 * at the checksum and the fields behind it are never reached), and model_load on them as a
 * file. What a success promises: the parameter count of the architecture, finite parameters,
 * and a model that encodes to a file decoding to the same bytes again. */
#include "fuzz.h"
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_model_check(lenet_model *m, const char *err) {
    if (!m) {
        FUZZ_ASSERT(err[0] != 0);
        return;
    }
    for (size_t i = 0; i < m->n; i++) FUZZ_ASSERT(isfinite(m->w.c1w[i]));
    const size_t nb = model_bytes(m);
    unsigned char *b1 = malloc(nb), *b2 = malloc(nb);
    FUZZ_ASSERT(b1 && b2);
    model_encode(b1, m, 7);
    char e[256];
    lenet_model *m2 = model_decode(b1, nb, "re-encoded", NULL, e, sizeof e);
    FUZZ_ASSERT(m2 != NULL);
    FUZZ_ASSERT(m2->n == m->n && lenet_arch_equal(&m2->arch, &m->arch));
    model_encode(b2, m2, 7);
    FUZZ_ASSERT(memcmp(b1, b2, nb) == 0);
    lenet_free(m2);
    free(b1);
    free(b2);
    lenet_free(m);
}

int fuzz_model(const uint8_t *d, size_t n) {
    char err[256] = "";
    uint64_t seed;
    fuzz_model_check(model_decode(d, n, "fuzz", &seed, err, sizeof err), err);
    if (n >= 8) {
        unsigned char *c = malloc(n);
        FUZZ_ASSERT(c != NULL);
        memcpy(c, d, n);
        const uint32_t crc = model_crc32(c, n - 4);
        for (int i = 0; i < 4; i++) c[n - 4 + i] = (unsigned char)(crc >> (8 * i));
        err[0] = 0;
        fuzz_model_check(model_decode(c, n, "fuzz", &seed, err, sizeof err), err);
        free(c);
    }
    err[0] = 0;
    fuzz_model_check(model_load(fuzz_file(d, n), &seed, err, sizeof err), err);
    return 0;
}
