// The C runtime seen from main (spawned by tests/os/sdk_test.c with two
// arguments and two environment variables). argv[1] says what to do:
//   args     check argv and the environment; exit 0 if they are right
//   exit7    print a line without its newline, then exit(7): the line
//            must still reach the console
//   return3  return 3 from main
//   abort    abort()
//   assert   fail an assert
// It also logs a warning and a debug line (below the default threshold),
// which tests/qemu/sdk_test.py looks for on the console.
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/log.h>

extern char **environ;

static int check_args(int argc, char **argv)
{
    int env_count = 0;
    while (environ[env_count] != NULL) {
        env_count++;
    }
    const char *greeting = getenv("GREETING"), *empty = getenv("EMPTY");
    int ok = argc == 3 && strcmp(argv[0], "runtime_child.elf") == 0 &&
             strcmp(argv[2], "two words") == 0 && argv[3] == NULL &&
             greeting != NULL && strcmp(greeting, "hello world") == 0 &&
             empty != NULL && *empty == '\0' && getenv("MISSING") == NULL &&
             env_count == 2;
    printf("args: argc %d, GREETING=%s, %d environment entries: %s\n", argc,
           greeting != NULL ? greeting : "(none)", env_count,
           ok ? "right" : "WRONG");
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    FTL_LOG_WARN("a warning from %s", argv[0]);
    FTL_LOG_DEBUG("a debug line nobody should see");
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "args") == 0) {
        return check_args(argc, argv);
    }
    if (strcmp(what, "exit7") == 0) {
        printf("exiting with 7");
        exit(7);
    }
    if (strcmp(what, "return3") == 0) {
        return 3;
    }
    if (strcmp(what, "abort") == 0) {
        abort();
    }
    if (strcmp(what, "assert") == 0) {
        assert(argc == 99);
    }
    return 100;
}
