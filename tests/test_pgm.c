/* test_pgm.c: PGM P2/P5 reading (8- and 16-bit, comments, bad files) and atomic P5 writing. */
#include "check.h"
#include "pgm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Writes len bytes to check_tmpdir/name; path gets the full name. */
static void pgm_t_file(char *path, size_t pathn, const char *name, const void *data,
                       size_t len) {
    snprintf(path, pathn, "%s/%s", check_tmpdir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return;
    CHECK(fwrite(data, 1, len, f) == len);
    CHECK(fclose(f) == 0);
}

/* reads a PGM made of the string s; expects w x h and the first pixels */
static void pgm_t_good(const char *name, const char *s, size_t len, int w, int h,
                       const uint8_t *want) {
    char p[512], err[512] = "";
    uint8_t *pix = NULL;
    int pw = 0, ph = 0;
    pgm_t_file(p, sizeof p, name, s, len);
    const int rc = pgm_read(p, &pix, &pw, &ph, err, sizeof err);
    CHECK(rc == 0);
    if (rc != 0) printf("  (%s: message: %s)\n", name, err);
    CHECK(pw == w && ph == h);
    CHECK(pix != NULL && rc == 0 && memcmp(pix, want, (size_t)w * h) == 0);
    free(pix);
}

/* expects pgm_read to fail on the string s, with a message naming the file and saying what */
static void pgm_t_bad(const char *s, size_t len, const char *what) {
    char p[512], err[512] = "";
    uint8_t *pix = (uint8_t *)1;
    int w = -1, h = -1;
    pgm_t_file(p, sizeof p, "bad.pgm", s, len);
    CHECK(pgm_read(p, &pix, &w, &h, err, sizeof err) == -1);
    CHECK(pix == NULL && w == 0 && h == 0);
    CHECK(strncmp(err, p, strlen(p)) == 0);
    CHECK(strstr(err, what) != NULL);
    if (check_verbose || strstr(err, what) == NULL) printf("  (message: %s)\n", err);
}

#define PGM_T_STR(s) s, sizeof(s) - 1 /* a string literal without its NUL */

static void pgm_t_read_good(void) {
    static const uint8_t a[6] = {0, 1, 2, 3, 128, 255};
    pgm_t_good("a.pgm", PGM_T_STR("P2\n# a comment\n3 2\n# another\n255\n0 1 2\n3 128 255\n"), 3,
               2, a);
    pgm_t_good("a2.pgm", PGM_T_STR("P2 3#c\n2 255 0 1 2 3 128 255"), 3, 2, a); /* no final \n */
    /* maxval 15: 0 -> 0, 15 -> 255, 7 -> round(7 * 255 / 15) = 119 */
    static const uint8_t b[3] = {0, 255, 119};
    pgm_t_good("b.pgm", PGM_T_STR("P2\n3 1\n15\n0 15 7\n\n"), 3, 1, b);
    pgm_t_good("c.pgm", PGM_T_STR("P5\n# made by hand\n3 2\n255\n\x00\x01\x02\x03\x80\xff"), 3,
               2, a);
    /* 16-bit big-endian: 0, 65535, 0x8000 -> 0, 255, 128 */
    static const uint8_t d[3] = {0, 255, 128};
    pgm_t_good("d.pgm", PGM_T_STR("P5 3 1 65535\n\x00\x00\xff\xff\x80\x00"), 3, 1, d);
    pgm_t_good("e.pgm", PGM_T_STR("P2 3 1 65535 0 65535 32768"), 3, 1, d);
    static const uint8_t e[1] = {255};
    pgm_t_good("f.pgm", PGM_T_STR("P5 1 1 1\n\x01"), 1, 1, e); /* maxval 1 */
}

static void pgm_t_read_bad(void) {
    char p[512], err[512] = "";
    uint8_t *pix = (uint8_t *)1;
    int w, h;
    snprintf(p, sizeof p, "%s/no-such.pgm", check_tmpdir);
    CHECK(pgm_read(p, &pix, &w, &h, err, sizeof err) == -1 && pix == NULL);
    CHECK(strstr(err, "cannot open") != NULL);
    CHECK(pgm_read(check_tmpdir, &pix, &w, &h, NULL, 0) == -1); /* a directory */

    pgm_t_bad(PGM_T_STR(""), "not a PGM");
    pgm_t_bad(PGM_T_STR("P6\n1 1\n255\n\x00\x00\x00"), "not a PGM");
    pgm_t_bad(PGM_T_STR("P3\n1 1\n255\n0 0 0\n"), "not a PGM");
    pgm_t_bad(PGM_T_STR("XY\n1 1\n255\n\x00"), "not a PGM");
    pgm_t_bad(PGM_T_STR("P55 1 1 255\n\x00"), "junk after the magic");
    pgm_t_bad(PGM_T_STR("P5"), "truncated header");
    pgm_t_bad(PGM_T_STR("P5\n3 2\n"), "truncated header (no maxval)");
    pgm_t_bad(PGM_T_STR("P5\n3 2 255"), "truncated");
    pgm_t_bad(PGM_T_STR("P5\n3 2\n255\n\x00\x01\x02\x03\x80"), "truncated");
    pgm_t_bad(PGM_T_STR("P5\n3 1\n65535\n\x00\x00\xff\xff\x80"), "truncated");
    pgm_t_bad(PGM_T_STR("P2\n3 2\n255\n0 1 2\n3 128\n"), "truncated raster (5 of 6");
    pgm_t_bad(PGM_T_STR("P2\n3 2\n255\n0 1 2 3 4 5 6\n"), "trailing data");
    pgm_t_bad(PGM_T_STR("P5\n1 1\n255\n\x00\x00"), "trailing data");
    pgm_t_bad(PGM_T_STR("P5\n0 2\n255\n"), "width 0 out of range");
    pgm_t_bad(PGM_T_STR("P5\n2 0\n255\n"), "height 0 out of range");
    pgm_t_bad(PGM_T_STR("P5\n8193 1\n255\n"), "width 8193 out of range");
    pgm_t_bad(PGM_T_STR("P5\n99999999999999999999 1\n255\n"), "width 1000000+ out of range");
    pgm_t_bad(PGM_T_STR("P5\n1 1\n0\n\x00"), "maxval 0 out of range");
    pgm_t_bad(PGM_T_STR("P5\n1 1\n65536\n\x00\x00"), "maxval 65536 out of range");
    pgm_t_bad(PGM_T_STR("P5\n-1 1\n255\n\x00"), "width is not a number");
    pgm_t_bad(PGM_T_STR("P5\n1x 1\n255\n\x00"), "width is not a number");
    pgm_t_bad(PGM_T_STR("P5\n1 1\n255#c\n\x00"), "one whitespace");
    pgm_t_bad(PGM_T_STR("P5\n2 1\n100\n\x00\x65"), "sample 101 exceeds maxval 100");
    pgm_t_bad(PGM_T_STR("P5\n1 1\n256\n\x01\x01"), "sample 257 exceeds maxval 256");
    pgm_t_bad(PGM_T_STR("P2\n2 1\n100\n0 101\n"), "sample 101 exceeds maxval 100");
    pgm_t_bad(PGM_T_STR("P2\n2 1\n100\n0 x\n"), "the sample at position 1 of 2 (from 0) is not a number");
    /* a big header on a tiny file fails before allocating the raster */
    pgm_t_bad(PGM_T_STR("P5\n8192 8192\n65535\n\x00"), "truncated");
    pgm_t_bad(PGM_T_STR("P2\n8192 8192\n255\n0 0"), "truncated");
}

static void pgm_t_write(void) {
    char p[512], tmp[520], err[512] = "";
    uint8_t pix[4 * 3];
    for (int i = 0; i < 12; i++) pix[i] = (uint8_t)(i * 23);
    snprintf(p, sizeof p, "%s/w.pgm", check_tmpdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    for (int round = 0; round < 2; round++) { /* the second overwrites */
        CHECK(pgm_write(p, pix, 4, 3, err, sizeof err) == 0);
        CHECK(access(tmp, F_OK) != 0);
        uint8_t *back = NULL;
        int w = 0, h = 0;
        CHECK(pgm_read(p, &back, &w, &h, err, sizeof err) == 0);
        CHECK(w == 4 && h == 3 && back && memcmp(back, pix, 12) == 0);
        free(back);
        pix[0] = 77;
    }
    /* the exact bytes */
    FILE *f = fopen(p, "rb");
    char head[32] = "";
    CHECK(f != NULL);
    if (f) {
        CHECK(fread(head, 1, 11, f) == 11);
        fclose(f);
    }
    CHECK(memcmp(head, "P5\n4 3\n255\n", 11) == 0);
    /* a directory that does not exist: an error, no temporary left */
    snprintf(p, sizeof p, "%s/no-such-dir/w.pgm", check_tmpdir);
    CHECK(pgm_write(p, pix, 4, 3, err, sizeof err) == -1);
    CHECK(strstr(err, "no-such-dir/w.pgm: cannot write") != NULL);
    /* a target that cannot be replaced (a non-empty directory): refused, no temporary */
    snprintf(p, sizeof p, "%s/dir.pgm", check_tmpdir);
    snprintf(tmp, sizeof tmp, "%s/dir.pgm/x", check_tmpdir);
    if (mkdir(p, 0700) == 0) {
        FILE *g = fopen(tmp, "wb");
        if (g) fclose(g);
        CHECK(pgm_write(p, pix, 4, 3, err, sizeof err) == -1);
        CHECK(strstr(err, "is a directory") != NULL);
        snprintf(tmp, sizeof tmp, "%s.tmp", p);
        CHECK(access(tmp, F_OK) != 0);
    }
    /* the temporary name is unique: an existing PATH.tmp is not touched */
    snprintf(p, sizeof p, "%s/u.pgm", check_tmpdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    FILE *k = fopen(tmp, "wb");
    CHECK(k != NULL && fputs("keep", k) >= 0 && fclose(k) == 0);
    CHECK(pgm_write(p, pix, 4, 3, err, sizeof err) == 0);
    struct stat kst;
    CHECK(stat(tmp, &kst) == 0 && kst.st_size == 4);
    remove(tmp);
}

void test_pgm(void) {
    TEST_GROUP("pgm: P2/P5 read, P5 write");
    pgm_t_read_good();
    pgm_t_read_bad();
    pgm_t_write();
}
