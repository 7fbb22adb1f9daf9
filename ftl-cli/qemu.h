// Booting an image in QEMU: the accelerator choice and the command line.
//
// Accelerator: TCG unless a probe boot of the SDK's kernel under KVM prints
// the banner, passes its boot checks (ring 3 and syscall included: the
// probe runs hello.elf) and is not slower than the same probe under TCG.
// /dev/kvm opening is not enough: on some hosts it is a PVM hypervisor that
// cannot run an unmodified kernel, or runs ours slowly (DESIGN.md). The
// result is cached per kernel in ~/.cache/ftl/accel-probe. FTL_ACCEL or
// --accel overrides. Same logic as scripts/ftlqemu.py of the source tree.
#pragma once

#include <stdbool.h>

#include "image.h"
#include "spec.h"

#define QEMU_PORTS_MAX (SETTINGS_PORTS_MAX * 2)

struct qemu_config {
    const struct image *img;
    const char *accel;        // "tcg" or "kvm"
    unsigned long memory_mib;
    unsigned port_count;
    struct port ports[QEMU_PORTS_MAX];
    const char *serial;       // QEMU -serial value: "mon:stdio", "file:PATH"
    const char *control;      // the control channel's Unix socket, or NULL
    const char *pidfile;      // NULL: none
    bool daemonize;
    unsigned gdb_port; // QEMU's gdb stub on 127.0.0.1:gdb_port (0: none)
    bool gdb_wait;     // stopped at the first instruction until gdb goes on
};

// "tcg" or "kvm": forced (from --accel; NULL for none) or FTL_ACCEL, else
// the cached or freshly run probe. NULL after printing an error (a bad
// forced value).
const char *qemu_accel(const char *forced);

// Runs the probe now, ignoring the cache: the seconds a KVM boot took, or
// a negative number when KVM does not run our kernel (-1: no /dev/kvm
// access, -2: the probe boot failed).
double qemu_probe_kvm(void);

// The QEMU command line for c (NULL-terminated).
char **qemu_argv(const struct qemu_config *c);

// The ports as "127.0.0.1:8080 -> guest 80/tcp, ...", or NULL if none.
char *qemu_ports_describe(const struct qemu_config *c);
