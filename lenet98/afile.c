/* afile.c: opening files, in and out (see afile.h for what is promised). */
#include "afile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fail.h"

const char *afile_strerror(int e) { return e == ENOMEM ? "out of memory" : strerror(e); }

/* ---- inputs ----------------------------------------------------------------------------- */

enum { AFILE_MAX_PROTECT = 64 };
static struct {
    dev_t dev;
    ino_t ino;
} afile_prot[AFILE_MAX_PROTECT];
static int afile_nprot, afile_protecting;

void afile_protect_inputs(void) { afile_protecting = 1; }

void afile_protect(const char *path) {
    struct stat st;
    if (!afile_protecting || afile_nprot >= AFILE_MAX_PROTECT || stat(path, &st) != 0) return;
    for (int i = 0; i < afile_nprot; i++)
        if (afile_prot[i].dev == st.st_dev && afile_prot[i].ino == st.st_ino) return;
    afile_prot[afile_nprot].dev = st.st_dev;
    afile_prot[afile_nprot].ino = st.st_ino;
    afile_nprot++;
}

static int afile_is_protected(const struct stat *st) {
    for (int i = 0; i < afile_nprot; i++)
        if (afile_prot[i].dev == st->st_dev && afile_prot[i].ino == st->st_ino) return 1;
    return 0;
}

static const char *afile_kind(mode_t m) {
    return S_ISDIR(m)    ? "a directory"
           : S_ISFIFO(m) ? "a FIFO"
           : S_ISCHR(m)  ? "a character device"
           : S_ISBLK(m)  ? "a block device"
           : S_ISSOCK(m) ? "a socket"
                         : "not a regular file";
}

