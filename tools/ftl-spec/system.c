// Reading ftl.yaml: finds each listed service's spec, loads it, applies
// the overrides, then hands the whole to the cross-service checks
// (deps.c, claims.c).
#include "system.h"

#include "claims.h"
#include "deps.h"
#include "object.h"
#include "path.h"

#include <string.h>

enum { S_SERVICES, S_OVERRIDES, S_KERNEL, S_RUN, S_DEPLOY, S_TLS, S_COUNT };
static const char *const system_keys[] = {"services", "kernel", "run", "deploy",
                                          "tls", "overrides"};
// system_keys is in the order users read it in; this maps it to S_*.
static const int system_slots[] = {S_SERVICES, S_KERNEL, S_RUN, S_DEPLOY,
                                   S_TLS, S_OVERRIDES};

// The service.yaml that spec.services[i] names, or NULL (reported).
static const char *service_file(struct ydoc *d, yaml_node_t *item,
                                const char *field,
                                const struct search_path *search)
{
    const char *text = yscalar(d, item, field);
    if (text == NULL) {
        return NULL;
    }
    const char *here = path_dir(d->file);
    if (strchr(text, '/') != NULL) {
        const char *path = path_join(here, text);
        if (path_is_dir(path)) {
            path = path_join(path, "service.yaml");
        }
        if (!path_is_file(path)) {
            diag_error(ydoc_loc(d, item, field),
                       "%s: no such service folder or file", path);
            return NULL;
        }
        return path;
    }
    if (yname(d, item, field) == NULL) {
        return NULL;
    }
    const char *rel = path_join(text, "service.yaml");
    for (unsigned i = 0; i < search->count; i++) {
        const char *path = path_join(search->dirs[i], rel);
        if (path_is_file(path)) {
            return path;
        }
    }
    const char *path = path_join(here, rel);
    if (path_is_file(path)) {
        return path;
    }
    diag_error(ydoc_loc(d, item, field),
               "unknown service \"%s\": no %s in the search path or next to "
               "%s",
               text, rel, d->file);
    return NULL;
}

// Adds the service at file, listed at spec.services[i].
static void service_add(struct ydoc *d, yaml_node_t *item, const char *field,
                        const char *file, struct system *sys)
{
    struct service *svc = &sys->services[sys->service_count];
    if (!service_load(file, svc) || svc->name == NULL) {
        return; // reported; without a name nothing else can refer to it
    }
    const char *listed = (const char *)item->data.scalar.value;
    if (strchr(listed, '/') == NULL && strcmp(listed, svc->name) != 0) {
        diag_error(ydoc_loc(d, item, field), "%s names service \"%s\"", file,
                   svc->name);
        // reported; keep the service under its own name, so that the
        // checks below do not add errors that follow from this one
    }
    for (unsigned i = 0; i < sys->service_count; i++) {
        if (strcmp(sys->services[i].name, svc->name) == 0) {
            diag_error(ydoc_loc(d, item, field),
                       "a second service named \"%s\" (the first is %s)",
                       svc->name, sys->services[i].file);
            return;
        }
    }
    sys->service_count++;
}

static void services_read(struct ydoc *d, yaml_node_t *list,
                          const struct search_path *search, struct system *sys)
{
    const char *field = "spec.services";
    if (!yexpect_list(d, list, field)) {
        return;
    }
    yaml_node_item_t *items = list->data.sequence.items.start;
    size_t n = (size_t)(list->data.sequence.items.top - items);
    for (size_t i = 0; i < n; i++) {
        const char *item_field = field_index(field, i);
        yaml_node_t *item = ydoc_node(d, items[i]);
        if (sys->service_count == FTL_MANIFEST_SERVICES_MAX) {
            diag_error(ydoc_loc(d, item, item_field), "at most %d services",
                       FTL_MANIFEST_SERVICES_MAX);
            return;
        }
        const char *file = service_file(d, item, item_field, search);
        if (file != NULL) {
            service_add(d, item, item_field, file, sys);
        }
    }
}

// spec.overrides: {NAME: {spec fields...}}
static void overrides_read(struct ydoc *d, yaml_node_t *map, struct system *sys)
{
    const char *field = "spec.overrides";
    if (!yexpect_map(d, map, field)) {
        return;
    }
    yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
    size_t n = (size_t)(map->data.mapping.pairs.top - pairs);
    for (size_t i = 0; i < n; i++) {
        if (ymap_key_repeated(d, map, i, field)) {
            continue;
        }
        yaml_node_t *key = ydoc_node(d, pairs[i].key);
        const char *name = (const char *)key->data.scalar.value;
        const char *override_field = field_key(field, name);
        unsigned s = 0;
        while (s < sys->service_count &&
               strcmp(sys->services[s].name, name) != 0) {
            s++;
        }
        if (s == sys->service_count) {
            diag_error(ydoc_loc(d, key, override_field),
                       "no service \"%s\" in spec.services", name);
            continue;
        }
        service_apply(d, ydoc_node(d, pairs[i].value), override_field,
                      &sys->services[s]);
    }
}

void system_read(struct ydoc *d, const struct search_path *search,
                 struct system *sys)
{
    struct object obj;
    yaml_node_t *v[S_COUNT] = {0};
    yaml_node_t *found[S_COUNT];
    *sys = (struct system){.file = d->file};
    object_read(d, "System", true, &obj);
    sys->name = obj.name;
    if (obj.spec != NULL &&
        ymap_fields(d, obj.spec, "spec", system_keys, S_COUNT, found)) {
        for (int i = 0; i < S_COUNT; i++) {
            v[system_slots[i]] = found[i];
        }
        if (v[S_SERVICES] == NULL) {
            ymap_missing(d, obj.spec, "spec.services");
        }
    }
    if (v[S_SERVICES] != NULL) {
        services_read(d, v[S_SERVICES], search, sys);
    }
    if (v[S_OVERRIDES] != NULL) {
        overrides_read(d, v[S_OVERRIDES], sys);
    }
    settings_read(d, v[S_KERNEL], v[S_RUN], v[S_DEPLOY], obj.name,
                  &sys->settings);
    if (v[S_TLS] != NULL) {
        settings_read_tls(d, v[S_TLS], &sys->settings);
    }
    deps_check(sys->services, sys->service_count, sys->order);
    claims_check(sys->services, sys->service_count);
}

void system_print_files(FILE *f, const struct system *sys)
{
    fprintf(f, "%s", sys->file);
    for (unsigned i = 0; i < sys->service_count; i++) {
        fprintf(f, " %s", sys->services[i].file);
    }
}
