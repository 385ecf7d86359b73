/* cli.h: what the subcommands share: number parsing with ranges (usage errors exit 2),
 * loading data and models with "path: problem" messages (exit 1), evaluation. */
#ifndef CLI_H
#define CLI_H
#include "idx.h"
#include "lenet.h"

#define EXIT_USAGE 2

/* parse an integer / real in [lo, hi] given to option opt; -1 (message printed) if not */
int cli_long(const char *opt, const char *s, long lo, long hi, long *out);
int cli_double(const char *opt, const char *s, double lo, double hi, double *out);
/* prints "lenet98 CMD: msg" and "try lenet98 CMD --help" to stderr; returns EXIT_USAGE */
int cli_usage_error(const char *cmd, const char *fmt, ...);
/* Files a command reads and writes: each non-NULL paths[i] (given by option names[i]) must be
 * non-empty and differ from every other (by name, or being the same existing file), so that
 * no output overwrites an input or another output. Else prints a usage error naming both
 * options and returns EXIT_USAGE; 0 if all is well. */
int cli_check_paths(const char *cmd, int n, const char *const names[], const char *const paths[]);
/* the git revision baked in at build time, or "unknown" */
const char *cli_revision(void);

/* the images of a set, coded as the network's input (32x32), one at a time */
void cli_pattern(real *in, const mnist_set *s, long i, lenet_coding coding);

/* Evaluates patterns 0..n-1 of s with both cores (OpenMP), deterministic. out (n,10) and pred
 * (n) may be NULL. Returns the number of errors, or -1 if out of memory. */
long eval_set(const lenet_model *m, const mnist_set *s, long n, real *out, int *pred);

int cmd_info(int argc, char **argv);
int cmd_prototypes(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train(int argc, char **argv);
#endif
