/* test_normalize.c: the MNIST-style normalisation of an arbitrary digit image: an off-centre
 * blob is centred by its centre of mass, the aspect ratio is kept, dark-on-light input is
 * detected and inverted, and an empty image is an error. */
#include "check.h"
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* the bounding box of the nonzero pixels of a 28x28 image */
static void norm_t_bbox(const uint8_t *img, int *x0, int *y0, int *x1, int *y1) {
    *x0 = *y0 = 28;
    *x1 = *y1 = -1;
    for (int y = 0; y < 28; y++)
        for (int x = 0; x < 28; x++)
            if (img[y * 28 + x]) {
                if (x < *x0) *x0 = x;
                if (x > *x1) *x1 = x;
                if (y < *y0) *y0 = y;
                if (y > *y1) *y1 = y;
            }
}

/* an image (h, w) of background bg with a filled rectangle of ink at (x, y), size rw x rh */
static uint8_t *norm_t_rect(int w, int h, int bg, int ink, int x, int y, int rw, int rh) {
    uint8_t *p = malloc((size_t)w * h);
    if (!p) abort();
    memset(p, bg, (size_t)w * h);
    for (int j = y; j < y + rh; j++)
        for (int i = x; i < x + rw; i++) p[j * w + i] = (uint8_t)ink;
    return p;
}

