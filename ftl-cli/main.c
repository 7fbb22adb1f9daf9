// ftl: the command developers use to create, build, run and test FTL
// systems (docs/cli.md). This file dispatches to the commands, each in its
// own cmd_NAME.c, and handles what applies to all: --help, --version,
// locating the SDK, colour.
#include "commands.h"
#include "exitcode.h"
#include "output.h"
#include "sdk.h"

#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"new", cmd_new, "create a project from a template"},
    {"generate", cmd_generate,
     "add a service, handler, client, driver or test"},
    {"build", cmd_build, "compile the services and pack the bootable image"},
    {"apply", cmd_apply, "apply the project to the running system, no reboot"},
    {"run", cmd_run, "build if needed and boot the system in QEMU"},
    {"stop", cmd_stop, "stop the system that `ftl run --detach` started"},
    {"dev", cmd_dev, "rebuild and reboot whenever a file changes"},
    {"test", cmd_test, "boot the system with its tests and report the results"},
    {"deploy", cmd_deploy, "put the system on a cloud instance (gce)"},
    {"status", cmd_status, "the running system's services and their state"},
    {"logs", cmd_logs, "services' log lines, or a GCE instance's console"},
    {"doctor", cmd_doctor, "check this machine for what ftl needs"},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static void help_print(void)
{
    printf("usage: ftl COMMAND [OPTIONS] [ARGUMENTS]\n\n"
           "Create, build, run and test FTL nanoservices.\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    printf("\n  ftl COMMAND --help   the options of a command\n"
           "  ftl --version        the version of ftl and its SDK\n"
           "  ftl --sdk            the SDK's folder (FTL_SDK overrides)\n\n"
           "Exit status: 0 success, 1 build/boot/test/control request failed,\n"
           "2 bad usage, 3 spec errors, 4 refused (would overwrite, not in a\n"
           "project), 5 missing SDK or host tool, 6 no cloud credentials.\n"
           "Documentation: docs/cli.md in the SDK.\n");
}

static const struct command *command_find(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    out_init();
    if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        if (argc >= 3 && strcmp(argv[1], "help") == 0 &&
            command_find(argv[2]) != NULL) {
            char *args[] = {argv[2], "--help", NULL};
            return command_find(argv[2])->run(2, args);
        }
        help_print();
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        int err = sdk_locate();
        printf("ftl %s (SDK %s at %s)\n", FTL_VERSION,
               err == 0 ? sdk_version() : "not found",
               err == 0 ? sdk_root() : "-");
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--sdk") == 0) {
        int err = sdk_locate();
        if (err == 0) {
            printf("%s\n", sdk_root());
        }
        return err;
    }
    const struct command *cmd = command_find(argv[1]);
    if (cmd == NULL) {
        return out_error(EXIT_USAGE, "`ftl --help` lists the commands",
                         "unknown command \"%s\"", argv[1]);
    }
    bool help = argc > 2 &&
                (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0);
    // --help works even without an SDK; everything else needs one.
    if (!help) {
        int err = sdk_locate();
        if (err != 0) {
            return err;
        }
    }
    return cmd->run(argc - 1, argv + 1);
}
