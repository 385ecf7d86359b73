/* fuzz_file.c: the in-memory file the fuzz targets hand to the readers (see fuzz.h). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

_Noreturn void fuzz_fail(const char *file, int line, const char *what) {
    fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
    abort();
}

const char *fuzz_file(const uint8_t *d, size_t n) {
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("lenet98-fuzz", 0);
        if (fd < 0) {
            perror("memfd_create");
            abort();
        }
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || (n > 0 && pwrite(fd, d, n, 0) != (ssize_t)n)) {
        perror("fuzz_file");
        abort();
    }
    return path;
}

int fuzz_gzip(const uint8_t *d, size_t n, uint8_t **z, size_t *zn) {
    z_stream s = {0};
    if (deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    const size_t cap = deflateBound(&s, (uLong)n) + 32;
    uint8_t *out = malloc(cap);
    if (!out) {
        deflateEnd(&s);
        return -1;
    }
    s.next_in = (Bytef *)(uintptr_t)d; /* zlib does not write through next_in */
    s.avail_in = (uInt)n;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    const int rc = deflate(&s, Z_FINISH);
    *zn = cap - s.avail_out;
    deflateEnd(&s);
    if (rc != Z_STREAM_END) {
        free(out);
        return -1;
    }
    *z = out;
    return 0;
}
