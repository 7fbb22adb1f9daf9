// ftl apply: builds the project and sends its image's initfs (the new
// boot.manifest and every program file) to the running system through the
// control channel (control.h). The supervisor reconciles: stops the
// services the new manifest leaves out, replaces those whose spec or
// program bytes changed, starts the new ones, and rolls back any that
// fails to start or exits within its first second (docs/concepts/specs.md).
// Each step is printed; the exit status is 0 only if everything went in.
// With --gce the system is a GCE instance's, until it reboots from the
// image it was deployed with.
#include "commands.h"
#include "control.h"
#include "control_options.h"
#include "exitcode.h"
#include "files.h"
#include "image.h"
#include "output.h"
#include "project.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define APPLY_STEP_TIMEOUT_S 30 // a step's reply, reset by every step

static const char usage[] =
    "usage: ftl apply [--socket PATH | --gce NAME [--zone Z] [--project P]]\n"
    "                 [--key PATH]\n\n"
    "Builds the project and applies it to the running system (`ftl run`,\n"
    "`ftl dev`, or with --gce the instance NAME, until it reboots from its\n"
    "disk) without a reboot: services left out of ftl.yaml stop, changed\n"
    "ones (spec or program) are replaced one at a time, new ones start. A\n"
    "service that fails to start, or exits within its first second, is\n"
    "rolled back to its previous version; the exit status is then 1.\n\n"
    CONTROL_OPTIONS_USAGE
    "  -h, --help     this help\n";

static void on_step(void *arg, const char *line, size_t len)
{
    (void)arg;
    out_step("APPLY", "%.*s", (int)len, line);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) +
           (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int cmd_apply(int argc, char **argv)
{
    static const struct option options[] = {
        CONTROL_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct control_target t = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (control_option_take(&t, c, optarg)) {
            continue;
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
    int err = control_options_check(&t, usage);
    if (err != 0) {
        return err;
    }
    struct timespec started;
    clock_gettime(CLOCK_MONOTONIC, &started);
    struct project p;
    err = project_find(&p);
    if (err != 0) {
        return err;
    }
    static struct image img;
    struct image_options o = {0};
    if ((err = image_build(&p, &o, &img)) != 0) {
        return err;
    }
    size_t len;
    char *bundle = file_read_len(img.initfs, &len);
    if (bundle == NULL) {
        return out_error(EXIT_FAILED, NULL, "cannot read %s", img.initfs);
    }
    if (len > CONTROL_PAYLOAD_MAX - 16) {
        return out_error(EXIT_FAILED, "leave services out or make them smaller",
                         "%s is %zu bytes, over the channel's 16 MiB",
                         img.initfs, len);
    }
    if ((err = control_target_find(&t)) != 0) {
        return err;
    }
    static struct control ctl;
    if ((err = control_open(&ctl, &t)) != 0) {
        return err;
    }
    struct control_reply reply;
    struct control_request q = {.command = "apply",
                                .tail = bundle,
                                .tail_len = len,
                                .on_progress = on_step,
                                .timeout_s = APPLY_STEP_TIMEOUT_S};
    err = control_call(&ctl, &q, &reply);
    control_close(&ctl);
    if (err != 0 && t.gce.instance != NULL) {
        // The bundle is one frame, and the guest drops a frame not whole
        // 5 s after its first byte: over a serial port slower than the
        // bundle's size in 5 s, the apply cannot go in.
        out_info("over GCE's serial port the %zu KiB bundle has 5 s to "
                 "reach the guest; if the port is slower, deploy instead "
                 "(`ftl deploy gce`)",
                 len / 1024);
    }
    if (err != 0) {
        return err;
    }
    if (!reply.ok) {
        return out_error(EXIT_FAILED,
                         "the running system keeps the previous versions; "
                         "`ftl logs NAME` says why",
                         "apply failed: %s", reply.body);
    }
    out_info("applied in %.2f s (%zu KiB sent)", seconds_since(&started),
             len / 1024);
    return EXIT_OK;
}
