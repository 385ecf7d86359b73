/* model.c: model files (format in model.h): encode, decode with every field checked, atomic
 * save, load. */
#include "model.h"

#include "afile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static void put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}
static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t model_crc32(const unsigned char *buf, size_t len) {
    uLong c = crc32(0L, Z_NULL, 0);
    while (len > 0) {
        const uInt chunk = len > (1u << 30) ? (1u << 30) : (uInt)len;
        c = crc32(c, buf, chunk);
        buf += chunk;
        len -= chunk;
    }
    return (uint32_t)c;
}

size_t model_bytes(const lenet_model *m) { return MODEL_HEADER + 4 * m->n + 4; }

void model_encode(unsigned char *buf, const lenet_model *m, uint64_t seed) {
    memset(buf, 0, MODEL_HEADER);
    memcpy(buf, MODEL_MAGIC, 8);
    put32(buf + 8, MODEL_VERSION);
    put32(buf + 12, MODEL_HEADER);
    char tag[64];
    int ok = lenet_arch_tag(&m->arch, tag, sizeof tag);
    (void)ok;
    memcpy(buf + 16, tag, strlen(tag));
    put32(buf + 80, (uint32_t)m->n);
    put32(buf + 84, LENET_NTENSORS);
    for (int t = 0; t < LENET_NTENSORS; t++) put32(buf + 88 + 4 * t, (uint32_t)m->size[t]);
    put32(buf + 144, (uint32_t)seed);
    put32(buf + 148, (uint32_t)(seed >> 32));
    uint64_t thr;
    memcpy(&thr, &m->reject_threshold, 8);
    put32(buf + 152, (uint32_t)thr);
    put32(buf + 156, (uint32_t)(thr >> 32));
    unsigned char *p = buf + MODEL_HEADER;
    for (size_t i = 0; i < m->n; i++, p += 4) {
        const float v = (float)m->w.c1w[i];
        uint32_t u;
        memcpy(&u, &v, 4);
        put32(p, u);
    }
    put32(p, model_crc32(buf, MODEL_HEADER + 4 * m->n));
}

lenet_model *model_decode(const unsigned char *buf, size_t len, const char *name,
                          uint64_t *seed, char *err, size_t errn) {
    if (len < MODEL_HEADER + 4 || memcmp(buf, MODEL_MAGIC, 8) != 0) {
        snprintf(err, errn, "%s: not a lenet98 model file (bad magic or too short)", name);
        return NULL;
    }
    if (get32(buf + 8) != MODEL_VERSION || get32(buf + 12) != MODEL_HEADER) {
        snprintf(err, errn, "%s: unsupported model file version %u (this program reads %u)",
                 name, get32(buf + 8), MODEL_VERSION);
        return NULL;
    }
    char tag[65];
    memcpy(tag, buf + 16, 64);
    tag[64] = 0;
    lenet_arch arch;
    if (memchr(buf + 16, 0, 64) == NULL || lenet_arch_parse(&arch, tag) != 0) {
        snprintf(err, errn, "%s: unknown architecture tag", name);
        return NULL;
    }
    lenet_model *m = lenet_alloc(&arch);
    if (!m) {
        snprintf(err, errn, "%s: out of memory", name);
        return NULL;
    }
    int sizes_ok = get32(buf + 80) == m->n && get32(buf + 84) == LENET_NTENSORS;
    for (int t = 0; t < LENET_NTENSORS && sizes_ok; t++)
        sizes_ok = get32(buf + 88 + 4 * t) == m->size[t];
    if (!sizes_ok) {
        snprintf(err, errn, "%s: parameter counts do not match architecture %s", name, tag);
        lenet_free(m);
        return NULL;
    }
    if (len != model_bytes(m)) {
        snprintf(err, errn, "%s: size %zu bytes, expected %zu (truncated or padded)", name, len,
                 model_bytes(m));
        lenet_free(m);
        return NULL;
    }
    const size_t body = MODEL_HEADER + 4 * m->n;
    if (model_crc32(buf, body) != get32(buf + body)) {
        snprintf(err, errn, "%s: checksum mismatch (corrupt file)", name);
        lenet_free(m);
        return NULL;
    }
    const uint64_t thr = (uint64_t)get32(buf + 152) | (uint64_t)get32(buf + 156) << 32;
    memcpy(&m->reject_threshold, &thr, 8);
    if (!isfinite(m->reject_threshold) || m->reject_threshold < 0) {
        snprintf(err, errn, "%s: the rejection threshold (bytes 152-159) is %g, not a finite "
                 "number >= 0 (a damaged model)", name, m->reject_threshold);
        lenet_free(m);
        return NULL;
    }
    const unsigned char *p = buf + MODEL_HEADER;
    for (size_t i = 0; i < m->n; i++, p += 4) {
        const uint32_t u = get32(p);
        float v;
        memcpy(&v, &u, 4);
        /* training stops at the first non-finite weight, so no model has one (found by
         * tests/fuzz/fuzz_model.c: a NaN or infinity here made every output NaN) */
        if (!isfinite(v)) {
            snprintf(err, errn, "%s: parameter %zu of %zu is %s (a damaged model)", name, i,
                     m->n, isnan(v) ? "NaN" : "infinite");
            lenet_free(m);
            return NULL;
        }
        m->w.c1w[i] = (real)v;
    }
    if (seed) *seed = (uint64_t)get32(buf + 144) | (uint64_t)get32(buf + 148) << 32;
    return m;
}

int model_save(const lenet_model *m, uint64_t seed, const char *path, char *err, size_t errn) {
    const size_t n = model_bytes(m);
    unsigned char *buf = malloc(n);
    if (!buf) {
        snprintf(err, errn, "%s: out of memory", path);
        return -1;
    }
    model_encode(buf, m, seed);
    const int rc = afile_write(path, buf, n, err, errn);
    free(buf);
    return rc;
}

int read_file(const char *path, unsigned char **buf, size_t *len, size_t max, char *err,
              size_t errn) {
    *buf = NULL;
    *len = 0;
    /* only a regular file: a FIFO or a device is refused without blocking (afile.h) */
    const int fd = afile_input(path, err, errn);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        snprintf(err, errn, "%s: cannot open: %s", path, afile_strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *b = malloc(cap);
    while (b) {
        if (n == cap) {
            if (cap > max) break;
            unsigned char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        const size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    const int bad = !b || ferror(f);
    fclose(f);
    if (bad || n > max) {
        snprintf(err, errn, "%s: %s", path, !b ? "out of memory" : n > max ? "file too large" : "read error");
        free(b);
        return -1;
    }
    *buf = b;
    *len = n;
    return 0;
}

lenet_model *model_load(const char *path, uint64_t *seed, char *err, size_t errn) {
    unsigned char *buf;
    size_t len;
    if (read_file(path, &buf, &len, 16u << 20, err, errn) != 0) return NULL;
    lenet_model *m = model_decode(buf, len, path, seed, err, errn);
    free(buf);
    if (m) afile_protect(path); /* no output of this command may overwrite it */
    return m;
}
