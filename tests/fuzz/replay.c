/* replay.c: `fuzz-replay TARGET FILE...` runs each file through one fuzz target (fuzz.h), as
 * libFuzzer would, without libFuzzer: how `make test` (and `make sanitize`, `make valgrind`)
 * replays the seed corpus and the inputs of every crash found and fixed. Ends with
 * "N passed, N failed" (a file that cannot be read fails); a file that breaks a reader's
 * promise aborts the program, which the caller counts as a failure. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    int (*run)(const uint8_t *, size_t);
} targets[] = {{"idx", fuzz_idx}, {"idx_gz", fuzz_idx_gz}, {"model", fuzz_model},
               {"pgm", fuzz_pgm}, {"ckpt", fuzz_ckpt}};

/* the whole file; NULL if unreadable */
static uint8_t *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    uint8_t *b = malloc(cap);
    for (size_t got; b && (got = fread(b + len, 1, cap - len, f)) > 0;) {
        len += got;
        if (len == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) free(b);
            b = nb;
        }
    }
    const int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(b);
        return NULL;
    }
    *n = len;
    return b;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: fuzz-replay idx|idx_gz|model|pgm|ckpt FILE...\n");
        return 2;
    }
    int (*run)(const uint8_t *, size_t) = NULL;
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (strcmp(argv[1], targets[i].name) == 0) run = targets[i].run;
    if (!run) {
        fprintf(stderr, "fuzz-replay: unknown target '%s'\n", argv[1]);
        return 2;
    }
    int passed = 0, failed = 0;
    for (int i = 2; i < argc; i++) {
        size_t n = 0;
        uint8_t *b = slurp(argv[i], &n);
        if (!b) {
            printf("FAIL fuzz %s: cannot read %s\n", argv[1], argv[i]);
            failed++;
            continue;
        }
        fflush(stdout); /* a crash then comes after the lines of the files before it */
        run(b, n);
        free(b);
        passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
