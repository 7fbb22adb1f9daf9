// What `ftl run`, `ftl dev` and `ftl test` share before booting: the
// project's run settings from ftl.yaml (memory, ports) merged with the
// command line's, and the accelerator.
#pragma once

#include "qemu.h"

struct run_args {
    const char *accel;       // --accel, or NULL
    const char *memory;      // --memory, or NULL
    unsigned port_count;     // --port
    struct port ports[SETTINGS_PORTS_MAX];
};

// Handles one of the shared options (getopt code c with optarg); returns 1
// if it was one, 0 if not, or an exit code (negated) for a bad value.
int run_args_option(struct run_args *a, int c, const char *arg,
                    const char *usage);

// getopt_long entries for the shared options (codes 'a', 'm', 'p').
#define RUN_ARGS_OPTIONS                                                       \
    {"accel", required_argument, NULL, 'a'},                                   \
        {"memory", required_argument, NULL, 'm'},                              \
        {"port", required_argument, NULL, 'p'}

#define RUN_ARGS_HELP                                                          \
    "  --port HOST:GUEST  forward 127.0.0.1:HOST to the guest's port GUEST\n"  \
    "                     (repeatable; /udp may follow; adds to ftl.yaml's\n"  \
    "                     spec.run.ports)\n"                                   \
    "  --accel tcg|kvm    the QEMU accelerator (default: TCG unless a probe\n" \
    "                     boot shows that KVM runs FTL; FTL_ACCEL also sets "  \
    "it)\n"                                                                    \
    "  --memory SIZE      guest memory, e.g. 256M or 1G (default: ftl.yaml's\n" \
    "                     spec.run.memory, else 128 MiB)\n"

// Fills c from the project's settings and a, with the control channel at
// build/run/control.sock; 0 or an exit code.
int run_config(const struct project *p, const struct image *img,
               const struct run_args *a, struct qemu_config *c);
