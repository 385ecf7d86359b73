/* checkpoint.c: write and read training checkpoints; the format is in checkpoint.h. */
#include "checkpoint.h"

#include "afile.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned char *b;
    size_t n, cap;
    int oom;
} buf_t;

static void put(buf_t *b, const void *p, size_t n) {
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 1 << 16;
        while (cap < b->n + n) cap *= 2;
        unsigned char *nb = realloc(b->b, cap);
        if (!nb) {
            b->oom = 1;
            return;
        }
        b->b = nb;
        b->cap = cap;
    }
    memcpy(b->b + b->n, p, n);
    b->n += n;
}
static void put_u64(buf_t *b, uint64_t v) {
    unsigned char c[8];
    for (int i = 0; i < 8; i++) c[i] = (unsigned char)(v >> (8 * i));
    put(b, c, 8);
}
static void put_f64(buf_t *b, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    put_u64(b, u);
}

typedef struct {
    const unsigned char *p;
    size_t left;
    int bad;
} rd_t;
static const unsigned char *take(rd_t *r, size_t n) {
    if (r->bad || r->left < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}
static uint64_t take_u64(rd_t *r) {
    const unsigned char *c = take(r, 8);
    uint64_t v = 0;
    for (int i = 0; c && i < 8; i++) v |= (uint64_t)c[i] << (8 * i);
    return v;
}
static double take_f64(rd_t *r) {
    const uint64_t u = take_u64(r);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

int checkpoint_write(const char *path, const char *settings, const train_state *st,
                     const gsl_rng *r, const real *eps, const real *vel,
                     const lenet_model *m, uint64_t seed, char *err, size_t errn) {
    buf_t b = {0};
    put(&b, CKPT_MAGIC, 8);
    put_u64(&b, CKPT_VERSION);
    put_u64(&b, strlen(settings));
    put(&b, settings, strlen(settings));
    put_u64(&b, (uint64_t)st->pass);
    put_u64(&b, (uint64_t)st->pos);
    put_u64(&b, (uint64_t)st->otf_errors);
    put_f64(&b, st->loss_sum);
    put_f64(&b, st->seconds);
    put_u64(&b, st->log_len);
    put(&b, st->log ? st->log : "", st->log_len);
    put_u64(&b, gsl_rng_size(r));
    put(&b, gsl_rng_state(r), gsl_rng_size(r));
    put_u64(&b, st->pos > 0 && eps ? m->n : 0);
    if (st->pos > 0 && eps) put(&b, eps, m->n * sizeof(real));
    put_u64(&b, vel ? m->n : 0);
    if (vel) put(&b, vel, m->n * sizeof(real));
    const size_t mb = model_bytes(m);
    put_u64(&b, mb);
    if (!b.oom) {
        unsigned char *tmp = malloc(mb);
        if (tmp) {
            model_encode(tmp, m, seed);
            put(&b, tmp, mb);
            free(tmp);
        } else {
            b.oom = 1;
        }
    }
    const uint32_t crc = b.oom ? 0 : model_crc32(b.b, b.n);
    put_u64(&b, crc);
    int rc;
    if (b.oom) {
        snprintf(err, errn, "%s: out of memory", path);
        rc = -1;
    } else {
        rc = afile_write(path, b.b, b.n, err, errn);
    }
    free(b.b);
    return rc;
}

/* Reads a checkpoint written with the same settings. Returns the model, or NULL with err.
 * *eps (SDLM step sizes) and *vel (SGD velocity, if the checkpoint has one) are malloc'd. */
lenet_model *checkpoint_read(const char *path, const char *settings, train_state *st,
                             gsl_rng *r, real **eps, real **vel, char *err, size_t errn) {
    unsigned char *buf;
    size_t len;
    if (read_file(path, &buf, &len, 64u << 20, err, errn) != 0) return NULL;
    lenet_model *m = NULL;
    rd_t rd = {buf, len, 0};
    if (len < 16 || memcmp(buf, CKPT_MAGIC, 8) != 0) {
        snprintf(err, errn, "%s: not a lenet98 checkpoint", path);
        goto done;
    }
    if (model_crc32(buf, len - 8) != (uint32_t)(rd.p = buf + len - 8, take_u64(&rd))) {
        snprintf(err, errn, "%s: checksum mismatch (corrupt checkpoint)", path);
        goto done;
    }
    rd = (rd_t){buf + 8, len - 16, 0};
    if (take_u64(&rd) != CKPT_VERSION) {
        snprintf(err, errn, "%s: unsupported checkpoint version", path);
        goto done;
    }
    const uint64_t sl = take_u64(&rd);
    const unsigned char *s = take(&rd, sl);
    if (!s || sl != strlen(settings) || memcmp(s, settings, sl) != 0) {
        snprintf(err, errn, "%s: written with other settings: %.*s", path,
                 s ? (int)(sl > 400 ? 400 : sl) : 0, s ? (const char *)s : "");
        goto done;
    }
    st->pass = (long)take_u64(&rd);
    st->pos = (long)take_u64(&rd);
    st->otf_errors = (long)take_u64(&rd);
    st->loss_sum = take_f64(&rd);
    st->seconds = take_f64(&rd);
    const uint64_t ll = take_u64(&rd);
    const unsigned char *lg = take(&rd, ll);
    const uint64_t rs = take_u64(&rd);
    const unsigned char *rst = take(&rd, rs);
    const uint64_t ne = take_u64(&rd);
    const unsigned char *ep = take(&rd, ne * sizeof(real));
    const uint64_t nv = take_u64(&rd);
    const unsigned char *vp = take(&rd, nv * sizeof(real));
    const uint64_t mb = take_u64(&rd);
    const unsigned char *mp = take(&rd, mb);
    if (rd.bad || rs != gsl_rng_size(r) || rd.left != 0) {
        snprintf(err, errn, "%s: malformed checkpoint", path);
        goto done;
    }
    m = model_decode(mp, mb, path, NULL, err, errn);
    if (!m) goto done;
    if ((ne != 0 && ne != m->n) || (nv != 0 && nv != m->n) || (st->pos > 0 && !ne && !nv)) {
        snprintf(err, errn, "%s: malformed checkpoint", path);
        lenet_free(m);
        m = NULL;
        goto done;
    }
    memcpy(gsl_rng_state(r), rst, rs);
    free(st->log);
    st->log = malloc(ll + 1);
    *eps = malloc(m->n * sizeof(real));
    *vel = nv ? malloc(m->n * sizeof(real)) : NULL;
    if (st->log) {
        memcpy(st->log, lg, ll);
        st->log[ll] = 0;
        st->log_len = ll;
        st->log_cap = ll + 1;
    }
    if (!st->log || !*eps || (nv && !*vel)) {
        snprintf(err, errn, "%s: out of memory", path);
        lenet_free(m);
        m = NULL;
        goto done;
    }
    if (ne) memcpy(*eps, ep, ne * sizeof(real));
    if (nv) memcpy(*vel, vp, nv * sizeof(real));
done:
    free(buf);
    return m;
}
