// Comparing two manifests into the steps of an apply (plan.h).
#include "plan.h"

#include <string.h>

static bool same_string(const char *a, const char *b)
{
    return (a == NULL && b == NULL) ||
           (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_strings(const char *const *a, unsigned na,
                         const char *const *b, unsigned nb)
{
    if (na != nb) {
        return false;
    }
    for (unsigned i = 0; i < na; i++) {
        if (!same_string(a[i], b[i])) {
            return false;
        }
    }
    return true;
}

static bool same_device(const struct ftl_manifest_device *a,
                        const struct ftl_manifest_device *b)
{
    return a->kind == b->kind && a->vendor == b->vendor &&
           a->device == b->device && a->index == b->index && a->irq == b->irq &&
           a->port_base == b->port_base && a->port_count == b->port_count;
}

bool plan_same_spec(const struct ftl_manifest_service *a,
                    const struct ftl_manifest_service *b)
{
    if (!same_string(a->name, b->name) || !same_string(a->binary, b->binary) ||
        a->isolation != b->isolation || a->restart != b->restart ||
        a->memory != b->memory || a->handles != b->handles ||
        a->device_count != b->device_count) {
        return false;
    }
    for (unsigned i = 0; i < a->device_count; i++) {
        if (!same_device(&a->devices[i], &b->devices[i])) {
            return false;
        }
    }
    return same_strings(a->requires, a->requires_count, b->requires,
                        b->requires_count) &&
           same_strings(a->provides, a->provides_count, b->provides,
                        b->provides_count) &&
           same_strings(a->files, a->file_count, b->files, b->file_count) &&
           same_strings(a->argv, a->argc, b->argv, b->argc) &&
           same_strings(a->envp, a->envc, b->envp, b->envc);
}

static int index_of(const struct ftl_manifest *m, const char *name)
{
    for (unsigned i = 0; i < m->service_count; i++) {
        if (strcmp(m->services[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

static void add(struct plan *p, enum plan_action action, const char *name,
                int old_index, int new_index)
{
    p->steps[p->count++] = (struct plan_step){
        .action = action,
        .name = name,
        .old_index = old_index,
        .new_index = new_index,
    };
}

void plan_make(const struct ftl_manifest *running,
               const struct ftl_manifest *applied, plan_image_fn image_changed,
               void *arg, struct plan *out)
{
    out->count = 0;
    for (unsigned i = running->service_count; i-- > 0;) {
        const char *name = running->services[i].name;
        if (index_of(applied, name) < 0) {
            add(out, PLAN_STOP, name, (int)i, -1);
        }
    }
    for (unsigned i = 0; i < applied->service_count; i++) {
        const struct ftl_manifest_service *spec = &applied->services[i];
        int old = index_of(running, spec->name);
        if (old < 0) {
            add(out, PLAN_START, spec->name, -1, (int)i);
        } else if (!plan_same_spec(&running->services[old], spec) ||
                   (image_changed != NULL && image_changed(spec, arg))) {
            add(out, PLAN_REPLACE, spec->name, old, (int)i);
        }
    }
}

const char *plan_action_name(enum plan_action action)
{
    switch (action) {
    case PLAN_STOP:
        return "stop";
    case PLAN_REPLACE:
        return "replace";
    case PLAN_START:
        return "start";
    }
    return "?";
}