int afile_input(const char *path, char *err, size_t errn) {
    /* O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting */
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail_msg(err, errn, "%s: cannot open: %s", path, afile_strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        const int e = errno;
        close(fd);
        return fail_msg(err, errn, "%s: cannot open: %s", path, afile_strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return fail_msg(err, errn, "%s: is %s, not a regular file; refusing to read it", path,
                        afile_kind(st.st_mode));
    }
    const int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

/* ---- outputs ---------------------------------------------------------------------------- */

/* Removes "BASE.tmp-PID" and "BASE.tmp-PID-*" in the directory of target whose process PID
 * no longer exists: what a save killed by SIGKILL leaves behind. */
static void afile_sweep(const char *target) {
    char dir[4096];
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    if (slash) {
        const size_t k = slash == target ? 1 : (size_t)(slash - target);
        memcpy(dir, target, k);
        dir[k] = 0;
    } else {
        strcpy(dir, ".");
    }
    const size_t bl = strlen(base);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        if (strncmp(nm, base, bl) != 0 || strncmp(nm + bl, ".tmp-", 5) != 0) continue;
        const char *p = nm + bl + 5;
        char *end;
        errno = 0;
        const long pid = strtol(p, &end, 10);
        if (end == p || errno || pid <= 0 || pid > INT_MAX || (*end && *end != '-')) continue;
        if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;
        char full[8300];
        struct stat st;
        snprintf(full, sizeof full, "%s/%s", dir, nm);
        if (lstat(full, &st) == 0 && S_ISREG(st.st_mode)) unlink(full);
    }
    closedir(d);
}

/* what afile_open would do with path: 0 a new temporary + rename, 1 direct, 2 stdout;
 * -1 refused (err set). target gets the path to rename over. */
static int afile_plan(const char *path, char *target, char *err, size_t errn) {
    if (!*path) return fail_msg(err, errn, "(empty path): cannot write");
    if (strlen(path) >= 4096) return fail_msg(err, errn, "%s: path too long", path);
    strcpy(target, path);
    if (strcmp(path, "-") == 0) return 2;
    struct stat ls, st, so;
    if (lstat(path, &ls) != 0) {
        if (errno == ENOENT) return 0;
        return fail_msg(err, errn, "%s: cannot write: %s", path, afile_strerror(errno));
    }
    if (stat(path, &st) != 0) {
        if (S_ISLNK(ls.st_mode))
            return fail_msg(err, errn, "%s: a symbolic link to nothing (%s); refusing to write "
                            "through it", path, strerror(errno));
        return fail_msg(err, errn, "%s: cannot write: %s", path, afile_strerror(errno));
    }
    if (afile_is_protected(&st))
        return fail_msg(err, errn, "%s: is an input of this command; refusing to overwrite it",
                        path);
    if (fstat(1, &so) == 0 && so.st_dev == st.st_dev && so.st_ino == st.st_ino) return 2;
    if (S_ISREG(st.st_mode)) {
        if (S_ISLNK(ls.st_mode)) {
            char *rp = realpath(path, NULL);
            if (!rp || strlen(rp) >= 4096) {
                const int e = rp ? ENAMETOOLONG : errno;
                free(rp);
                return fail_msg(err, errn, "%s: cannot resolve the link: %s", path,
                                afile_strerror(e));
            }
            strcpy(target, rp);
            free(rp);
        }
        return 0;
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) return 1;
    return fail_msg(err, errn, "%s: is %s; refusing to write to it", path,
                    afile_kind(st.st_mode));
}

int afile_is_stdout(const char *path) {
    char target[4096], err[16];
    return afile_plan(path, target, err, sizeof err) == 2;
}

int afile_check(const char *path, char *err, size_t errn) {
    char target[4096];
    const int plan = afile_plan(path, target, err, errn);
    if (plan != 0) return plan < 0 ? -1 : 0;
    /* a new file: its directory must exist */
    struct stat st;
    if (lstat(path, &st) != 0 && errno == ENOENT) {
        char dir[4096];
        strcpy(dir, target);
        char *slash = strrchr(dir, '/');
        if (!slash) strcpy(dir, ".");
        else if (slash == dir) dir[1] = 0;
        else *slash = 0;
        if (stat(dir, &st) != 0)
            return fail_msg(err, errn, "%s: cannot write: %s", path, afile_strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return fail_msg(err, errn, "%s: cannot write: %s", path, strerror(ENOTDIR));
    }
    return 0;
}

int afile_open(afile *a, const char *path, char *err, size_t errn) {
    a->f = NULL;
    a->direct = 0;
    a->tmp[0] = 0;
    const int plan = afile_plan(path, a->target, err, errn);
    if (plan < 0) return -1;
    strcpy(a->path, path);
    if (plan == 2) {
        a->direct = 2;
        a->f = stdout;
        return 0;
    }
    int fd;
    if (plan == 1) {
        /* a device or a FIFO, written in place; O_NONBLOCK: a FIFO without a reader fails
         * (ENXIO) instead of waiting for one */
        fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
            return fail_msg(err, errn, "%s: cannot write: %s", path,
                            errno == ENXIO ? "a FIFO with no reader" : afile_strerror(errno));
        const int fl = fcntl(fd, F_GETFL);
        if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        a->direct = 1;
    } else {
        afile_sweep(a->target);
        /* a name no one else uses: PID and a random suffix, created exclusively */
        static uint64_t counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 16;
        fd = -1;
        for (int tries = 0; tries < 100 && fd < 0; tries++) {
            x += 0x9e3779b97f4a7c15ull + counter++;
            uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
            z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
            z ^= z >> 31;
            snprintf(a->tmp, sizeof a->tmp, "%s.tmp-%ld-%08lx", a->target, (long)getpid(),
                     (unsigned long)(z & 0xffffffffu));
            fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
            if (fd < 0 && errno != EEXIST) break;
        }
        if (fd < 0) {
            a->tmp[0] = 0;
            return fail_msg(err, errn, "%s: cannot write: %s", path, afile_strerror(errno));
        }
    }
    a->f = fdopen(fd, "wb");
    if (!a->f) {
        const int e = errno;
        close(fd);
        if (a->tmp[0]) unlink(a->tmp);
        return fail_msg(err, errn, "%s: cannot write: %s", path, afile_strerror(e));
    }
    return 0;
}

void afile_abort(afile *a) {
    if (a->direct == 2) {
        fflush(stdout);
    } else {
        if (a->f) fclose(a->f);
        if (a->direct == 0 && a->tmp[0]) unlink(a->tmp);
    }
    a->f = NULL;
}

int afile_commit(afile *a, char *err, size_t errn) {
    errno = 0;
    int bad = ferror(a->f) || fflush(a->f) != 0;
    int e = errno;
    if (a->direct == 2) {
        bad = bad || ferror(stdout);
        a->f = NULL;
        if (bad) return fail_msg(err, errn, "%s: write failed (stdout): %s", a->path,
                                 e ? afile_strerror(e) : "output lost");
        return 0;
    }
    /* fsync means nothing to a terminal or a FIFO */
    if (!bad && a->direct == 0 && fsync(fileno(a->f)) != 0) bad = 1, e = errno;
    if (fclose(a->f) != 0 && !bad) bad = 1, e = errno;
    a->f = NULL;
    if (!bad && a->direct == 0 && rename(a->tmp, a->target) != 0) bad = 1, e = errno;
    if (bad) {
        if (a->direct == 0) unlink(a->tmp);
        return fail_msg(err, errn, "%s: write failed: %s", a->path, afile_strerror(e ? e : EIO));
    }
    return 0;
}

int afile_write(const char *path, const void *buf, size_t len, char *err, size_t errn) {
    afile a;
    if (afile_open(&a, path, err, errn) != 0) return -1;
    if (fwrite(buf, 1, len, a.f) != len) {
        fail_msg(err, errn, "%s: write failed: %s", path, afile_strerror(errno));
        afile_abort(&a);
        return -1;
    }
    return afile_commit(&a, err, errn);
}

/* ---- locks ----------------------------------------------------------------------------- */

int afile_lock(const char *path, char *err, size_t errn) {
    for (int tries = 0; tries < 100; tries++) {
        const int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0666);
        if (fd < 0)
            return fail_msg(err, errn, "%s: cannot create the lock file: %s", path,
                            afile_strerror(errno));
        struct stat fs, ps;
        if (fstat(fd, &fs) != 0 || !S_ISREG(fs.st_mode)) {
            close(fd);
            return fail_msg(err, errn, "%s: the lock file is not a regular file", path);
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int e = errno;
            char pid[32] = "";
            const ssize_t k = pread(fd, pid, sizeof pid - 1, 0);
            pid[k > 0 ? k : 0] = 0;
            pid[strcspn(pid, "\n")] = 0;
            close(fd);
            if (e == EWOULDBLOCK)
                return fail_msg(err, errn, "%s: locked by another process (PID %s) writing the "
                                "same outputs; wait for it to finish, or choose another -o",
                                path, *pid ? pid : "unknown");
            return fail_msg(err, errn, "%s: cannot lock: %s", path, afile_strerror(e));
        }
        /* the holder before us may have removed the file it locked (afile_unlock) after we
         * opened it: then our lock is on a name no longer there, and we try again */
        if (stat(path, &ps) == 0 && ps.st_dev == fs.st_dev && ps.st_ino == fs.st_ino) {
            char pid[32];
            const int k = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
            if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)k, 0) != k) {
                /* the PID is only for the message of a second process */
            }
            return fd;
        }
        close(fd);
    }
    return fail_msg(err, errn, "%s: cannot lock: the file keeps changing", path);
}

void afile_unlock(int fd, const char *path) {
    if (fd < 0) return;
    unlink(path);
    close(fd);
}

/* ---- stdout ----------------------------------------------------------------------------- */

void afile_guard_std(void) {
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
        const int n = open("/dev/null", O_RDONLY);
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

int afile_stdout_failed(void) { return fflush(stdout) != 0 || ferror(stdout); }

int afile_close_stdout(const char *who) {
    errno = 0;
    int bad = fflush(stdout) != 0;
    int e = errno;
    bad = bad || ferror(stdout);
    if (fclose(stdout) != 0 && !bad) bad = 1, e = errno;
    if (bad)
        fprintf(stderr, "lenet98 %s: stdout: write failed: %s\n", who,
                e ? afile_strerror(e) : "output lost");
    return bad ? -1 : 0;
}
