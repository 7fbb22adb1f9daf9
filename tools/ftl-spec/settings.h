// The host-side settings of ftl.yaml: the kernel command line, how `ftl
// run` boots the system in QEMU and where `ftl deploy` ships it. The
// kernel command line also goes into the manifest; the rest stays on the
// host and is printed by `ftl-spec settings` for the tools that need it.
#pragma once

#include "ydoc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SETTINGS_PORTS_MAX 16
#define SETTINGS_RUN_MEMORY_DEFAULT (128ull << 20)
#define SETTINGS_GCE_ZONE_DEFAULT "us-central1-a"
#define SETTINGS_GCE_MACHINE_TYPE_DEFAULT "e2-micro"
#define SETTINGS_GCE_REPLICAS_MAX 1000

struct port_forward {
    const char *protocol; // "tcp" or "udp"
    unsigned host, guest;
};

struct settings {
    const char *cmdline; // "" when not given
    uint64_t run_memory;
    unsigned port_count;
    struct port_forward ports[SETTINGS_PORTS_MAX];
    bool gce; // deploy.gce given
    const char *gce_project, *gce_zone, *gce_machine_type, *gce_image;
    // The group: 0 replicas when not given (one instance, no group); a
    // region for a regional group (NULL: zonal); "http" or "tcp"; the
    // health check's path.
    const char *gce_region;
    unsigned gce_replicas;
    const char *gce_load_balancer, *gce_health_path;
    // spec.tls: the tls service's files (paths joined to ftl.yaml's
    // folder), NULL when not given (docs/guides/tls.md)
    const char *tls_certificate, *tls_key, *tls_ca;
};

// Reads spec.kernel, spec.run and spec.deploy (each may be NULL: not
// given); system_name is the default GCE image name.
void settings_read(struct ydoc *d, yaml_node_t *kernel, yaml_node_t *run,
                   yaml_node_t *deploy, const char *system_name,
                   struct settings *out);

// Reads spec.tls: certificate and key (both or neither) and ca, files
// that must exist next to ftl.yaml.
void settings_read_tls(struct ydoc *d, yaml_node_t *tls, struct settings *out);

// One `KEY VALUE` line per setting (docs/reference/spec.md).
void settings_print(FILE *f, const struct settings *s);
