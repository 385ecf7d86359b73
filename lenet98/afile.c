/* afile.c: atomic file writes (temp file, fsync, rename). */
#include "afile.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int afile_open(afile *a, const char *path, char *err, size_t errn) {
    a->f = NULL;
    if (strlen(path) >= sizeof a->path) {
        snprintf(err, errn, "%s: path too long", path);
        return -1;
    }
    strcpy(a->path, path);
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp-%ld", path, (long)getpid());
    a->f = fopen(a->tmp, "wb");
    if (!a->f) {
        snprintf(err, errn, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

void afile_abort(afile *a) {
    if (a->f) fclose(a->f);
    a->f = NULL;
    unlink(a->tmp);
}

int afile_commit(afile *a, char *err, size_t errn) {
    int bad = ferror(a->f) || fflush(a->f) != 0;
    int e = errno;
    if (!bad && fsync(fileno(a->f)) != 0) bad = 1, e = errno;
    if (fclose(a->f) != 0 && !bad) bad = 1, e = errno;
    a->f = NULL;
    if (!bad && rename(a->tmp, a->path) != 0) bad = 1, e = errno;
    if (bad) {
        snprintf(err, errn, "%s: write failed: %s", a->path, strerror(e ? e : EIO));
        unlink(a->tmp);
        return -1;
    }
    return 0;
}

int afile_write(const char *path, const void *buf, size_t len, char *err, size_t errn) {
    afile a;
    if (afile_open(&a, path, err, errn) != 0) return -1;
    if (fwrite(buf, 1, len, a.f) != len) {
        snprintf(err, errn, "%s: write failed: %s", path, strerror(errno));
        afile_abort(&a);
        return -1;
    }
    return afile_commit(&a, err, errn);
}
