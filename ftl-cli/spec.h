// The specs, through the SDK's ftl-spec (docs/reference/spec.md): checking
// and compiling a system into its boot manifest, reading its host-side
// settings, and reading the compiled manifest back with the SDK's own
// parser (sdk/lib/manifest.c, linked into ftl as it is into the
// supervisor).
#pragma once

#include <stdbool.h>

#include <ftl/manifest.h>

#include "project.h"

#define SETTINGS_PORTS_MAX 32

struct port {
    unsigned host, guest;
    bool udp;
};

// What `ftl-spec settings` prints (spec.run, spec.kernel, spec.deploy).
struct settings {
    const char *system;
    const char *cmdline; // "" when none
    unsigned long memory_mib;
    unsigned port_count;
    struct port ports[SETTINGS_PORTS_MAX];
    // spec.deploy.gce; NULL when ftl.yaml has no deploy.gce
    const char *gce_project, *gce_zone, *gce_machine_type, *gce_image;
    // spec.deploy.gce's group fields: replicas 0 when not given; region,
    // loadBalancer and healthPath NULL when not given
    const char *gce_region, *gce_load_balancer, *gce_health_path;
    unsigned gce_replicas;
    // spec.tls, relative to the project root; NULL when not given
    const char *tls_certificate, *tls_key, *tls_ca;
};

// Compiles ftl_yaml (the project's, or a generated one) into manifest,
// with a make-style dependency file beside it (manifest.d). Names resolve
// in the project's services/ and tests/, then the SDK's base/services/.
// ftl-spec's messages (FILE:LINE:COL: ...) go to stderr as they are, with
// paths relative to the project. 0, or EXIT_SPEC / EXIT_ENV.
int spec_compile(const struct project *p, const char *ftl_yaml,
                 const char *manifest);

// Reads the settings of ftl_yaml; 0 or an exit code.
int spec_settings(const struct project *p, const char *ftl_yaml,
                  struct settings *s);

// Parses a compiled manifest into *m (text kept alive in it); 0 or an exit
// code.
int spec_manifest_read(const char *path, struct ftl_manifest *m);
