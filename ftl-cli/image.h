// Building a project's bootable image (docs/cli.md, "ftl build"): the
// specs compiled into boot.manifest, the services compiled with the SDK's
// mk/service.mk, both packed with the base's supervisor into initfs.tar
// (the programs stripped there; the built ones keep their debug
// information), booted with the base's kernel; optionally a GRUB ISO of
// the two.
// Incremental: make rebuilds only changed services, and the initfs and ISO
// are rewritten only when something in them changed.
#pragma once

#include <stdbool.h>

#include "project.h"
#include "spec.h"

struct image_options {
    bool release; // -DNDEBUG, in build/release/
    bool iso;     // also the GRUB ISO
    bool tests;   // the system with the tests/ services added (ftl test)
    bool quiet;   // no summary lines (ftl dev, ftl run)
};

// What a build produced; paths are absolute.
struct image {
    char *dir;     // build/, build/release/ or build/test/
    char *kernel;  // the SDK's base/ftl-kernel.elf
    char *initfs;  // DIR/initfs.tar
    char *iso;     // DIR/ftl.iso (when asked for)
    char *cmdline; // the kernel command line: ftl.init=... and the spec's
    struct ftl_manifest manifest;
    // Each manifest service's program as packed before stripping: the
    // project's build/.../NAME.elf (unstripped) or the SDK's base copy.
    char *programs[FTL_MANIFEST_SERVICES_MAX];
    bool tls_development; // tls's files are the development set
};

// Builds; 0, or an exit code after the error was printed.
int image_build(const struct project *p, const struct image_options *o,
                struct image *img);
