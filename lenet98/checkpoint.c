/* checkpoint.c: write and read training checkpoints; the format is in checkpoint.h. */
#include "checkpoint.h"

#include "afile.h"
#include "fail.h"
#include "model.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>

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

/* GSL's mt19937 state (gsl/rng/mt.c): the 624 words and the index of the next one to use. */
#define CKPT_MT_N 624
typedef struct {
    unsigned long mt[CKPT_MT_N];
    int mti;
} ckpt_mt_state;

int checkpoint_write(const char *path, const char *settings, const train_state *st,
                     const gsl_rng *r, const real *eps, const real *vel,
                     const lenet_model *m, uint64_t seed, char *err, size_t errn) {
    buf_t b = {0};
    const int started = st->pos > 0; /* the pass's counters mean something */
    put(&b, CKPT_MAGIC, 8);
    put_u64(&b, CKPT_VERSION);
    put_u64(&b, strlen(settings));
    put(&b, settings, strlen(settings));
    put_u64(&b, st->data_sum);
    put_u64(&b, (uint64_t)st->passes);
    put_u64(&b, (uint64_t)st->pass);
    put_u64(&b, (uint64_t)st->pos);
    put_u64(&b, started ? (uint64_t)st->otf_errors : 0);
    put_f64(&b, started ? st->loss_sum : 0.0);
    put_f64(&b, started ? st->seconds : 0.0);
    put_u64(&b, st->log_len);
    put(&b, st->log ? st->log : "", st->log_len);
    put_u64(&b, gsl_rng_size(r));
    put(&b, gsl_rng_state(r), gsl_rng_size(r));
    put_u64(&b, started && eps ? m->n : 0);
    if (started && eps) put(&b, eps, m->n * sizeof(real));
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

/* out (n bytes): the keys whose values differ between two settings lines ("key=value ..."),
 * as "key: A (the checkpoint's), B (this run's); ..." (a key one line lacks: "-") */
static void settings_diff(const char *a, size_t al, const char *b, char *out, size_t n) {
    size_t k = 0;
    out[0] = 0;
    for (int pass = 0; pass < 2; pass++) { /* the keys of a, then those only b has */
        const char *s = pass ? b : a, *o = pass ? a : b;
        const size_t sl = pass ? strlen(b) : al, ol = pass ? al : strlen(b);
        for (size_t i = 0; i < sl;) {
            size_t j = i;
            while (j < sl && s[j] != ' ') j++;
            const char *eq = memchr(s + i, '=', j - i);
            const size_t kl = eq ? (size_t)(eq - (s + i)) : j - i;
            /* the same key in o: its token */
            const char *ot = NULL;
            size_t otl = 0;
            for (size_t p = 0; p < ol;) {
                size_t q = p;
                while (q < ol && o[q] != ' ') q++;
                if (q - p > kl && o[p + kl] == '=' && memcmp(o + p, s + i, kl) == 0) {
                    ot = o + p, otl = q - p;
                    break;
                }
                p = q + 1;
            }
            const int differs = !ot || otl != j - i || memcmp(ot, s + i, j - i) != 0;
            if (differs && (!pass || !ot) && kl > 0 && k + 1 < n) {
                const char *sv = eq ? eq + 1 : "", *ov = ot ? ot + kl + 1 : "-";
                const int svl = eq ? (int)(j - i - kl - 1) : 0, ovl = ot ? (int)(otl - kl - 1) : 1;
                const int w = pass ? snprintf(out + k, n - k, "%s%.*s: - (the checkpoint's), %.*s "
                                              "(this run's)", k ? "; " : "", (int)kl, s + i,
                                              svl, sv)
                                   : snprintf(out + k, n - k, "%s%.*s: %.*s (the checkpoint's), "
                                              "%.*s (this run's)", k ? "; " : "", (int)kl, s + i,
                                              svl, sv, ovl, ov);
                if (w > 0) k = k + (size_t)w < n ? k + (size_t)w : n - 1;
            }
            i = j + 1;
        }
    }
}

/* The part every reader checks first: magic, CRC (high bytes 0), version, the settings line,
 * the data checksum and the number of passes. rd is left at the field after passes. */
typedef struct {
    const unsigned char *settings;
    uint64_t sl, data_sum, passes;
} ckpt_head;
static int ckpt_read_head(const char *path, const unsigned char *buf, size_t len, rd_t *rd,
                          ckpt_head *h, char *err, size_t errn) {
    if (len < 24 || memcmp(buf, CKPT_MAGIC, 8) != 0)
        return fail_msg(err, errn, "%s: not a lenet98 checkpoint", path);
    rd_t c = {buf + len - 8, 8, 0};
    const uint64_t crc = take_u64(&c);
    if (crc >> 32 != 0)
        return fail_msg(err, errn, "%s: malformed checkpoint (the high 4 bytes of the CRC field "
                        "are not 0: truncated, or corrupt)", path);
    if (model_crc32(buf, len - 8) != (uint32_t)crc)
        return fail_msg(err, errn, "%s: checksum mismatch (a corrupt or truncated checkpoint)",
                        path);
    *rd = (rd_t){buf + 8, len - 16, 0};
    const uint64_t v = take_u64(rd);
    if (v != CKPT_VERSION)
        return fail_msg(err, errn, "%s: checkpoint version %llu; this lenet98 reads version %u "
                        "only", path, (unsigned long long)v, CKPT_VERSION);
    h->sl = take_u64(rd);
    if (h->sl > CKPT_MAX_SETTINGS)
        return fail_msg(err, errn, "%s: malformed checkpoint (a settings line of %llu bytes)",
                        path, (unsigned long long)h->sl);
    h->settings = take(rd, h->sl);
    h->data_sum = take_u64(rd);
    h->passes = take_u64(rd);
    if (rd->bad) return fail_msg(err, errn, "%s: malformed checkpoint (truncated)", path);
    for (uint64_t i = 0; i < h->sl; i++)
        if (h->settings[i] < 0x20 || h->settings[i] > 0x7e)
            return fail_msg(err, errn, "%s: malformed checkpoint (the settings line is not "
                            "printable text)", path);
    return 0;
}

/* 0 if the log text (l bytes) has `rows` rows, printable ASCII and tabs, each ending in a
 * newline, all with the first row's number of fields, row k's first field the number k. */
static int ckpt_log_ok(const unsigned char *t, uint64_t l, long rows) {
    long k = 0;
    long tabs0 = -1;
    uint64_t i = 0;
    while (i < l) {
        k++;
        char want[32];
        const int wl = snprintf(want, sizeof want, "%ld\t", k);
        if (l - i < (uint64_t)wl || memcmp(t + i, want, (size_t)wl) != 0) return -1;
        long tabs = 0;
        for (; i < l && t[i] != '\n'; i++) {
            if (t[i] == '\t') tabs++;
            else if (t[i] < 0x20 || t[i] > 0x7e) return -1;
        }
        if (i == l) return -1; /* no newline at the end */
        i++;
        if (tabs0 < 0) tabs0 = tabs;
        if (tabs != tabs0) return -1;
    }
    return k == rows ? 0 : -1;
}

/* 0 if s (g bytes) is a state GSL's mt19937 can run from: see the format. */
static int ckpt_mt_ok(const unsigned char *s, uint64_t g) {
    if (g != sizeof(ckpt_mt_state)) return -1;
    ckpt_mt_state mt;
    memcpy(&mt, s, sizeof mt);
    unsigned long any = 0;
    for (int i = 0; i < CKPT_MT_N; i++) {
        if (mt.mt[i] > 0xffffffffUL) return -1;
        any |= mt.mt[i];
    }
    return any != 0 && mt.mti >= 0 && mt.mti <= CKPT_MT_N ? 0 : -1;
}

/* 0 if every one of the n reals at p (possibly unaligned) is finite and, if positive, > 0 */
static int ckpt_reals_ok(const unsigned char *p, uint64_t n, int positive) {
    for (uint64_t k = 0; k < n; k++) {
        real v;
        memcpy(&v, p + k * sizeof(real), sizeof v);
        if (!isfinite(v) || (positive && !(v > 0))) return -1;
    }
    return 0;
}

lenet_model *checkpoint_read(const char *path, const ckpt_expect *x, train_state *st,
                             gsl_rng *r, real **eps, real **vel, char *err, size_t errn) {
    assert(strcmp(gsl_rng_name(r), "mt19937") == 0);
    unsigned char *buf;
    size_t len;
    if (read_file(path, &buf, &len, 64u << 20, err, errn) != 0) return NULL;
    lenet_model *m = NULL;
    real *e = NULL, *v = NULL;
    char *log = NULL;
    rd_t rd;
    ckpt_head h;
    if (ckpt_read_head(path, buf, len, &rd, &h, err, errn) != 0) goto done;
    /* the data first: the settings line names it too, and this says so more plainly */
    if (h.data_sum != x->data_sum) {
        snprintf(err, errn, "%s: written for other data (data checksum %016llx, this run's "
                 "%016llx): resume with the --data of the run that wrote it", path,
                 (unsigned long long)h.data_sum, (unsigned long long)x->data_sum);
        goto done;
    }
    if (h.sl != strlen(x->settings) || memcmp(h.settings, x->settings, h.sl) != 0) {
        char diff[600];
        settings_diff((const char *)h.settings, (size_t)h.sl, x->settings, diff, sizeof diff);
        snprintf(err, errn, "%s: written with other settings: %s", path,
                 diff[0] ? diff : "(the same keys, in another order)");
        goto done;
    }
#define CKPT_BAD(...)                                                                      \
    do {                                                                                   \
        int k_ = snprintf(err, errn, "%s: malformed checkpoint (", path);                  \
        if (k_ > 0 && (size_t)k_ < errn) k_ += snprintf(err + k_, errn - (size_t)k_, __VA_ARGS__); \
        if (k_ > 0 && (size_t)k_ < errn) snprintf(err + k_, errn - (size_t)k_, ")");       \
        goto done;                                                                         \
    } while (0)
    if (h.passes != (uint64_t)x->passes)
        CKPT_BAD("%llu passes, the settings say %ld", (unsigned long long)h.passes, x->passes);
    const uint64_t pass = take_u64(&rd), pos = take_u64(&rd), otf = take_u64(&rd);
    const double loss = take_f64(&rd), secs = take_f64(&rd);
    const uint64_t ll = take_u64(&rd);
    const unsigned char *lg = take(&rd, ll);
    const uint64_t rs = take_u64(&rd);
    const unsigned char *rst = take(&rd, rs);
    const uint64_t ne = take_u64(&rd);
    const unsigned char *ep = ne <= SIZE_MAX / sizeof(real) ? take(&rd, ne * sizeof(real)) : NULL;
    const uint64_t nv = rd.bad ? 0 : take_u64(&rd);
    const unsigned char *vp = nv <= SIZE_MAX / sizeof(real) ? take(&rd, nv * sizeof(real)) : NULL;
    const uint64_t mb = rd.bad ? 0 : take_u64(&rd);
    const unsigned char *mp = take(&rd, mb);
    if (rd.bad || !ep || !vp || !mp) CKPT_BAD("truncated, or a size beyond the file");
    if (rd.left != 0) CKPT_BAD("%zu bytes left over", rd.left);
    if (pass < 1 || pass > (uint64_t)x->passes + 1)
        CKPT_BAD("pass %llu, the run has %ld", (unsigned long long)pass, x->passes);
    if (pos >= (uint64_t)x->train_size || (pass == (uint64_t)x->passes + 1 && pos != 0))
        CKPT_BAD("pattern %llu of pass %llu, the run trains on %ld", (unsigned long long)pos,
                 (unsigned long long)pass, x->train_size);
    if (otf > pos) CKPT_BAD("%llu on-the-fly errors in %llu patterns", (unsigned long long)otf,
                            (unsigned long long)pos);
    if (!isfinite(loss) || loss < 0 || (pos == 0 && loss != 0))
        CKPT_BAD("a loss sum of %g", loss);
    if (!isfinite(secs) || secs < 0 || (pos == 0 && secs != 0))
        CKPT_BAD("%g seconds", secs);
    if (ckpt_log_ok(lg, ll, (long)pass - 1) != 0)
        CKPT_BAD("the log is not %llu rows of tab-separated text", (unsigned long long)pass - 1);
    if (rs != gsl_rng_size(r) || ckpt_mt_ok(rst, rs) != 0)
        CKPT_BAD("not a state of the mt19937 generator");
    uint64_t mseed = 0;
    m = model_decode(mp, mb, path, &mseed, err, errn);
    if (!m) goto done;
    if (mseed != x->seed)
        CKPT_BAD("a model of seed %llu, the run's is %llu", (unsigned long long)mseed,
                 (unsigned long long)x->seed);
    if (!lenet_arch_equal(&m->arch, x->arch)) {
        char a[128], b[128];
        lenet_arch_tag(&m->arch, a, sizeof a);
        lenet_arch_tag(x->arch, b, sizeof b);
        CKPT_BAD("a model of architecture %s, the settings ask for %s", a, b);
    }
    if (x->sgd ? (nv != m->n || ne != 0) : (nv != 0 || ne != (pos > 0 ? m->n : 0)))
        CKPT_BAD("%llu step sizes and %llu velocities for %zu parameters under %s",
                 (unsigned long long)ne, (unsigned long long)nv, m->n, x->sgd ? "sgd" : "sdlm");
    if (ckpt_reals_ok(ep, ne, 1) != 0) CKPT_BAD("a step size eps_k that is not finite and > 0");
    if (ckpt_reals_ok(vp, nv, 0) != 0) CKPT_BAD("a velocity that is not finite");
#undef CKPT_BAD
    log = malloc(ll + 1);
    e = malloc(m->n * sizeof(real));
    v = nv ? malloc(m->n * sizeof(real)) : NULL;
    if (!log || !e || (nv && !v)) {
        snprintf(err, errn, "%s: out of memory", path);
        goto done;
    }
    /* all checked: now the caller's state */
    memcpy(log, lg, ll);
    log[ll] = 0;
    free(st->log);
    *st = (train_state){(long)pass, (long)pos, (long)otf, loss, secs, log, ll, ll + 1,
                        h.data_sum, (long)h.passes};
    log = NULL;
    memcpy(gsl_rng_state(r), rst, rs);
    if (ne) memcpy(e, ep, ne * sizeof(real));
    if (nv) memcpy(v, vp, nv * sizeof(real));
    *eps = e;
    *vel = v;
    e = v = NULL;
    free(buf);
    return m;
done:
    free(log);
    free(e);
    free(v);
    lenet_free(m);
    free(buf);
    return NULL;
}

uint64_t checkpoint_data_sum(const mnist_set *train, const mnist_set *test) {
    uint64_t h = 0xcbf29ce484222325ull;
#define FNV(p, n)                                                                          \
    for (size_t k_ = 0; k_ < (size_t)(n); k_++) h = (h ^ ((const uint8_t *)(p))[k_]) * 0x100000001b3ull
    const mnist_set *s[2] = {train, test};
    for (int i = 0; i < 2; i++) {
        const int32_t dims[3] = {s[i]->n, s[i]->rows, s[i]->cols};
        FNV(dims, sizeof dims);
        FNV(s[i]->images, (size_t)s[i]->n * (size_t)s[i]->rows * (size_t)s[i]->cols);
        FNV(s[i]->labels, (size_t)s[i]->n);
    }
#undef FNV
    return h;
}

/* pass and pos of a checkpoint whose head was read */
static void ckpt_pass_pos(rd_t *rd, uint64_t *pass, uint64_t *pos) {
    *pass = take_u64(rd);
    *pos = take_u64(rd);
}

int checkpoint_check_fresh(const char *path, char *err, size_t errn) {
    struct stat sb;
    if (lstat(path, &sb) != 0 && errno == ENOENT) return 0;
    unsigned char *buf;
    size_t len;
    char why[600];
    if (read_file(path, &buf, &len, 64u << 20, why, sizeof why) != 0)
        return fail_msg(err, errn, "%s; cannot tell whether it holds an unfinished run: "
                        "remove it, or start over with --restart", why);
    rd_t rd;
    ckpt_head h;
    int rc = ckpt_read_head(path, buf, len, &rd, &h, why, sizeof why);
    uint64_t pass = 0, pos = 0;
    if (rc == 0) ckpt_pass_pos(&rd, &pass, &pos);
    free(buf);
    if (rc != 0 || rd.bad)
        return fail_msg(err, errn, "%s; cannot tell whether it holds an unfinished run: "
                        "remove it, or start over with --restart",
                        rc != 0 ? why : "malformed checkpoint");
    if (pass > h.passes) return 0;
    return fail_msg(err, errn, "%s: the checkpoint of an unfinished run (pass %llu of %llu, "
                    "pattern %llu): continue it with --resume %s, or start over with --restart",
                    path, (unsigned long long)pass, (unsigned long long)h.passes,
                    (unsigned long long)pos, path);
}

const char *checkpoint_describe(const char *path, const char *settings, char *buf, size_t n) {
    unsigned char *b;
    size_t len;
    char why[600];
    int ok = 0;
    uint64_t pass = 0, pos = 0;
    if (read_file(path, &b, &len, 64u << 20, why, sizeof why) == 0) {
        rd_t rd;
        ckpt_head h;
        if (ckpt_read_head(path, b, len, &rd, &h, why, sizeof why) == 0 &&
            h.sl == strlen(settings) && memcmp(h.settings, settings, h.sl) == 0) {
            ckpt_pass_pos(&rd, &pass, &pos);
            ok = !rd.bad;
        }
        free(b);
    }
    if (ok)
        snprintf(buf, n, "the last good checkpoint %s (pass %llu, pattern %llu) is intact",
                 path, (unsigned long long)pass, (unsigned long long)pos);
    else
        snprintf(buf, n, "no checkpoint of this run exists (%s)", path);
    return buf;
}
