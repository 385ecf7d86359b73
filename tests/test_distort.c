/* test_distort.c: the distortions of Sec. III-C: determinism from (seed, index), identity at
 * zero ranges, exact integer translation, ink mass under small maps, parameter ranges,
 * background fill, the version schedule of the 600,000-pattern training set. */
#include "check.h"
#include "distort.h"
#include "normalize.h"

#include <math.h>
#include <string.h>

enum { D_N = DISTORT_SIDE * DISTORT_SIDE };

/* a synthetic "digit": a smooth ring of radius 6 about (cx, cy), ink up to 255 */
static void distort_t_ring(uint8_t *img, double cx, double cy) {
    for (int y = 0; y < DISTORT_SIDE; y++)
        for (int x = 0; x < DISTORT_SIDE; x++) {
            const double d = hypot(x - cx, y - cy) - 6.0;
            const double v = 255.0 * exp(-d * d / (2 * 1.5 * 1.5));
            img[y * DISTORT_SIDE + x] = (uint8_t)lround(v);
        }
}

/* total ink of img (28,28), and its centre of ink (the library's, normalize.h) */
static double distort_t_mass(const uint8_t *img, double *mx, double *my) {
    double m = 0, cx, cy;
    for (int i = 0; i < D_N; i++) m += img[i];
    norm_centre_of_mass(img, DISTORT_SIDE, DISTORT_SIDE, &cx, &cy);
    if (mx) *mx = cx;
    if (my) *my = cy;
    return m;
}

static void distort_t_determinism(void) {
    uint8_t in[D_N], a[D_N], b[D_N], c[D_N], d[D_N];
    distort_t_ring(in, 13.5, 13.5);
    distort_image(a, in, &DISTORT_DEFAULT, 7, 123456);
    distort_image(b, in, &DISTORT_DEFAULT, 7, 123456);
    distort_image(c, in, &DISTORT_DEFAULT, 7, 123457);
    distort_image(d, in, &DISTORT_DEFAULT, 8, 123456);
    CHECK(memcmp(a, b, D_N) == 0);  /* same (seed, index): same bytes */
    CHECK(memcmp(a, c, D_N) != 0);  /* another index: another copy */
    CHECK(memcmp(a, d, D_N) != 0);  /* another seed: another copy */
    CHECK(memcmp(a, in, D_N) != 0); /* it did distort */
    /* the stream is pinned: the training set is the same on every machine */
    CHECK(distort_hash(1, 0, 0) == distort_hash(1, 0, 0));
    CHECK(distort_hash(1, 0, 0) != distort_hash(1, 0, 1));
    CHECK(distort_hash(1, 0, 0) != distort_hash(1, 1, 0));
    CHECK(distort_hash(1, 0, 0) != distort_hash(2, 0, 0));
    CHECK(distort_hash(1, 2, 3) == 0x8568f7c4e53b5a35ull);
}

static void distort_t_identity(void) {
    const distort_ranges zero = {0, 0, 0, 0};
    uint8_t in[D_N], out[D_N];
    for (int i = 0; i < D_N; i++) in[i] = (uint8_t)(distort_hash(3, (uint64_t)i, 9) & 255);
    int same = 1;
    for (uint64_t k = 0; k < 20; k++) {
        distort_image(out, in, &zero, 5, k * 60000 + 17);
        same &= memcmp(out, in, D_N) == 0;
    }
    CHECK(same);
}

/* in the 32x32 field: zero ranges give the image padded with 2 background pixels a side, and
 * where no ink reaches the 28x28 border the copy is the 28x28 copy, padded */
static void distort_t_field(void) {
    enum { F = DISTORT_FIELD, PAD = (DISTORT_FIELD - DISTORT_SIDE) / 2 };
    const distort_ranges zero = {0, 0, 0, 0};
    uint8_t in[D_N], small[D_N], out[F * F], padded[F * F];
    for (int i = 0; i < D_N; i++) in[i] = (uint8_t)(distort_hash(7, (uint64_t)i, 1) & 255);
    memset(padded, 0, sizeof padded);
    for (int y = 0; y < DISTORT_SIDE; y++)
        for (int x = 0; x < DISTORT_SIDE; x++)
            padded[(y + PAD) * F + x + PAD] = in[y * DISTORT_SIDE + x];
    distort_image_field(out, in, &zero, 5, 60017);
    CHECK(memcmp(out, padded, sizeof out) == 0);
    /* a ring well inside the field: both ways give the same pixels */
    distort_t_ring(in, 13.5, 13.5);
    const distort_ranges g = DISTORT_DEFAULT;
    int same = 1;
    for (uint64_t k = 0; k < 20; k++) {
        distort_image(small, in, &g, 3, 60000 + k);
        distort_image_field(out, in, &g, 3, 60000 + k);
        for (int y = 0; y < DISTORT_SIDE; y++)
            same &= memcmp(out + (y + PAD) * F + PAD, small + y * DISTORT_SIDE, DISTORT_SIDE) == 0;
    }
    CHECK(same);
}

