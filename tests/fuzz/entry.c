/* entry.c: the libFuzzer entry point of one target, built with -DFUZZ_TARGET=fuzz_NAME. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return FUZZ_TARGET(d, n); }
