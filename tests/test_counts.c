/* test_counts.c: parameters and connections of every layer against the table of Sec. II-B
 * (spec section 3), and the modern variant's 61,706 parameters. */
#include "check.h"
#include "lenet.h"

void test_counts(void) {
    TEST_GROUP("counts: Sec. II-B table");
    lenet_model *m = lenet_alloc(&LENET_ARCH_LENET5);
    lenet_layer_info info[LENET_NLAYERS];
    lenet_info(m, info);
    const long params[LENET_NLAYERS] = {156, 12, 1516, 32, 48120, 10164, 0};
    const long conns[LENET_NLAYERS] = {122304, 5880, 151600, 2000, 48120, 10164, 840};
    long tp = 0, tc = 0;
    for (int i = 0; i < LENET_NLAYERS; i++) {
        CHECK(info[i].params == params[i]);
        CHECK(info[i].connections == conns[i]);
        tp += info[i].params;
        tc += info[i].connections;
    }
    CHECK(tp == 60000);
    CHECK(tc == 340908);
    CHECK(m->n == 60000);
    CHECK(m->c3_pairs == 60);
    /* Table I: six maps see 3, nine see 4, one sees 6 */
    int hist[7] = {0};
    for (int o = 0; o < C3_N; o++) {
        int k = 0;
        for (int i = 0; i < S2_N; i++) k += LENET_TABLE_I[o][i];
        hist[k]++;
    }
    CHECK(hist[3] == 6 && hist[4] == 9 && hist[6] == 1);
    lenet_free(m);

    lenet_model *mm = lenet_alloc(&LENET_ARCH_MODERN);
    lenet_info(mm, info);
    tp = 0;
    for (int i = 0; i < LENET_NLAYERS; i++) tp += info[i].params;
    CHECK(tp == 61706);
    CHECK(mm->n == 61706);
    CHECK(info[2].params == 2416 && info[6].params == 850);
    lenet_free(mm);

    /* architecture tags round-trip */
    lenet_arch a = LENET_ARCH_LENET5, b;
    a.pool = LENET_POOL_MAX;
    char tag[128];
    CHECK(lenet_arch_tag(&a, tag, sizeof tag) == 0);
    CHECK(lenet_arch_parse(&b, tag) == 0 && lenet_arch_equal(&a, &b));
    CHECK(lenet_arch_parse(&b, "modern") == 0 && lenet_arch_equal(&b, &LENET_ARCH_MODERN));
    CHECK(lenet_arch_parse(&b, "pool=bogus") == -1);
    CHECK(lenet_arch_parse(&b, "nonsense") == -1);
}
