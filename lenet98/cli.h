/* cli.h: what the subcommands share: number parsing with ranges (usage errors exit 2),
 * loading data and models with "path: problem" messages (exit 1). Linked into the command
 * lines (build/lenet98; cli.o also into the experiments' drivers), never into the library. */
#ifndef CLI_H
#define CLI_H
#include "idx.h"
#include "lenet.h"

#define EXIT_USAGE 2

/* parse an integer / real in [lo, hi] given to option opt; -1 (message printed) if not */
int cli_long(const char *opt, const char *s, long lo, long hi, long *out);
int cli_double(const char *opt, const char *s, double lo, double hi, double *out);
/* parse an architecture given to --arch (lenet_arch_parse); -1 (message printed, saying
 * why) if it is not one */
int cli_arch(const char *s, lenet_arch *a);
/* the running subcommand (set by main), named in cli_long's and cli_double's messages */
extern const char *cli_command;
/* prints one line "lenet98 CMD: msg (see 'lenet98 CMD --help')" to stderr; returns
 * EXIT_USAGE */
int cli_usage_error(const char *cmd, const char *fmt, ...);
/* Levenshtein distance of two short strings (names: at most 63 characters, else 99) */
int cli_edit_distance(const char *a, const char *b);
struct option;
/* After getopt_long returned '?' (opterr = 0): one usage line naming the bad option, the
 * closest option of opts by edit distance, or a missing value; returns EXIT_USAGE */
int cli_bad_option(const char *cmd, const struct option *opts, char **argv);
/* The MNIST directory: given (--data, must be a directory), else $LENET98_DATA, else ./data,
 * else dirname(/proc/self/exe)/../data (the repository's data/ next to build/lenet98). 0 with
 * dir set, or -1 with a message saying what was looked for where. */
int cli_find_data(const char *cmd, const char *given, char *dir, size_t dirn);
/* Files a command reads and writes: each non-NULL paths[i] (given by option names[i]) must be
 * non-empty and differ from every other (by name, or being the same existing file), so that
 * no output overwrites an input or another output. Else prints a usage error naming both
 * options and returns EXIT_USAGE; 0 if all is well. */
int cli_check_paths(const char *cmd, int n, const char *const names[], const char *const paths[]);

/* the subcommands (main.c, train.c, classify_cmd.c) */
int cmd_info(int argc, char **argv);
int cmd_prototypes(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_classify(int argc, char **argv);
/* `lenet98 digits`: MNIST digits written as PGM images */
int cmd_digits(int argc, char **argv);
#endif
