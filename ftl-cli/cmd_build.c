// ftl build [--release] [--target gce]: the project's bootable image
// (image.h), and the image GCE imports (gce.h).
#include "commands.h"
#include "exitcode.h"
#include "gce.h"
#include "image.h"
#include "output.h"
#include "project.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ftl build [--release] [--target gce]\n\n"
    "Validates and compiles the specs (errors as FILE:LINE:COL), compiles\n"
    "every service under services/ with the SDK, packs them stripped with\n"
    "the base (supervisor, kernel) into build/initfs.tar and makes a GRUB\n"
    "ISO, build/ftl.iso, that boots as a CD or a raw disk. Only what changed\n"
    "is rebuilt. build/services/NAME/NAME.elf keeps its debug information.\n\n"
    "  --release     without assertions (-DNDEBUG), in build/release/\n"
    "  --target gce  also the Google Compute Engine image: build/gce/disk.raw\n"
    "                (the ISO as a disk, whole GiB, sparse) packed alone in\n"
    "                build/gce/ftl-gce.tar.gz (oldgnu tar, as GCE imports)\n"
    "  -h, --help    this help\n";

int cmd_build(int argc, char **argv)
{
    static const struct option options[] = {
        {"release", no_argument, NULL, 'r'},
        {"target", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct image_options o = {.iso = true};
    bool gce = false;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        switch (c) {
        case 'r':
            o.release = true;
            break;
        case 't':
            if (strcmp(optarg, "gce") != 0) {
                return out_usage_error(usage, "--target takes gce, not \"%s\"",
                                       optarg);
            }
            gce = true;
            break;
        case 'h':
            fputs(usage, stdout);
            return EXIT_OK;
        default:
            return out_usage_error(usage, "unknown option %s",
                                   argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return out_usage_error(usage, "unexpected argument \"%s\"",
                               argv[optind]);
    }
    struct project p;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    static struct image img;
    struct gce_image g;
    err = image_build(&p, &o, &img);
    return err == 0 && gce ? gce_image_build(&img, &g) : err;
}
