/* afile.h: files written atomically. Output goes to "PATH.tmp-PID"; afile_commit flushes,
 * fsyncs and renames it over PATH, so PATH holds either its old content or the complete new
 * one, never half a file; afile_abort (or any failure) removes the temporary. */
#ifndef AFILE_H
#define AFILE_H
#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *f;
    char path[4096];
    char tmp[4200];
} afile;

/* 0, or -1 with "path: problem" in err */
int afile_open(afile *a, const char *path, char *err, size_t errn);
int afile_commit(afile *a, char *err, size_t errn);
void afile_abort(afile *a);
/* the whole of buf to path, atomically */
int afile_write(const char *path, const void *buf, size_t len, char *err, size_t errn);
#endif