static void distort_t_translation(void) {
    uint8_t in[D_N], out[D_N];
    for (int i = 0; i < D_N; i++) in[i] = (uint8_t)(1 + distort_hash(4, (uint64_t)i, 0) % 255);
    /* an integer shift is an exact copy, moved by (tx, ty), background where nothing maps */
    const distort_params p = {2, -3, 1, 1, 0};
    distort_apply(out, in, &p);
    int exact = 1;
    for (int y = 0; y < DISTORT_SIDE; y++)
        for (int x = 0; x < DISTORT_SIDE; x++) {
            const int xs = x - 2, ys = y + 3;
            const int want = xs >= 0 && ys < DISTORT_SIDE ? in[ys * DISTORT_SIDE + xs] : 0;
            exact &= out[y * DISTORT_SIDE + x] == want;
        }
    CHECK(exact);
    /* a fractional shift of a centred ring moves its centre of ink by (tx, ty) */
    distort_t_ring(in, 13.5, 13.5);
    const distort_ranges g = {2.0, 0, 0, 0};
    double mx0, my0, mx, my, worst = 0;
    distort_t_mass(in, &mx0, &my0);
    for (uint64_t k = 0; k < 50; k++) {
        distort_params q;
        distort_draw(&q, &g, 11, k);
        distort_apply(out, in, &q);
        distort_t_mass(out, &mx, &my);
        worst = fmax(worst, fmax(fabs(mx - mx0 - q.tx), fabs(my - my0 - q.ty)));
    }
    CHECK_CLOSE(worst, 0, 0.02, 0);
}

static void distort_t_mass_preserved(void) {
    uint8_t in[D_N], out[D_N];
    distort_t_ring(in, 13.5, 13.5);
    const double m0 = distort_t_mass(in, NULL, NULL);
    const distort_ranges small = {1.0, 0.05, 0.05, 0.05};
    double worst = 0, worst_det = 0;
    for (uint64_t k = 0; k < 100; k++) {
        distort_params p;
        distort_draw(&p, &small, 2, k);
        distort_apply(out, in, &p);
        const double ratio = distort_t_mass(out, NULL, NULL) / m0;
        worst = fmax(worst, fabs(ratio - 1));
        /* the map's area factor is det = s^2 (squeeze and shear keep area) */
        worst_det = fmax(worst_det, fabs(ratio / (p.s * p.s) - 1));
    }
    CHECK(worst < 0.12);
    CHECK(worst_det < 0.02);
    if (check_verbose) printf("  mass: worst %.4f, worst vs s^2 %.4f\n", worst, worst_det);
}

static void distort_t_ranges(void) {
    const distort_ranges g = DISTORT_DEFAULT;
    double lo[5] = {1e9, 1e9, 1e9, 1e9, 1e9}, hi[5] = {-1e9, -1e9, -1e9, -1e9, -1e9};
    double mean[5] = {0};
    const int n = 2000;
    for (int k = 0; k < n; k++) {
        distort_params p;
        distort_draw(&p, &g, 1, (uint64_t)k + 60000);
        const double v[5] = {p.tx, p.ty, p.s - 1, p.q - 1, p.h};
        for (int j = 0; j < 5; j++) {
            lo[j] = fmin(lo[j], v[j]);
            hi[j] = fmax(hi[j], v[j]);
            mean[j] += v[j] / n;
        }
    }
    const double r[5] = {g.translate, g.translate, g.scale, g.squeeze, g.shear};
    int inside = 1, spans = 1, centred = 1;
    for (int j = 0; j < 5; j++) {
        inside &= lo[j] >= -r[j] && hi[j] <= r[j];
        spans &= lo[j] < -0.98 * r[j] && hi[j] > 0.98 * r[j];
        centred &= fabs(mean[j]) < 0.05 * r[j]; /* sd of the mean: r / sqrt(3 n) = 0.013 r */
    }
    CHECK(inside);
    CHECK(spans);
    CHECK(centred);
}

static void distort_t_fill(void) {
    /* a full field of ink: inside stays ink (bilinear weights sum to 1), outside is 0 */
    uint8_t in[D_N], out[D_N];
    memset(in, 255, D_N);
    const distort_params p = {3.5, 0, 1, 1, 0};
    distort_apply(out, in, &p);
    int ok = 1;
    for (int y = 0; y < DISTORT_SIDE; y++)
        for (int x = 0; x < DISTORT_SIDE; x++) {
            const int v = out[y * DISTORT_SIDE + x];
            ok &= x <= 2 ? v == 0 : x == 3 ? v == 128 : v == 255; /* x = 3 reads half */
        }
    CHECK(ok);
    /* shrinking by 0.85 and shearing leaves a border of background, ink within 0..255 */
    const distort_params q = {0, 0, 0.85, 1, 0.3};
    distort_apply(out, in, &q);
    CHECK(out[0] == 0 && out[D_N - 1] == 0);
    CHECK(out[14 * DISTORT_SIDE + 14] == 255);
}

static void distort_t_versions(void) {
    /* in any 10 consecutive passes each original is trained on in each of its 10 versions */
    int ok = 1, count[DISTORT_VERSIONS] = {0};
    for (long i = 0; i < 1000; i++) {
        int seen[DISTORT_VERSIONS] = {0};
        for (long pass = 3; pass < 3 + DISTORT_VERSIONS; pass++) {
            const int v = distort_version(1, i, pass);
            ok &= v >= 0 && v < DISTORT_VERSIONS;
            if (v >= 0 && v < DISTORT_VERSIONS) seen[v]++;
        }
        for (int v = 0; v < DISTORT_VERSIONS; v++) ok &= seen[v] == 1;
        count[distort_version(1, i, 1)]++;
    }
    CHECK(ok);
    /* in pass 1 about a tenth of the originals appear undistorted (binomial sd 9.5) */
    int spread = 1;
    for (int v = 0; v < DISTORT_VERSIONS; v++) spread &= count[v] > 55 && count[v] < 145;
    CHECK(spread);
    CHECK(distort_version(1, 5, 1) == distort_version(1, 5, 11));
}

void test_distort(void) {
    TEST_GROUP("test_distort");
    distort_t_determinism();
    distort_t_identity();
    distort_t_field();
    distort_t_translation();
    distort_t_mass_preserved();
    distort_t_ranges();
    distort_t_fill();
    distort_t_versions();
}
