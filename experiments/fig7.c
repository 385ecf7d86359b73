/* fig7.c: Figure 7, examples of the distorted training patterns (Sec. III-C). Ten training
 * digits (the first 0, 1, ..., 9 of the training file), each as the ten versions training
 * with --distort sees: column 0 the original, column v the copy with index v * N + i, the
 * very bytes `lenet98 train --distort --seed S --train-size N` trains on. Writes a text
 * matrix for gnuplot (figures/fig7.gp): ink 0..255, cell borders 40. */
#include "afile.h"
#include "cli.h"
#include "distort.h"
#include "revision.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* each cell is the 32x32 input field, as training makes the copies (distort_image_field) */
enum { CELL = DISTORT_FIELD, GAP = 2, GRID = 10, SIDE = GRID * CELL + (GRID + 1) * GAP,
       PAD = (DISTORT_FIELD - DISTORT_SIDE) / 2 };
#define BORDER 40

static void usage(void) {
    printf("usage: fig7 [--data DIR] [--seed S] [--train-size N] [--distort-translate PX]\n"
           "            [--distort-scale X] [--distort-squeeze X] [--distort-shear X] -o FILE\n"
           "Figure 7: the first training digit of each class in its ten training versions\n"
           "(column 0 the original, column v the distorted copy v * N + i), as `lenet98 train\n"
           "--distort` with the same seed, size and ranges sees them. Writes a %dx%d text\n"
           "matrix (ink 0..255) with a header of the settings and each copy's parameters.\n"
           "Defaults: data, seed 1, N 60000, ranges %g px, %g, %g, %g.\n",
           SIDE, SIDE, DISTORT_TRANSLATE, DISTORT_SCALE, DISTORT_SQUEEZE, DISTORT_SHEAR);
}

int main(int argc, char **argv) {
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},
        {"seed", required_argument, 0, 's'},
        {"train-size", required_argument, 0, 'n'},
        {"distort-translate", required_argument, 0, 'T'},
        {"distort-scale", required_argument, 0, 'S'},
        {"distort-squeeze", required_argument, 0, 'Q'},
        {"distort-shear", required_argument, 0, 'R'},
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *data = "data", *out = NULL;
    long seed = 1, n = 60000;
    distort_ranges g = DISTORT_DEFAULT;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(); return 0;
        case 'd': data = optarg; break;
        case 's': if (cli_long("--seed", optarg, 0, 4294967295L, &seed)) return EXIT_USAGE; break;
        case 'n': if (cli_long("--train-size", optarg, 1, 60000, &n)) return EXIT_USAGE; break;
        case 'T': if (cli_double("--distort-translate", optarg, 0, 10, &g.translate)) return EXIT_USAGE; break;
        case 'S': if (cli_double("--distort-scale", optarg, 0, 0.9, &g.scale)) return EXIT_USAGE; break;
        case 'Q': if (cli_double("--distort-squeeze", optarg, 0, 0.9, &g.squeeze)) return EXIT_USAGE; break;
        case 'R': if (cli_double("--distort-shear", optarg, 0, 2, &g.shear)) return EXIT_USAGE; break;
        case 'o': out = optarg; break;
        default: fprintf(stderr, "try fig7 --help\n"); return EXIT_USAGE;
        }
    }
    if (optind < argc || !out) {
        fprintf(stderr, "fig7: %s\ntry fig7 --help\n",
                out ? "unexpected argument" : "-o FILE is required");
        return EXIT_USAGE;
    }
    char err[1024];
    mnist_set tr;
    if (mnist_load(&tr, data, "train", err, sizeof err) != 0) {
        fprintf(stderr, "fig7: %s\n", err);
        return 1;
    }
    if (n > tr.n) n = tr.n;
    /* the first training image of each digit */
    long first[GRID];
    for (int d = 0; d < GRID; d++) {
        first[d] = -1;
        for (long i = 0; i < n && first[d] < 0; i++)
            if (tr.labels[i] == d) first[d] = i;
    }
    static uint8_t mosaic[SIDE * SIDE];
    memset(mosaic, BORDER, sizeof mosaic);
    afile f;
    if (afile_open(&f, out, err, sizeof err) != 0) {
        fprintf(stderr, "fig7: %s\n", err);
        mnist_free(&tr);
        return 1;
    }
    fprintf(f.f, "# Figure 7: distorted training patterns. fig7 --seed %ld --train-size %ld "
                 "--distort-translate %g --distort-scale %g --distort-squeeze %g "
                 "--distort-shear %g; revision %s\n",
            seed, n, g.translate, g.scale, g.squeeze, g.shear, lenet_revision());
    fprintf(f.f, "# %dx%d matrix of ink 0..255 (cell borders %d); row d: the first training "
                 "digit d; column v: its version v (0 = original, v >= 1 = copy v * N + i)\n",
            SIDE, SIDE, BORDER);
    fprintf(f.f, "# digit\timage\tversion\tcopy_index\ttx\tty\tscale\tsqueeze\tshear\n");
    for (int d = 0; d < GRID; d++) {
        if (first[d] < 0) continue; /* a tiny --train-size without this digit */
        const uint8_t *img = tr.images + (size_t)first[d] * DISTORT_SIDE * DISTORT_SIDE;
        for (int v = 0; v < GRID; v++) {
            uint8_t cell[CELL * CELL];
            const uint64_t index = (uint64_t)v * (uint64_t)n + (uint64_t)first[d];
            distort_params p = {0, 0, 1, 1, 0};
            if (v == 0) { /* the original, padded into the field */
                memset(cell, 0, sizeof cell);
                for (int y = 0; y < DISTORT_SIDE; y++)
                    memcpy(cell + (y + PAD) * CELL + PAD, img + y * DISTORT_SIDE, DISTORT_SIDE);
            } else {
                distort_draw(&p, &g, (uint64_t)seed, index);
                distort_image_field(cell, img, &g, (uint64_t)seed, index);
            }
            fprintf(f.f, "# %d\t%ld\t%d\t%llu\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", d, first[d], v,
                    v ? (unsigned long long)index : 0ull, p.tx, p.ty, p.s, p.q, p.h);
            const int y0 = GAP + d * (CELL + GAP), x0 = GAP + v * (CELL + GAP);
            for (int y = 0; y < CELL; y++)
                memcpy(mosaic + (size_t)(y0 + y) * SIDE + x0, cell + y * CELL, CELL);
        }
    }
    for (int y = 0; y < SIDE; y++)
        for (int x = 0; x < SIDE; x++)
            fprintf(f.f, "%d%c", mosaic[y * SIDE + x], x + 1 < SIDE ? ' ' : '\n');
    mnist_free(&tr);
    if (afile_commit(&f, err, sizeof err) != 0) {
        fprintf(stderr, "fig7: %s\n", err);
        return 1;
    }
    return 0;
}
