// ftl dev: the edit-build-run loop. Builds, boots with the console on
// this terminal, and on any change to the project's files (polled twenty
// times a second: portable, and cheap for a project's few hundred files)
// rebuilds. When only services changed (their programs, specs, the list of
// services) and the system has a control service, the new build is applied
// to the running system (apply_bundle.h), which takes a second or so
// instead of a boot; anything else (the kernel, its command line, memory,
// ports or devices, the TLS files, no control service, no answer, a
// refused bundle) stops the system and boots the new image, after one line
// saying why. A failed build leaves the system as it was and waits for the
// next change. Ctrl-C ends it all.
#include "apply_bundle.h"
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "initfs_tar.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "record.h"
#include "runcfg.h"
#include "session.h"
#include "text.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_US 50000
#define SETTLE_US 25000 // after a change: let an editor finish writing
#define CONTROL_SERVICE "control"
#define MANIFEST_NAME "boot.manifest"

static const char usage[] =
    "usage: ftl dev [--port HOST:GUEST]... [--accel tcg|kvm] [--memory SIZE]\n\n"
    "Builds and boots the system like `ftl run`, then watches the project:\n"
    "when a file changes (outside build/), it rebuilds and, if only services\n"
    "changed and the system has the `control` service, applies the new build\n"
    "to the running system like `ftl apply`; otherwise it stops the system\n"
    "and boots again, saying why. A build error is shown, the system left\n"
    "as it was and the next change retried. Quit with Ctrl-C.\n\n" RUN_ARGS_HELP
    "  -h, --help         this help\n";

static const char *const unwatched[] = {"build", ".git", NULL};

// The QEMU running now. Ctrl-C reaches it with us (same process group), but
// a SIGTERM to ftl alone must not leave it behind; and it is waited for, so
// that it is gone (not a zombie of whoever inherits it) once ftl dev is.
static volatile pid_t qemu_pid;

static void on_signal(int sig)
{
    if (qemu_pid > 0) {
        kill(qemu_pid, SIGTERM);
        waitpid(qemu_pid, NULL, 0);
    }
    _exit(128 + sig);
}

static double ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1e3 +
           (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

// Starts QEMU on the built image img (its config in c); its pid, or 0.
static pid_t boot(const struct session *s, const struct image *img,
                  struct qemu_config *c)
{
    c->serial = "stdio";
    c->pidfile = s->pidfile;
    dir_create(s->dir);
    out_info("FTL: booting %s (%s); applying or rebooting on changes; Ctrl-C "
             "quits",
             img->manifest.system, c->accel);
    pid_t pid = proc_start(qemu_argv(c));
    if (pid > 0) {
        record_boot(s, pid, c);
    }
    return pid > 0 ? pid : 0;
}

static void qemu_end(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

static bool has_service(const struct ftl_manifest *m, const char *name)
{
    for (unsigned i = 0; i < m->service_count; i++) {
        if (strcmp(m->services[i].name, name) == 0) {
            return true;
        }
    }
    return false;
}

static bool is_program(const struct ftl_manifest *m, const char *file)
{
    for (unsigned i = 0; i < m->service_count; i++) {
        if (strcmp(m->services[i].binary, file) == 0) {
            return true;
        }
    }
    return false;
}

// Why the new build img (booted as c would be) needs a reboot, or NULL when
// an apply can bring the running system to it.
static const char *reboot_reason(const struct session *s,
                                 const struct image *img,
                                 const struct qemu_config *c)
{
    static struct record r;
    static struct initfs_tar t;
    if (!has_service(&img->manifest, CONTROL_SERVICE)) {
        return "the project has no control service (add virtio_rng, random "
               "and control to spec.services in ftl.yaml)";
    }
    if (!record_load(s, &r)) {
        return "no record of what the running system has";
    }
    if (record_service_find(&r, CONTROL_SERVICE) == NULL && r.services_known) {
        return "the running system has no control service";
    }
    char settings[INITFS_TAR_HASH_HEX];
    record_settings(c, settings);
    if (strcmp(settings, r.settings) != 0) {
        return "the boot settings changed (kernel, its command line, memory, "
               "ports or devices)";
    }
    if (initfs_tar_read(img->initfs, &t) != 0) {
        return "the new initfs cannot be read";
    }
    const char *why = NULL;
    for (unsigned i = 0; why == NULL && i < t.count; i++) {
        const struct initfs_file *f = &t.files[i];
        const struct record_file *had = record_file_find(&r, f->name);
        if (strcmp(f->name, MANIFEST_NAME) != 0 &&
            !is_program(&img->manifest, f->name) &&
            (had == NULL || strcmp(had->hash, f->hash) != 0)) {
            why = str_printf("%s changed, and only services can be applied",
                             f->name);
        }
    }
    free(t.data);
    return why;
}

// Applies img to the running system; true if the system now runs it, or
// rolled some of it back (still up: the next change tries again), false
// when a reboot must take over (the reason printed).
static bool dev_apply(const struct project *p, const struct image *img,
                      double build_ms)
{
    struct apply_options o = {0};
    struct apply_outcome out;
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    int err = apply_image(p, img, &o, &out);
    double apply_ms = ms_since(&started);
    if (err == 0) {
        out_ok("ftl dev: applied in %.0f ms (build %.0f ms, apply %.0f ms: "
               "%zu KiB sent, %u of %u files)",
               build_ms + apply_ms, build_ms, apply_ms, out.bytes_sent / 1024,
               out.files_sent, out.files);
        return true;
    }
    if (out.result == APPLY_ROLLED_BACK) {
        out_info("ftl dev: rolled back (%s); the previous version runs; "
                 "waiting for a change...",
                 out.reply);
        return true;
    }
    out_info("ftl dev: rebooting: the apply %s",
             out.result == APPLY_REFUSED ? "was refused"
                                         : "did not reach the system");
    return false;
}

// Rebuilds after a change and brings the system to the new build: applied
// while *pid runs and only services changed, else booted. *pid is the QEMU
// running afterwards (0: none).
static void dev_update(const struct project *p, const struct run_args *a,
                       const struct session *s, pid_t *pid,
                       const struct timespec *changed)
{
    static struct image img;
    static struct qemu_config c;
    struct image_options o = {.quiet = true};
    if (image_build(p, &o, &img) != 0 || run_config(p, &img, a, &c) != 0) {
        out_info("waiting for a change%s...",
                 *pid > 0 ? " (the system runs the previous build)" : "");
        return;
    }
    double build_ms = ms_since(changed);
    c.serial = "stdio";
    c.pidfile = s->pidfile;
    if (*pid > 0) {
        const char *why = reboot_reason(s, &img, &c);
        if (why == NULL && dev_apply(p, &img, build_ms)) {
            return;
        }
        if (why != NULL) {
            out_info("ftl dev: rebooting: %s", why);
        }
        qemu_end(*pid);
    }
    qemu_pid = *pid = boot(s, &img, &c);
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
    pid_t pid = 0;
    struct timespec changed;
    clock_gettime(CLOCK_MONOTONIC, &changed);
    for (;;) {
        int64_t seen = tree_mtime(p.root, unwatched);
        dev_update(&p, &a, &s, &pid, &changed);
        while (tree_mtime(p.root, unwatched) == seen) {
            if (pid > 0 && waitpid(pid, NULL, WNOHANG) == pid) {
                out_info("the system ended; waiting for a change...");
                qemu_pid = pid = 0;
            }
            usleep(POLL_US);
        }
        clock_gettime(CLOCK_MONOTONIC, &changed);
        usleep(SETTLE_US);
        out_info("\nftl dev: a file changed; rebuilding");
    }
}
