/* fail.h: the "path: problem" error convention of the file readers. */
#ifndef FAIL_H
#define FAIL_H
#include <stdarg.h>
#include <stdio.h>

/* Formats the message into err (if err is not NULL) and returns -1. */
__attribute__((format(printf, 3, 4), unused))
static int fail_msg(char *err, size_t errn, const char *fmt, ...) {
    if (err && errn > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errn, fmt, ap);
        va_end(ap);
    }
    return -1;
}
#endif
