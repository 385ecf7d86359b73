/* revision.h: the git revision the library was built from (Makefile: -DLENET98_REVISION),
 * named in every log and dump header. */
#ifndef REVISION_H
#define REVISION_H
/* the revision, or "unknown" */
const char *lenet_revision(void);
#endif
