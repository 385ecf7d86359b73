/* test_model.c: model files: a bit-exact round trip; a version-1 file built byte by byte
 * from lenet98/MODEL-FORMAT.md (not by model.c) loads and is written back byte for byte;
 * every damaged file rejected with a message naming it; an atomic save leaves no temporary
 * behind. */
#include "check.h"
#include "model.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int write_bytes(const char *path, const unsigned char *b, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    const size_t w = fwrite(b, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

static int rejects(const char *path, const char *expect) {
    char err[512] = "";
    lenet_model *m = model_load(path, NULL, err, sizeof err);
    const int ok = m == NULL && strstr(err, path) != NULL && strstr(err, expect) != NULL;
    if (!ok) printf("FAIL model_load(%s): message '%s', expected '%s'\n", path, err, expect);
    lenet_free(m);
    return ok;
}

static void le32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

/* A version-1 file as MODEL-FORMAT.md section 1 lays it out, with its own constants (version
 * 1, header 160, the 14 sizes of section 4) and zlib's CRC, so that a new format version
 * cannot silently stop reading the files already written: the file must load, hold these
 * values, and be written back (model_encode) to the same bytes. */
enum { V1_NTENSORS = 14 }; /* section 4's count, not LENET_NTENSORS: the file's, not ours */

static void test_version1(gsl_rng *r) {
    static const struct {
        const char *tag;
        uint32_t size[V1_NTENSORS];
    } v1[] = {
        {"lenet5", {150, 6, 6, 6, 1500, 16, 16, 16, 48000, 120, 10080, 84, 0, 0}},
        {"modern", {150, 6, 0, 0, 2400, 16, 0, 0, 48000, 120, 10080, 84, 840, 10}},
        {"pool=max,c3=table,out=rbf,squash=scaled,input=unit",
         {150, 6, 0, 0, 1500, 16, 0, 0, 48000, 120, 10080, 84, 0, 0}},
        {"pool=subsample,c3=full,out=linear,squash=tanh,input=paper",
         {150, 6, 6, 6, 2400, 16, 16, 16, 48000, 120, 10080, 84, 840, 10}},
    };
    char err[512];
    for (size_t k = 0; k < sizeof v1 / sizeof v1[0]; k++) {
        uint32_t n = 0;
        for (int t = 0; t < V1_NTENSORS; t++) n += v1[k].size[t];
        const size_t len = 160 + 4 * (size_t)n + 4;
        unsigned char *b = calloc(len, 1), *again = malloc(len);
        float *vals = malloc(sizeof(float) * n);
        CHECK(b && again && vals);
        if (!b || !again || !vals) return;
        memcpy(b, "LENET98M", 8);
        le32(b + 8, 1);
        le32(b + 12, 160);
        memcpy(b + 16, v1[k].tag, strlen(v1[k].tag));
        le32(b + 80, n);
        le32(b + 84, V1_NTENSORS);
        for (int t = 0; t < V1_NTENSORS; t++) le32(b + 88 + 4 * t, v1[k].size[t]);
        const uint64_t seed = 0x0123456789abcdefull + k;
        le32(b + 144, (uint32_t)seed);
        le32(b + 148, (uint32_t)(seed >> 32));
        for (uint32_t i = 0; i < n; i++) {
            vals[i] = (float)(gsl_rng_uniform(r) - 0.5);
            uint32_t u;
            memcpy(&u, &vals[i], 4);
            le32(b + 160 + 4 * i, u);
        }
        le32(b + 160 + 4 * (size_t)n, (uint32_t)crc32(0L, b, (uInt)(160 + 4 * n)));
        uint64_t got = 0;
        lenet_model *m = model_decode(b, len, v1[k].tag, &got, err, sizeof err);
        if (!m) printf("FAIL version-1 file %s: %s\n", v1[k].tag, err);
        CHECK(m != NULL);
        if (m) {
            char tag[64];
            CHECK(lenet_arch_tag(&m->arch, tag, sizeof tag) == 0 && strcmp(tag, v1[k].tag) == 0);
            CHECK(got == seed && m->n == n);
            /* bytes 152-159 zero, as every file written before the threshold field: none */
            CHECK(m->reject_threshold == 0);
            int same = 1;
            for (uint32_t i = 0; i < n; i++) same &= (float)m->w.c1w[i] == vals[i];
            CHECK(same);
            CHECK(model_bytes(m) == len);
            model_encode(again, m, got);
            CHECK(memcmp(again, b, len) == 0);
        }
        lenet_free(m);
        free(b);
        free(again);
        free(vals);
    }
}

