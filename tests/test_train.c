/* test_train.c: training through the library (trainer.h) alone, no CLI: 200 tiny patterns
 * (a bar whose height is the label), 2 passes. The pass callback is called once per pass in
 * order; the same settings give the same model bytes; SDLM and SGD runs stopped mid-pass
 * (the stop fault, the interrupt flag, the pass callback) and resumed through the library
 * end with the bytes of the uninterrupted run. */
#include "check.h"
#include "model.h"
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

enum { TT_N = 200, TT_TEST = 50 };

/* n images 28x28: a 3-pixel bar at rows 4 + 2 label .. + 2, columns 6..21, label i % 10 */
static void tt_set(mnist_set *s, int n, uint8_t *img, uint8_t *lab) {
    memset(img, 0, (size_t)n * 784);
    for (int i = 0; i < n; i++) {
        lab[i] = (uint8_t)((i * 7) % 10);
        for (int y = 4 + 2 * lab[i]; y < 7 + 2 * lab[i]; y++)
            for (int x = 6; x < 22; x++) img[(size_t)i * 784 + y * 28 + x] = (uint8_t)(200 + i % 50);
    }
    *s = (mnist_set){n, 28, 28, img, lab};
}

typedef struct {
    int starts, passes, last_pass, in_order, resumed;
    long start_pass, start_pos;
    int stop_after; /* on_pass returns 1 after this pass (0: never) */
    volatile sig_atomic_t *raise_after; /* set after pass 1 */
} tt_count;

static void tt_start(void *ctx, const lenet_train_start *s) {
    tt_count *c = ctx;
    c->starts++;
    c->resumed = s->resumed;
    c->start_pass = s->pass;
    c->start_pos = s->pos;
}

static int tt_pass(void *ctx, const lenet_train_pass *p) {
    tt_count *c = ctx;
    c->passes++;
    c->in_order &= p->pass == c->last_pass + 1 && p->row && p->row[0] && isfinite(p->mean_loss);
    c->last_pass = p->pass;
    if (c->raise_after && p->pass == 1) *c->raise_after = 1;
    return c->stop_after && p->pass == c->stop_after;
}

/* 1 if the files a and b hold the same bytes */
static int tt_same(const char *a, const char *b) {
    unsigned char *x = NULL, *y = NULL;
    size_t nx = 0, ny = 0;
    char err[512];
    const int ok = read_file(a, &x, &nx, 1 << 24, err, sizeof err) == 0 &&
                   read_file(b, &y, &ny, 1 << 24, err, sizeof err) == 0 && nx == ny &&
                   memcmp(x, y, nx) == 0;
    free(x);
    free(y);
    return ok;
}

/* The stopped-and-resumed model against the uninterrupted one. Exact in the float build; the
 * double build's checkpoint holds the model as model-file bytes (float32, checkpoint.h), so
 * there a resume rounds the weights and only the float build can promise the same bits. */
#ifdef LENET_DOUBLE
#define CHECK_RESUMED(a, b) ((void)(a), (void)(b))
#else
#define CHECK_RESUMED(a, b) CHECK(tt_same(a, b))
#endif

static void tt_path(char *buf, size_t n, const char *name) {
    snprintf(buf, n, "%s/%s", check_tmpdir, name);
}

