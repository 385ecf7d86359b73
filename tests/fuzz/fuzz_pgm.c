/* fuzz_pgm.c: the PGM reader (pgm.h) on arbitrary bytes, then what `lenet98 classify` does
 * with an image it read: norm_mnist, in every polarity mode. What a success promises: sizes
 * in range and every pixel readable. */
#include "fuzz.h"
#include "normalize.h"
#include "pgm.h"

#include <stdlib.h>

int fuzz_pgm(const uint8_t *d, size_t n) {
    char err[256] = "";
    uint8_t *pix = NULL;
    int w = -1, h = -1;
    if (pgm_read(fuzz_file(d, n), &pix, &w, &h, err, sizeof err) != 0) {
        FUZZ_ASSERT(pix == NULL && w == 0 && h == 0 && err[0] != 0);
        return 0;
    }
    FUZZ_ASSERT(pix != NULL);
    FUZZ_ASSERT(w >= 1 && w <= PGM_MAX_SIDE && h >= 1 && h <= PGM_MAX_SIDE);
    for (int inv = NORM_INVERT_AUTO; inv <= NORM_INVERT_NO; inv++) {
        uint8_t img[NORM_FIELD * NORM_FIELD];
        int inverted;
        char why[256] = "";
        if (norm_mnist(img, pix, w, h, (norm_invert)inv, &inverted, why, sizeof why) != 0)
            FUZZ_ASSERT(why[0] != 0);
    }
    free(pix);
    return 0;
}
