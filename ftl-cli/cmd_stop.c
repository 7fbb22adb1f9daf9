// ftl stop: ends the system `ftl run` started for this project.
#include "commands.h"
#include "exitcode.h"
#include "output.h"
#include "project.h"
#include "session.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ftl stop\n\n"
    "Stops the QEMU that `ftl run` (usually with --detach) started for this\n"
    "project. Succeeds, saying so, when nothing runs.\n\n"
    "  -h, --help  this help\n";

int cmd_stop(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
                     strcmp(argv[1], "-h") == 0)) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (argc > 1) {
        return out_usage_error(usage, "unexpected argument \"%s\"", argv[1]);
    }
    struct project p;
    struct session s;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    session_init(&p, &s);
    pid_t pid = session_pid(&s);
    if (!session_stop(&s)) {
        out_info("nothing to stop: no system of this project is running");
        return EXIT_OK;
    }
    out_ok("stopped (QEMU pid %d)", (int)pid);
    return EXIT_OK;
}
