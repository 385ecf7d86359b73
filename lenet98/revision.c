/* revision.c: the git revision baked in at build time (revision.h). */
#include "revision.h"

#ifndef LENET98_REVISION
#define LENET98_REVISION "unknown"
#endif

const char *lenet_revision(void) { return LENET98_REVISION; }