void test_model(void) {
    TEST_GROUP("model files");
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 5);
    const lenet_arch *archs[2] = {&LENET_ARCH_LENET5, &LENET_ARCH_MODERN};
    char path[512], path2[512], err[512];
    for (int ai = 0; ai < 2; ai++) {
        lenet_model *m = lenet_alloc(archs[ai]);
        lenet_init(m, ai ? LENET_INIT_TORCH : LENET_INIT_PAPER, r);
        snprintf(path, sizeof path, "%s/m%d.bin", check_tmpdir, ai);
        m->reject_threshold = ai ? 4.6875 : 27.8125;
        CHECK(model_save(m, 1234567890123ull, path, err, sizeof err) == 0);
        uint64_t seed = 0;
        lenet_model *m2 = model_load(path, &seed, err, sizeof err);
        CHECK(m2 != NULL);
        if (!m2) continue;
        CHECK(seed == 1234567890123ull);
        CHECK(lenet_arch_equal(&m->arch, &m2->arch));
        CHECK(m2->reject_threshold == m->reject_threshold);
        CHECK(m2->n == m->n);
        /* bit-exact: the file written from the loaded model has the same bytes */
        snprintf(path2, sizeof path2, "%s/m%d-again.bin", check_tmpdir, ai);
        CHECK(model_save(m2, seed, path2, err, sizeof err) == 0);
        unsigned char *b1, *b2;
        size_t n1, n2;
        CHECK(read_file(path, &b1, &n1, 1 << 24, err, sizeof err) == 0);
        CHECK(read_file(path2, &b2, &n2, 1 << 24, err, sizeof err) == 0);
        CHECK(n1 == n2 && n1 == MODEL_HEADER + 4 * m->n + 4 && memcmp(b1, b2, n1) == 0);
#ifndef LENET_DOUBLE
        CHECK(memcmp(m->w.c1w, m2->w.c1w, m->n * sizeof(real)) == 0);
#endif
        if (ai == 0) {
            /* damaged copies */
            snprintf(path2, sizeof path2, "%s/trunc.bin", check_tmpdir);
            CHECK(write_bytes(path2, b1, n1 - 7) == 0);
            CHECK(rejects(path2, "truncated"));
            CHECK(write_bytes(path2, b1, 100) == 0);
            CHECK(rejects(path2, "bad magic"));
            snprintf(path2, sizeof path2, "%s/flip.bin", check_tmpdir);
            b1[MODEL_HEADER + 1000] ^= 0x10;
            CHECK(write_bytes(path2, b1, n1) == 0);
            CHECK(rejects(path2, "checksum"));
            b1[MODEL_HEADER + 1000] ^= 0x10;
            b1[0] = 'X';
            CHECK(write_bytes(path2, b1, n1) == 0);
            CHECK(rejects(path2, "magic"));
            b1[0] = 'L';
            b1[8] = 9;
            CHECK(write_bytes(path2, b1, n1) == 0);
            CHECK(rejects(path2, "version"));
            b1[8] = 1;
            memcpy(b1 + 16, "lenet7", 6);
            CHECK(write_bytes(path2, b1, n1) == 0);
            CHECK(rejects(path2, "architecture"));
            memcpy(b1 + 16, "lenet5", 6);
            /* a valid checksum over a NaN, then an infinite parameter (a fuzzing find) */
            const unsigned char nan_bits[4] = {0x00, 0x00, 0xc0, 0x7f};
            const unsigned char inf_bits[4] = {0x00, 0x00, 0x80, 0xff};
            for (int k = 0; k < 2; k++) {
                memcpy(b1 + MODEL_HEADER + 4 * 59999, k ? inf_bits : nan_bits, 4);
                const uint32_t crc = model_crc32(b1, n1 - 4);
                for (int i = 0; i < 4; i++) b1[n1 - 4 + i] = (unsigned char)(crc >> (8 * i));
                CHECK(write_bytes(path2, b1, n1) == 0);
                CHECK(rejects(path2, k ? "parameter 59999 of 60000 is infinite"
                                       : "parameter 59999 of 60000 is NaN"));
            }
            /* a valid checksum over a negative, then a NaN rejection threshold */
            memcpy(b1 + MODEL_HEADER + 4 * 59999, b2 + MODEL_HEADER + 4 * 59999, 4);
            const double bad_thr[2] = {-1.5, NAN};
            for (int k = 0; k < 2; k++) {
                uint64_t u;
                memcpy(&u, &bad_thr[k], 8);
                for (int i = 0; i < 8; i++) b1[152 + i] = (unsigned char)(u >> (8 * i));
                const uint32_t crc = model_crc32(b1, n1 - 4);
                for (int i = 0; i < 4; i++) b1[n1 - 4 + i] = (unsigned char)(crc >> (8 * i));
                CHECK(write_bytes(path2, b1, n1) == 0);
                CHECK(rejects(path2, "rejection threshold (bytes 152-159)"));
            }
            CHECK(rejects("/nonexistent/model.bin", "cannot open"));
        }
        free(b1);
        free(b2);
        lenet_free(m2);
        lenet_free(m);
    }
    /* a failed save (unwritable directory) reports the path and leaves nothing */
    lenet_model *m = lenet_alloc(&LENET_ARCH_LENET5);
    CHECK(model_save(m, 1, "/nonexistent-dir/m.bin", err, sizeof err) == -1);
    CHECK(strstr(err, "/nonexistent-dir/m.bin") != NULL);
    lenet_free(m);
    /* no temporaries left in the scratch directory */
    DIR *d = opendir(check_tmpdir);
    int tmps = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        tmps += strstr(e->d_name, ".tmp") != NULL;
    if (d) closedir(d);
    CHECK(tmps == 0);
    test_version1(r);
    gsl_rng_free(r);
}
