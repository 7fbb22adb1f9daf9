// ftl dev: the edit-build-boot loop. Builds, boots with the console on
// this terminal, and on any change to the project's files (polled twice a
// second: portable, and cheap for a project's few hundred files) stops the
// system, rebuilds and boots again. A failed build waits for the next
// change. Ctrl-C ends it all.
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "runcfg.h"
#include "session.h"
#include "text.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_US 500000

static const char usage[] =
    "usage: ftl dev [--port HOST:GUEST]... [--accel tcg|kvm] [--memory SIZE]\n\n"
    "Builds and boots the system like `ftl run`, then watches the project:\n"
    "when a file changes (outside build/), it stops the system, rebuilds and\n"
    "boots again. A build error is shown and the next change retried.\n"
    "Quit with Ctrl-C.\n\n" RUN_ARGS_HELP "  -h, --help         this help\n";

static const char *const unwatched[] = {"build", ".git", NULL};

// The QEMU running now. Ctrl-C reaches it with us (same process group), but
// a SIGTERM to ftl alone must not leave it behind.
static volatile pid_t qemu_pid;

static void on_signal(int sig)
{
    if (qemu_pid > 0) {
        kill(qemu_pid, SIGTERM);
    }
    _exit(128 + sig);
}

// Builds and starts QEMU; its pid, or 0 when the build failed.
static pid_t boot(const struct project *p, const struct run_args *a,
                  const struct session *s)
{
    static struct image img;
    static struct qemu_config c;
    struct image_options o = {0};
    if (image_build(p, &o, &img) != 0 || run_config(p, &img, a, &c) != 0) {
        out_info("waiting for a change...");
        return 0;
    }
    c.serial = "stdio";
    c.pidfile = s->pidfile;
    dir_create(s->dir);
    out_info("FTL: booting %s (%s); rebooting on changes; Ctrl-C quits",
             img.manifest.system, c.accel);
    pid_t pid = proc_start(qemu_argv(&c));
    return pid > 0 ? pid : 0;
}

static void qemu_end(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

int cmd_dev(int argc, char **argv)
{
    static const struct option options[] = {RUN_ARGS_OPTIONS,
                                            {"help", no_argument, NULL, 'h'},
                                            {NULL, 0, NULL, 0}};
    static struct run_args a;
    int c, r;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        if ((r = run_args_option(&a, c, optarg, usage)) < 0) {
            return -r;
        } else if (r == 0 && c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (r == 0) {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    struct project p;
    struct session s;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    session_init(&p, &s);
    if (session_pid(&s) != 0) {
        return out_error(EXIT_REFUSED, "stop it with `ftl stop`",
                         "this project's system is already running");
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    for (;;) {
        int64_t seen = tree_mtime(p.root, unwatched);
        pid_t pid = boot(&p, &a, &s);
        qemu_pid = pid;
        while (tree_mtime(p.root, unwatched) == seen) {
            if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid) {
                out_info("the system ended; waiting for a change...");
                pid = 0;
            }
            usleep(POLL_US);
        }
        usleep(POLL_US / 2); // let an editor finish writing
        qemu_end(pid);
        out_info("\nftl dev: a file changed; rebuilding");
    }
}
