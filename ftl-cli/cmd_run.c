// ftl run: builds what the boot needs and boots the system in QEMU, with
// the serial console on this terminal, or in the background (--detach)
// until `ftl stop`; with --gdb, QEMU's gdb stub and a gdb script for it.
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "gdbinit.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "record.h"
#include "runcfg.h"
#include "session.h"
#include "text.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READY_TIMEOUT_S 60

static const char usage[] =
    "usage: ftl run [--port HOST:GUEST]... [--accel tcg|kvm] [--memory SIZE]\n"
    "               [--detach [--timeout SECONDS]] [--gdb | --gdb-wait]\n\n"
    "Builds the system if needed and boots it in QEMU: the kernel straight\n"
    "from the SDK (PVH entry), the project's initfs, the devices its specs\n"
    "claim (when QEMU has them), and ports forwarded from 127.0.0.1 only.\n"
    "The serial console is this terminal: quit with Ctrl-A then X.\n\n" RUN_ARGS_HELP
    "  --detach           boot in the background; return once the console\n"
    "                     says `system ready` (console in build/run/console.log,\n"
    "                     stop with `ftl stop`)\n"
    "  --timeout SECONDS  how long --detach waits for system ready (60)\n"
    "  --gdb              with QEMU's gdb stub on a free port of 127.0.0.1\n"
    "                     and a gdb script that attaches to it with the\n"
    "                     kernel's and the services' symbols: run\n"
    "                     gdb -x build/run/gdbinit\n"
    "  --gdb-wait         --gdb, the machine stopped before its first\n"
    "                     instruction until gdb continues it\n"
    "  -h, --help         this help\n";

static void boot_describe(const struct qemu_config *c)
{
    char *ports = qemu_ports_describe(c);
    out_info("FTL: booting %s in QEMU (%s, %lu MiB)%s%s", c->img->manifest.system,
             strcmp(c->accel, "kvm") == 0 ? "KVM" : "TCG", c->memory_mib,
             ports != NULL ? "; forwarded: " : "", ports != NULL ? ports : "");
}

// path relative to the current folder when it is inside it.
static const char *path_shown(const char *path)
{
    char *cwd = getcwd(NULL, 0);
    size_t n = cwd != NULL ? strlen(cwd) : 0;
    const char *shown = path;
    if (n > 0 && strncmp(path, cwd, n) == 0 && path[n] == '/') {
        shown = path + n + 1;
    }
    free(cwd);
    return shown;
}

// Writes the gdb script for the stub on c->gdb_port; 0 or an exit code.
static int gdb_prepare(struct qemu_config *c, const struct session *s,
                       bool wait)
{
    c->gdb_port = gdb_port_pick();
    c->gdb_wait = wait;
    if (c->gdb_port == 0) {
        return out_error(EXIT_ENV, NULL,
                         "no free TCP port on 127.0.0.1 for QEMU's gdb stub");
    }
    return gdbinit_write(c->img, c->gdb_port, path_join(s->dir, "gdbinit"));
}

static void gdb_describe(const struct qemu_config *c, const struct session *s)
{
    out_info("gdb: QEMU's gdb stub is on 127.0.0.1:%u; attach with `gdb -x "
             "%s`%s",
             c->gdb_port, path_shown(path_join(s->dir, "gdbinit")),
             c->gdb_wait ? " (the machine waits for gdb's `continue`)" : "");
}

static int run_foreground(struct qemu_config *c, const struct session *s)
{
    c->serial = "mon:stdio";
    c->pidfile = s->pidfile;
    boot_describe(c);
    if (c->gdb_port != 0) {
        gdb_describe(c, s);
    }
    out_info("Serial console below. Quit: Ctrl-A then X (or `ftl stop` from "
             "another terminal).");
    record_boot(s, getpid(), c); // QEMU takes this process over, pid and all
    proc_exec(qemu_argv(c));
    return out_error(EXIT_ENV, "install QEMU (run `ftl doctor`)",
                     "cannot run qemu-system-x86_64: %s", strerror(errno));
}

static int run_detached(struct qemu_config *c, const struct session *s,
                        unsigned timeout_s)
{
    c->serial = str_printf("file:%s", s->console);
    c->pidfile = s->pidfile;
    c->daemonize = true;
    unlink(s->console);
    boot_describe(c);
    struct proc_options opt = {.log = path_join(s->dir, "qemu.log")};
    int status = proc_run(qemu_argv(c), &opt);
    pid_t pid = session_pid(s);
    if (status != 0 || pid == 0) {
        return out_error(status == 127 ? EXIT_ENV : EXIT_FAILED,
                         str_printf("see %s", opt.log), "QEMU did not start");
    }
    record_boot(s, pid, c);
    if (c->gdb_wait) {
        out_ok("QEMU started (pid %d), stopped before the first instruction",
               (int)pid);
        gdb_describe(c, s);
        out_info("console: %s; stop it with `ftl stop`", s->console);
        return EXIT_OK;
    }
    char *ready = session_wait_ready(s, pid, timeout_s, false);
    if (ready == NULL) {
        bool alive = session_stop(s);
        return out_error(EXIT_FAILED, str_printf("the console is in %s",
                                                 s->console),
                         alive ? "no `system ready` within %u s; stopped it"
                               : "the system ended before `system ready`",
                         timeout_s);
    }
    out_ok("%s (QEMU pid %d)", ready, (int)pid);
    if (c->gdb_port != 0) {
        gdb_describe(c, s);
    }
    out_info("console: %s; stop it with `ftl stop`", s->console);
    return EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
    static const struct option options[] = {
        RUN_ARGS_OPTIONS,
        {"detach", no_argument, NULL, 'd'},
        {"timeout", required_argument, NULL, 't'},
        {"gdb", no_argument, NULL, 'g'},
        {"gdb-wait", no_argument, NULL, 'w'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static struct run_args a;
    bool detach = false, gdb = false, gdb_wait = false;
    unsigned timeout_s = READY_TIMEOUT_S;
    int c, r;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        if ((r = run_args_option(&a, c, optarg, usage)) != 0) {
            if (r < 0) {
                return -r;
            }
        } else if (c == 'd') {
            detach = true;
        } else if (c == 'g' || c == 'w') {
            gdb = true;
            gdb_wait = gdb_wait || c == 'w';
        } else if (c == 't' && atoi(optarg) > 0) {
            timeout_s = (unsigned)atoi(optarg);
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return out_usage_error(usage, "unexpected argument \"%s\"",
                               argv[optind]);
    }
    struct project p;
    struct session s;
    static struct image img;
    static struct qemu_config config;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    session_init(&p, &s);
    pid_t running = session_pid(&s);
    if (running != 0) {
        return out_error(EXIT_REFUSED, "stop it with `ftl stop`",
                         "this project's system is already running (QEMU "
                         "pid %d)", (int)running);
    }
    struct image_options o = {.quiet = false};
    if ((err = image_build(&p, &o, &img)) != 0 ||
        (err = run_config(&p, &img, &a, &config)) != 0) {
        return err;
    }
    if (dir_create(s.dir) < 0) {
        return out_error(EXIT_FAILED, NULL, "cannot create %s", s.dir);
    }
    if (gdb && (err = gdb_prepare(&config, &s, gdb_wait)) != 0) {
        return err;
    }
    if (!gdb) {
        unlink(path_join(s.dir, "gdbinit")); // a stale one names a dead port
    }
    return detach ? run_detached(&config, &s, timeout_s)
                  : run_foreground(&config, &s);
}
