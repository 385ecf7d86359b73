/* cli.c: shared pieces of the subcommands (linked into the CLI alone). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <unistd.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cli_command = NULL;

/* "lenet98 CMD" or "lenet98" when no subcommand is running */
static void cli_prefix(void) {
    fprintf(stderr, cli_command ? "lenet98 %s: " : "lenet98: ", cli_command);
}

int cli_arch(const char *s, lenet_arch *a) {
    char why[200];
    if (lenet_arch_parse_why(a, s, why, sizeof why) == 0) return 0;
    cli_prefix();
    fprintf(stderr, "--arch: unknown architecture '%s': %s\n", s, why);
    return -1;
}

int cli_long(const char *opt, const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    const long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        cli_prefix();
        fprintf(stderr, "%s: '%s' is not an integer in [%ld, %ld]\n", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_double(const char *opt, const char *s, double lo, double hi, double *out) {
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < lo || v > hi) {
        cli_prefix();
        fprintf(stderr, "%s: '%s' is not a number in [%g, %g]\n", opt, s, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "lenet98 %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'lenet98 %s --help')\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

/* Levenshtein distance of a and b (short strings: option names) */
int cli_edit_distance(const char *a, const char *b) {
    const size_t n = strlen(a), m = strlen(b);
    if (n > 63 || m > 63) return 99;
    int d[64][64];
    for (size_t i = 0; i <= n; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

int cli_bad_option(const char *cmd, const struct option *opts, char **argv) {
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    char name[64];
    if (strncmp(arg, "--", 2) == 0) {
        snprintf(name, sizeof name, "%s", arg + 2);
        char *eq = strchr(name, '=');
        if (eq) *eq = 0;
    } else if (optopt) {
        snprintf(name, sizeof name, "%c", optopt);
    } else {
        snprintf(name, sizeof name, "%s", arg);
    }
    for (const struct option *o = opts; o->name; o++) {
        if (strcmp(o->name, name) == 0 || (optopt && o->val == optopt && !name[1])) {
            if (o->has_arg == required_argument)
                return cli_usage_error(cmd, "--%s needs a value", o->name);
            return cli_usage_error(cmd, "--%s takes no value", o->name);
        }
    }
    const char *best = NULL;
    int bd = 99;
    for (const struct option *o = opts; o->name; o++) {
        const int dd = cli_edit_distance(name, o->name);
        if (dd < bd) {
            bd = dd;
            best = o->name;
        }
    }
    /* an abbreviation getopt found ambiguous, or a near miss: suggest; else just say so */
    if (best && strlen(name) > 1 && (bd <= 2 + (int)strlen(name) / 4 || strncmp(best, name, strlen(name)) == 0))
        return cli_usage_error(cmd, "unknown option '%s'; did you mean --%s?", arg, best);
    return cli_usage_error(cmd, "unknown option '%s'", arg);
}

/* 1 if dir holds the MNIST test images (plain or .gz) */
static int cli_has_mnist(const char *dir) {
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte", dir);
    if (access(p, R_OK) == 0) return 1;
    snprintf(p, sizeof p, "%s/t10k-images-idx3-ubyte.gz", dir);
    return access(p, R_OK) == 0;
}

int cli_find_data(const char *cmd, const char *given, char *dir, size_t dirn) {
    if (given) {
        struct stat st;
        if (stat(given, &st) != 0) {
            fprintf(stderr, "lenet98 %s: --data %s: %s\n", cmd, given, strerror(errno));
            return -1;
        }
        if (!S_ISDIR(st.st_mode)) {
            fprintf(stderr, "lenet98 %s: --data %s: not a directory (want the directory of "
                    "the four MNIST IDX files)\n", cmd, given);
            return -1;
        }
        snprintf(dir, dirn, "%s", given);
        return 0;
    }
    /* LENET98_DATA, then ./data, then the repository's data/ next to the binary */
    const char *env = getenv("LENET98_DATA");
    char exe[PATH_MAX] = "", repo[PATH_MAX + 16] = "";
    const ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k > 0) {
        exe[k] = 0;
        char *sl = strrchr(exe, '/');
        if (sl) *sl = 0;
        snprintf(repo, sizeof repo, "%s/../data", exe);
    }
    if (env && *env) {
        if (cli_has_mnist(env)) {
            snprintf(dir, dirn, "%s", env);
            return 0;
        }
        fprintf(stderr, "lenet98 %s: LENET98_DATA=%s holds no MNIST (t10k-images-idx3-ubyte"
                "[.gz])\n", cmd, env);
        return -1;
    }
    if (cli_has_mnist("data")) {
        snprintf(dir, dirn, "data");
        return 0;
    }
    if (repo[0] && cli_has_mnist(repo)) {
        snprintf(dir, dirn, "%s", repo);
        return 0;
    }
    fprintf(stderr, "lenet98 %s: no MNIST found: looked in LENET98_DATA (unset), ./data and "
            "%s; run 'make data' in the repository, or give --data DIR\n", cmd,
            repo[0] ? repo : "the repository's data/");
    return -1;
}

int cli_check_paths(const char *cmd, int n, const char *const names[], const char *const paths[]) {
    for (int i = 0; i < n; i++) {
        if (!paths[i]) continue;
        if (!paths[i][0]) return cli_usage_error(cmd, "%s: empty path", names[i]);
        struct stat si;
        const int exists = stat(paths[i], &si) == 0;
        for (int k = 0; k < i; k++) {
            struct stat sk;
            if (!paths[k]) continue;
            if (strcmp(paths[i], paths[k]) == 0 ||
                (exists && stat(paths[k], &sk) == 0 && si.st_dev == sk.st_dev &&
                 si.st_ino == sk.st_ino))
                return cli_usage_error(cmd, "%s and %s are the same file (%s)", names[k],
                                       names[i], paths[i]);
        }
    }
    return 0;
}
