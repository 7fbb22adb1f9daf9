// service.yaml: one service's spec (docs/reference/spec.md), read into
// struct service with the location of every value a later check may blame.
#pragma once

#include "diag.h"
#include "ydoc.h"

#include <ftl/manifest.h>

#include <stdbool.h>
#include <stdint.h>

// Defaults of the optional fields (docs/reference/spec.md).
#define SERVICE_MEMORY_DEFAULT (16ull << 20)
#define SERVICE_MEMORY_MIN (64ull << 10)
#define SERVICE_MEMORY_MAX (64ull << 30)
#define SERVICE_HANDLES_MIN 16 // its channels, sinks and timers need a few

struct name_ref {
    const char *name;
    struct loc loc;
};

struct device_claim {
    struct ftl_manifest_device dev;
    struct loc loc;
};

struct env_var {
    const char *key, *value;
};

struct service {
    const char *name; // NULL when metadata.name was unusable
    struct loc name_loc;
    const char *file; // the service.yaml
    const char *binary;
    uint32_t isolation; // FTL_MANIFEST_ISOLATION_*
    enum ftl_restart_policy restart;
    uint64_t memory;
    uint32_t handles; // resources.handles
    unsigned requires_count, provides_count, device_count, argc, envc;
    unsigned file_count;
    struct name_ref requires[FTL_MANIFEST_REQUIRES_MAX];
    const char *files[FTL_MANIFEST_FILES_MAX];
    struct name_ref provides[FTL_MANIFEST_REQUIRES_MAX];
    struct device_claim devices[FTL_MANIFEST_DEVICES_MAX];
    const char *args[FTL_MANIFEST_ARGS_MAX];
    struct env_var env[FTL_MANIFEST_ENV_MAX];
};

// Reads a loaded service.yaml into *svc, reporting every problem. *svc
// then holds every valid value and the defaults for the rest, even when
// some were reported, so that checks of the whole system can go on.
void service_read(struct ydoc *d, struct service *svc);

// Loads and reads the service.yaml at file. False if it could not be read
// as YAML at all (reported); *svc then has no name.
bool service_load(const char *file, struct service *svc);

// Applies the fields of a `spec` mapping (in a service.yaml, or an override
// in ftl.yaml) to *svc: values replace the ones there, lists replace whole
// lists, and env merges key by key.
void service_apply(struct ydoc *d, yaml_node_t *spec, const char *field,
                   struct service *svc);
