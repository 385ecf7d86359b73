/* afile.h: every file lenet98 opens, in and out, goes through here.
 *
 * Outputs (afile_open / afile_commit / afile_abort, afile_write):
 *   - a regular file, or a name that does not exist yet: written to a unique temporary
 *     "PATH.tmp-PID-RANDOM" in the same directory (created with O_EXCL, so nothing that is
 *     already there is touched); afile_commit flushes, fsyncs and renames it over PATH, so
 *     PATH holds either its old content or the complete new one, never half a file. A
 *     symbolic link to a regular file stays a link: its target is replaced. Temporaries
 *     "PATH.tmp-PID[-RANDOM]" left by a process that no longer exists (a SIGKILL during a
 *     save) are removed when PATH is next written.
 *   - "-", or the file that is already stdout: written to stdout (not closed).
 *   - a character device (/dev/null, a terminal) or a FIFO with a reader: written directly,
 *     never replaced by a regular file.
 *   - anything else (a directory, a block device, a socket, a FIFO without a reader, a
 *     dangling symbolic link): refused with a message.
 *   - a file this process has read as an input (afile_protect): refused.
 * Inputs (afile_input): only regular files are read; a FIFO, device or directory is refused
 * with a message, without blocking.
 * Every function that fails puts "path: problem" in err and returns -1. */
#ifndef AFILE_H
#define AFILE_H
#include <stddef.h>
#include <stdio.h>

typedef struct {
    FILE *f;
    int direct;    /* 1: written in place (device, FIFO); 2: this is stdout */
    char path[4096];   /* what the caller named (messages) */
    char target[4096]; /* what is renamed over: path, or a symbolic link's target */
    char tmp[4200];
} afile;

/* 0, or -1 with "path: problem" in err */
int afile_open(afile *a, const char *path, char *err, size_t errn);
int afile_commit(afile *a, char *err, size_t errn);
void afile_abort(afile *a);
/* the whole of buf to path, as afile_open + afile_commit */
int afile_write(const char *path, const void *buf, size_t len, char *err, size_t errn);
/* 0 if afile_open(path) would be allowed (creates nothing), else -1 with err: lets a command
 * refuse an output before hours of work rather than at its first write */
int afile_check(const char *path, char *err, size_t errn);
/* 1 if afile_open(path) would write to stdout ("-", or the file stdout already is), else 0:
 * a command then says its messages on stderr, so that stdout holds only that output */
int afile_is_stdout(const char *path);

/* Opens path for reading: a file descriptor (O_CLOEXEC) of a regular file, or -1 with err
 * ("not a regular file", or why it cannot be opened). Never blocks on a FIFO. */
int afile_input(const char *path, char *err, size_t errn);
/* Records the file at path (by device and inode, so links count) as an input of this
 * process: afile_open refuses to write over it. The readers (idx, model, pgm) call it for
 * every file they read successfully; it does nothing until afile_protect_inputs() is called
 * (the CLI does, once: one command, one set of inputs; a long-lived program such as the
 * tests may rewrite a file it read). */
void afile_protect(const char *path);
void afile_protect_inputs(void);

/* An exclusive lock (flock) on the file at path, created if missing (never through a
 * symbolic link), holding the locker's PID as text: how a training run keeps its outputs to
 * itself. Returns a descriptor for afile_unlock, or -1 with err ("path: locked by another
 * process (PID N) ..." when another process holds it). The lock ends with the process, so a
 * killed run never leaves a stale one; the file it leaves is reused. */
int afile_lock(const char *path, char *err, size_t errn);
/* Removes path (while still holding the lock, so no one else is locking that file) and
 * releases the lock; nothing if fd < 0. */
void afile_unlock(int fd, const char *path);

/* strerror, but "out of memory" for ENOMEM */
const char *afile_strerror(int e);

/* At exit: flushes and closes stdout. 0, or -1 after printing "lenet98 WHO: stdout: ..."
 * to stderr when anything written to stdout was lost (a full disk, a closed pipe, a closed
 * stdout). */
int afile_close_stdout(const char *who);
/* 1 if writing to stdout has failed so far (flushes first) */
int afile_stdout_failed(void);
/* At start: if fd 0, 1 or 2 is closed, occupies it with /dev/null opened read-only, so that
 * no file the program opens becomes its stdout, and writes to a closed stdout fail. */
void afile_guard_std(void);
#endif