void test_normalize(void) {
    TEST_GROUP("normalize");
    uint8_t out[28 * 28], out2[28 * 28];
    char err[256] = "";
    int inv = -1, x0, y0, x1, y1;
    double cx, cy;

    /* a 10 wide, 40 tall bar in the top-left corner of a 200x100 image, white on black */
    uint8_t *p = norm_t_rect(200, 100, 0, 255, 5, 3, 10, 40);
    CHECK(norm_mnist(out, p, 200, 100, NORM_INVERT_AUTO, &inv, err, sizeof err) == 0);
    CHECK(inv == 0);
    norm_t_bbox(out, &x0, &y0, &x1, &y1);
    CHECK(y1 - y0 + 1 == 20); /* the long side fills 20 */
    CHECK(x1 - x0 + 1 == 5);  /* the aspect ratio 1:4 is kept */
    norm_centre_of_mass(out, 28, 28, &cx, &cy);
    CHECK_CLOSE(cx, 13.5, 0.5, 0); /* the centre of mass is at the centre of the field */
    CHECK_CLOSE(cy, 13.5, 0.5, 0);
    CHECK(out[y0 * 28 + x0] == 255);

    /* the same bar black on white (and paper a little grey) is detected and gives the same */
    uint8_t *q = norm_t_rect(200, 100, 230, 10, 5, 3, 10, 40);
    CHECK(norm_dark_on_light(q, 200, 100) == 1);
    CHECK(norm_dark_on_light(p, 200, 100) == 0);
    CHECK(norm_mnist(out2, q, 200, 100, NORM_INVERT_AUTO, &inv, err, sizeof err) == 0);
    CHECK(inv == 1);
    CHECK(memcmp(out, out2, sizeof out) == 0);
    /* forced to the wrong polarity, nothing is brighter than the paper: no ink */
    CHECK(norm_mnist(out2, q, 200, 100, NORM_INVERT_NO, &inv, err, sizeof err) == -1);
    CHECK(inv == 0);
    /* forced the right way, the same as auto */
    CHECK(norm_mnist(out2, q, 200, 100, NORM_INVERT_YES, &inv, err, sizeof err) == 0);
    CHECK(inv == 1 && memcmp(out, out2, sizeof out) == 0);
    /* a white card on darker paper with the dark bar on the card: still dark-on-light
     * (the overall mean is above the border's, so a mean-based rule would get it wrong) */
    uint8_t *card = norm_t_rect(200, 100, 200, 255, 2, 1, 190, 95);
    for (int j = 3; j < 43; j++)
        for (int i = 5; i < 15; i++) card[j * 200 + i] = 20;
    CHECK(norm_dark_on_light(card, 200, 100) == 1);
    free(card);

    /* an L shape off centre: its centre of mass (not its box) goes to the centre */
    uint8_t *l = norm_t_rect(60, 60, 0, 0, 0, 0, 0, 0);
    for (int j = 30; j < 50; j++)
        for (int i = 35; i < 55; i++)
            if (i < 39 || j >= 46) l[j * 60 + i] = 200;
    CHECK(norm_mnist(out, l, 60, 60, NORM_INVERT_AUTO, &inv, err, sizeof err) == 0);
    norm_t_bbox(out, &x0, &y0, &x1, &y1);
    CHECK(x1 - x0 + 1 == 20 && y1 - y0 + 1 == 20);
    norm_centre_of_mass(out, 28, 28, &cx, &cy);
    CHECK_CLOSE(cx, 13.5, 0.5, 0);
    CHECK_CLOSE(cy, 13.5, 0.5, 0);
    CHECK(x0 > 4); /* the box is shifted right of the box-centred position */

    /* a small image is enlarged: a 3x2 blob becomes 20x13 or 20x14 */
    uint8_t *s = norm_t_rect(8, 8, 0, 255, 2, 3, 2, 3);
    CHECK(norm_mnist(out, s, 8, 8, NORM_INVERT_AUTO, &inv, err, sizeof err) == 0);
    norm_t_bbox(out, &x0, &y0, &x1, &y1);
    CHECK(y1 - y0 + 1 == 20);
    CHECK(x1 - x0 + 1 >= 13 && x1 - x0 + 1 <= 14);

    /* shrinking is antialiased: a 1-pixel-wide line of slope 1/3 in a 100x100 image gives
     * greys (a slope-1 diagonal would not: it covers every 4x4 cell alike) */
    uint8_t *d = norm_t_rect(100, 100, 0, 0, 0, 0, 0, 0);
    for (int i = 10; i < 90; i++) d[(10 + (i - 10) / 3) * 100 + i] = 255;
    CHECK(norm_mnist(out, d, 100, 100, NORM_INVERT_AUTO, &inv, err, sizeof err) == 0);
    int grey = 0;
    for (int i = 0; i < 28 * 28; i++) grey += out[i] > 0 && out[i] < 255;
    CHECK(grey > 10);

    /* all background (white, or black with faint noise): an error that says so */
    uint8_t *e = norm_t_rect(30, 30, 255, 255, 0, 0, 0, 0);
    CHECK(norm_mnist(out, e, 30, 30, NORM_INVERT_AUTO, &inv, err, sizeof err) == -1);
    CHECK(strstr(err, "no ink") != NULL);
    uint8_t *n = norm_t_rect(30, 30, 0, 10, 5, 5, 3, 3);
    CHECK(norm_mnist(out, n, 30, 30, NORM_INVERT_AUTO, &inv, err, sizeof err) == -1);
    /* a 1x1 image is all border: no ink either, and no crash */
    uint8_t one = 255;
    CHECK(norm_mnist(out, &one, 1, 1, NORM_INVERT_AUTO, &inv, err, sizeof err) == -1);
    free(p);
    free(q);
    free(l);
    free(s);
    free(d);
    free(e);
    free(n);

    /* real-image troubles: a dark L-shaped digit (24 wide, 200 tall) on white
     * 300x300 paper; its normalised height is 20 rows clean, and must stay so */
    enum { W = 300 };
    uint8_t *base = norm_t_rect(W, W, 240, 20, 100, 50, 24, 200);
    for (int j = 226; j < 250; j++)
        for (int i = 124; i < 180; i++) base[j * W + i] = 20;
    uint8_t ref[28 * 28];
    norm_report rep;
    CHECK(norm_mnist_report(ref, base, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == 0);
    norm_t_bbox(ref, &x0, &y0, &x1, &y1);
    CHECK(y1 - y0 + 1 == 20);
    CHECK(rep.marks == 1 && rep.discarded == 0);
    uint8_t *v = malloc(W * W);
    if (!v) abort();
    /* a 3x3 speck in a corner: ignored, the same digit */
    memcpy(v, base, W * W);
    for (int j = 5; j < 8; j++)
        for (int i = 290; i < 293; i++) v[j * W + i] = 20;
    CHECK(norm_mnist_report(out, v, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == 0);
    CHECK(memcmp(out, ref, sizeof out) == 0);
    CHECK(rep.marks == 2 && rep.discarded > 0 && rep.discarded < 0.01);
    /* sensor noise +-30 (a fixed LCG): still 20 rows, and close to the clean digit */
    unsigned long z = 12345;
    for (int i = 0; i < W * W; i++) {
        z = z * 6364136223846793005UL + 1442695040888963407UL;
        const int dn = (int)((z >> 33) % 61) - 30, x = base[i] + dn;
        v[i] = (uint8_t)(x < 0 ? 0 : x > 255 ? 255 : x);
    }
    CHECK(norm_mnist_report(out, v, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == 0);
    norm_t_bbox(out, &x0, &y0, &x1, &y1);
    CHECK(y1 - y0 + 1 == 20);
    {
        long diff = 0;
        for (int i = 0; i < 28 * 28; i++) diff += abs((int)out[i] - (int)ref[i]);
        CHECK(diff < 28 * 28 * 255 / 20); /* under 5% of the field's full range */
    }
    /* uneven lighting: paper from 250 (left) to 110 (right), the ink 20 darker than black
     * paper would be: the same box */
    for (int j = 0; j < W; j++)
        for (int i = 0; i < W; i++)
            v[j * W + i] = base[j * W + i] == 20 ? 20 : (uint8_t)(250 - 140 * i / (W - 1));
    CHECK(norm_mnist_report(out, v, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == 0);
    CHECK(inv == 1);
    norm_t_bbox(out, &x0, &y0, &x1, &y1);
    {
        int rx0, ry0, rx1, ry1;
        norm_t_bbox(ref, &rx0, &ry0, &rx1, &ry1);
        CHECK(y1 - y0 + 1 == 20 && x1 - x0 == rx1 - rx0);
    }
    /* low contrast: ink 100 on paper 128 is not "no ink" but "contrast too low" with 28 */
    for (int i = 0; i < W * W; i++) v[i] = base[i] == 20 ? 100 : 128;
    CHECK(norm_mnist_report(out, v, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == -1);
    CHECK(strstr(err, "contrast too low") != NULL && strstr(err, " 28 ") != NULL);
    CHECK(rep.contrast == 28);
    /* two digits side by side, 50 pixels apart: several marks */
    memcpy(v, base, W * W);
    for (int j = 50; j < 250; j++)
        for (int i = 230; i < 254; i++) v[j * W + i] = 20;
    CHECK(norm_mnist_report(out, v, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == -1);
    CHECK(strstr(err, "several separate marks") != NULL);
    /* clutter along the border, a fifth of the digit's ink: dropped, and reported */
    memcpy(v, base, W * W);
    for (int j = 0; j < 4; j++)
        for (int i = 0; i < 250; i++) v[j * W + i] = 20;
    CHECK(norm_mnist_report(out, v, W, W, NORM_INVERT_AUTO, &inv, &rep, err, sizeof err) == 0);
    CHECK(memcmp(out, ref, sizeof out) == 0);
    CHECK(rep.discarded > 0.10 && rep.discarded < 0.25);
    free(v);
    free(base);
}