/* one optimiser: reference run, its repeat, another seed, and stopped runs resumed */
static void tt_optimiser(optim_kind kind, const mnist_set *tr, const mnist_set *te) {
    char ref[512], again[512], other[512], cut[512], ckpt[512], err[1024];
    const char *k = kind == OPTIM_SDLM ? "sdlm" : "sgd";
    lenet_train_config c;
    lenet_train_config_default(&c);
    c.train = tr;
    c.test = te;
    c.passes = 2;
    c.train_size = TT_N;
    c.seed = 5;
    c.hessian_samples = 20;
    c.optim.kind = kind;
    c.optim.batch = 16;
    c.optim.lr = 0.01;
    char name[64];
    snprintf(name, sizeof name, "%s-ref.bin", k), tt_path(ref, sizeof ref, name);
    snprintf(name, sizeof name, "%s-again.bin", k), tt_path(again, sizeof again, name);
    snprintf(name, sizeof name, "%s-other.bin", k), tt_path(other, sizeof other, name);
    snprintf(name, sizeof name, "%s-cut.bin", k), tt_path(cut, sizeof cut, name);
    snprintf(name, sizeof name, "%s-cut.ckpt", k), tt_path(ckpt, sizeof ckpt, name);

    /* the reference run: one start, two passes in order */
    tt_count n = {0, 0, 0, 1, 0, 0, 0, 0, NULL};
    lenet_train_hooks h = {&n, tt_start, tt_pass, NULL};
    c.out = ref;
    CHECK(lenet_train(&c, &h, NULL, err, sizeof err) == LENET_TRAIN_OK);
    CHECK(n.starts == 1 && n.passes == 2 && n.in_order && !n.resumed && n.start_pass == 1);
    /* the same settings, no hooks: the same bytes; another seed: other bytes */
    c.out = again;
    CHECK(lenet_train(&c, NULL, NULL, err, sizeof err) == LENET_TRAIN_OK);
    CHECK(tt_same(ref, again));
    c.out = other;
    c.seed = 6;
    CHECK(lenet_train(&c, NULL, NULL, err, sizeof err) == LENET_TRAIN_OK);
    CHECK(!tt_same(ref, other));
    c.seed = 5;

    /* the stop fault at pass 2, pattern 77 (SGD: the step at the end of its batch, 79) */
    lenet_train_result res;
    c.out = cut;
    c.checkpoint = ckpt;
    c.faults.stop_pass = 2;
    c.faults.stop_pos = 77;
    CHECK(lenet_train(&c, NULL, &res, err, sizeof err) == LENET_TRAIN_INTERRUPTED);
    CHECK(res.pass == 2 && res.pos == (kind == OPTIM_SDLM ? 78 : 80));
    c.faults = (lenet_train_faults){-1, -1, -1, -1, -1, -1};
    c.resume = ckpt;
    tt_count m = {0, 0, 1, 1, 0, 0, 0, 0, NULL};
    h.ctx = &m;
    CHECK(lenet_train(&c, &h, &res, err, sizeof err) == LENET_TRAIN_OK);
    CHECK(m.starts == 1 && m.resumed && m.start_pass == 2 && m.start_pos == (kind == OPTIM_SDLM ? 78 : 80));
    CHECK(m.passes == 1 && m.in_order);
    CHECK_RESUMED(ref, cut);

    /* the interrupt flag, raised by the pass callback after pass 1: stops after the first
     * step of pass 2; resumed: the same bytes */
    volatile sig_atomic_t flag = 0;
    tt_count f = {0, 0, 0, 1, 0, 0, 0, 0, &flag};
    h.ctx = &f;
    c.resume = NULL;
    c.interrupt = &flag;
    remove(cut);
    CHECK(lenet_train(&c, &h, &res, err, sizeof err) == LENET_TRAIN_INTERRUPTED);
    CHECK(res.pass == 2 && res.pos == (kind == OPTIM_SDLM ? 1 : 16) && f.passes == 1);
    c.interrupt = NULL;
    c.resume = ckpt;
    CHECK(lenet_train(&c, NULL, NULL, err, sizeof err) == LENET_TRAIN_OK);
    CHECK_RESUMED(ref, cut);

    /* the pass callback asks to stop after pass 1: the checkpoint names pass 2; resumed:
     * the same bytes */
    tt_count s = {0, 0, 0, 1, 0, 0, 0, 1, NULL};
    h.ctx = &s;
    c.resume = NULL;
    remove(cut);
    CHECK(lenet_train(&c, &h, &res, err, sizeof err) == LENET_TRAIN_STOPPED);
    CHECK(res.pass == 1 && s.passes == 1);
    c.resume = ckpt;
    tt_count t = {0, 0, 1, 1, 0, 0, 0, 0, NULL};
    h.ctx = &t;
    CHECK(lenet_train(&c, &h, NULL, err, sizeof err) == LENET_TRAIN_OK);
    CHECK(t.resumed && t.start_pass == 2 && t.start_pos == 0 && t.passes == 1);
    CHECK_RESUMED(ref, cut);

    /* a resume under other settings is refused with a message */
    c.seed = 6;
    err[0] = 0;
    CHECK(lenet_train(&c, NULL, NULL, err, sizeof err) == LENET_TRAIN_ERROR && err[0]);
}

void test_train(void) {
    TEST_GROUP("train (lenet_train, the library alone)");
#ifdef LENET_DOUBLE
    printf("# double build: resumed runs are not compared bit for bit (float32 checkpoints)\n");
#endif
    uint8_t *img = malloc((size_t)TT_N * 784), *lab = malloc(TT_N);
    uint8_t *timg = malloc((size_t)TT_TEST * 784), *tlab = malloc(TT_TEST);
    mnist_set tr, te;
    tt_set(&tr, TT_N, img, lab);
    tt_set(&te, TT_TEST, timg, tlab);
    tt_optimiser(OPTIM_SDLM, &tr, &te);
    tt_optimiser(OPTIM_SGD, &tr, &te);
    free(img);
    free(lab);
    free(timg);
    free(tlab);
}
