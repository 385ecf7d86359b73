/* fuzz.h: what the fuzz targets share. Each target is a function fuzz_NAME(data, size) that
 * feeds the bytes to one file reader and abort()s if a reader's promise is broken (a crash,
 * a leak or undefined behaviour is caught by the sanitizers or valgrind). The targets are
 * linked two ways: one libFuzzer binary per target (`make fuzz`; entry.c, built with
 * -DFUZZ_TARGET=fuzz_NAME, is its LLVMFuzzerTestOneInput), and all of them into one replay
 * program (replay.c; `make test` runs the seed corpus and every regression input through it). */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>

int fuzz_idx(const uint8_t *d, size_t n);
int fuzz_idx_gz(const uint8_t *d, size_t n);
int fuzz_model(const uint8_t *d, size_t n);
int fuzz_pgm(const uint8_t *d, size_t n);
int fuzz_ckpt(const uint8_t *d, size_t n);

/* The readers take a path: puts the bytes into an in-memory file (memfd, reused) and returns
 * a path that opens it ("/proc/self/fd/N"). Aborts if that is impossible. */
const char *fuzz_file(const uint8_t *d, size_t n);
/* d as a gzip stream in *z (malloc'd, *zn bytes); 0, or -1 if zlib fails */
int fuzz_gzip(const uint8_t *d, size_t n, uint8_t **z, size_t *zn);

/* aborts with a message naming the broken promise */
#define FUZZ_ASSERT(cond)                                                                  \
    do {                                                                                   \
        if (!(cond)) fuzz_fail(__FILE__, __LINE__, #cond);                                 \
    } while (0)
_Noreturn void fuzz_fail(const char *file, int line, const char *what);

#endif
