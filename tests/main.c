/* main.c: runs every test group; exits non-zero if any check failed. */
#include "check.h"
#include <fenv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int check_passed, check_failed, check_verbose;
char check_tmpdir[256];

static void remove_tmpdir(void) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", check_tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", check_tmpdir);
}

int main(int argc, char **argv) {
    (void)argc;
    (void)argv;
    /* a NaN or overflow is a crash at the line that made it */
    feenableexcept(FE_INVALID | FE_DIVBYZERO | FE_OVERFLOW);
    strcpy(check_tmpdir, "/tmp/lenet98-test-XXXXXX");
    if (!mkdtemp(check_tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(remove_tmpdir);
#ifdef LENET_DOUBLE
    printf("# tests, double build\n");
#else
    printf("# tests, float build\n");
#endif
    test_counts();
    test_codes();
    test_layers();
    test_kernels();
    test_net();
    test_idx();
    test_pgm();
    test_model();
    test_distort();
    test_normalize();
    test_train();
    test_ckpt();
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed ? 1 : 0;
}
