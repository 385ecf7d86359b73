/* test_codes.c: the ten output codes equal Figure 3's (the 7x12 bitmaps for ASCII 48..57 in
 * experiments/paper/rbf-codes-7x12.txt), with ink counts 35 27 33 32 41 35 39 25 43 39. */
#include "check.h"
#include "lenet.h"

#include <string.h>

void test_codes(void) {
    TEST_GROUP("codes: Figure 3");
    const int ink[OUT_N] = {35, 27, 33, 32, 41, 35, 39, 25, 43, 39};
    real w[OUT_N * F6_N];
    lenet_rbf_codes(w);
    for (int d = 0; d < OUT_N; d++) {
        int n = 0, pm = 1;
        for (int j = 0; j < F6_N; j++) {
            n += w[d * F6_N + j] == 1;
            pm &= w[d * F6_N + j] == 1 || w[d * F6_N + j] == -1;
        }
        CHECK(n == ink[d]);
        CHECK(pm);
    }
    FILE *f = fopen("experiments/paper/rbf-codes-7x12.txt", "r");
    CHECK(f != NULL);
    if (!f) return;
    char line[256];
    int code = -1, row = 0, matched = 0;
    char cells[F6_N + 1];
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "code %d", &code) == 1) {
            row = 0;
            continue;
        }
        if (code >= 48 && code <= 57 && row < RBF_ROWS && strlen(line) >= RBF_COLS &&
            (line[0] == '#' || line[0] == '.')) {
            memcpy(cells + row * RBF_COLS, line, RBF_COLS);
            if (++row == RBF_ROWS) {
                cells[F6_N] = 0;
                CHECK(strcmp(cells, LENET_RBF_CODES[code - 48]) == 0);
                matched++;
            }
        }
    }
    fclose(f);
    CHECK(matched == OUT_N);
}
