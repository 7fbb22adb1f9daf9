// What `ftl apply` changes in a running system, as a list of steps: the
// reconcile of a Kubernetes controller, between the manifest the system
// runs and the one applied. Pure: no process is touched here, so the
// host's unit tests check every case (tests/unit/test_plan.c), and the
// supervisor carries the steps out (docs/concepts/specs.md).
#pragma once

#include <stdbool.h>

#include <ftl/manifest.h>

enum plan_action {
    PLAN_STOP,    // in the running manifest only
    PLAN_REPLACE, // in both, with another spec or a new program file
    PLAN_START,   // in the new manifest only
};

struct plan_step {
    enum plan_action action;
    const char *name;
    int old_index; // in the running manifest, -1 for PLAN_START
    int new_index; // in the new manifest, -1 for PLAN_STOP
};

// Stops first, dependents before what they require (the reverse of the
// running manifest's start order); then replaces and starts in the new
// manifest's start order, so that a service comes after what it
// requires. Services that stay as they are have no step.
struct plan {
    unsigned count;
    struct plan_step steps[2 * FTL_MANIFEST_SERVICES_MAX];
};

// Whether the applied bundle brings a new program file for this service.
typedef bool (*plan_image_fn)(const struct ftl_manifest_service *spec,
                              void *arg);

// Fills *out. image_changed may be NULL (no program file changed).
void plan_make(const struct ftl_manifest *running,
               const struct ftl_manifest *applied, plan_image_fn image_changed,
               void *arg, struct plan *out);

// Whether two specs of a service say the same thing, field by field.
bool plan_same_spec(const struct ftl_manifest_service *a,
                    const struct ftl_manifest_service *b);

// "stop", "replace", "start".
const char *plan_action_name(enum plan_action action);
