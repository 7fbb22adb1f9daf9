// ftl apply: builds the project and sends its image's new boot.manifest
// and the initfs files the running system lacks (apply_bundle.h; all of
// them with --full) to it through the control channel (control.h). The
// supervisor reconciles: stops the services the new manifest leaves out,
// replaces those whose spec or program bytes changed, starts the new ones,
// and rolls back any that fails to start or exits within its first second
// (docs/concepts/specs.md).
// Each step is printed; the exit status is 0 only if everything went in.
// With --gce the system is a GCE instance's, until it reboots from the
// image it was deployed with.
#include "apply_bundle.h"
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

static const char usage[] =
    "usage: ftl apply [--full]\n"
    "                 [--socket PATH | --gce NAME [--zone Z] [--project P]]\n"
    "                 [--key PATH]\n\n"
    "Builds the project and applies it to the running system (`ftl run`,\n"
    "`ftl dev`, or with --gce the instance NAME, until it reboots from its\n"
    "disk) without a reboot: services left out of ftl.yaml stop, changed\n"
    "ones (spec or program) are replaced one at a time, new ones start. A\n"
    "service that fails to start, or exits within its first second, is\n"
    "rolled back to its previous version; the exit status is then 1. Only\n"
    "boot.manifest and the files whose bytes differ from what the running\n"
    "system has are sent (build/run/running.list records it).\n\n"
    "  --full         send every file of the initfs\n"
    CONTROL_OPTIONS_USAGE
    "  -h, --help     this help\n";

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
        {"full", no_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct apply_options a = {0};
    struct control_target *t = &a.target;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (control_option_take(t, c, optarg)) {
            continue;
        } else if (c == 'f') {
            a.full = true;
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
    int err = control_options_check(t, usage);
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
    struct apply_outcome out;
    if ((err = apply_image(&p, &img, &a, &out)) != 0) {
        return err;
    }
    out_info("applied in %.0f ms (%zu KiB sent, %u of %u files)",
             seconds_since(&started) * 1e3, out.bytes_sent / 1024,
             out.files_sent, out.files);
    return EXIT_OK;
}
