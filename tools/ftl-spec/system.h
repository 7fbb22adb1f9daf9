// ftl.yaml: the services that make a system, per-service overrides and the
// host-side settings, read and checked as a whole.
#pragma once

#include "service.h"
#include "settings.h"

#include <ftl/manifest.h>

struct search_path {
    const char *const *dirs; // where bare service names are looked up
    unsigned count;
};

struct system {
    const char *file; // the ftl.yaml
    const char *name;
    unsigned service_count;
    struct service services[FTL_MANIFEST_SERVICES_MAX];
    unsigned order[FTL_MANIFEST_SERVICES_MAX]; // start order, when checked
    struct settings settings;
};

// Reads a loaded ftl.yaml and every service it names, applies the
// overrides, and checks the system: dependencies, cycles, device claims.
// Problems are reported; *sys holds what was valid. A bare name NAME in
// spec.services is NAME/service.yaml in the first of search's folders
// that has it, else next to the ftl.yaml.
void system_read(struct ydoc *d, const struct search_path *search,
                 struct system *sys);

// Every file read for the system: the ftl.yaml, then each service.yaml.
void system_print_files(FILE *f, const struct system *sys);
