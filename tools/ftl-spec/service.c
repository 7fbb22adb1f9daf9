// Reading service.yaml. service_apply is shared with the per-service
// overrides of ftl.yaml, so both accept exactly the same fields with the
// same checks. Each field has its own small reader below.
#include "service.h"

#include "object.h"
#include "pool.h"

#include <ftl/manifest.h>

#include <stdbool.h>
#include <string.h>

enum {
    F_BINARY,
    F_ISOLATION,
    F_RESTART,
    F_REQUIRES,
    F_PROVIDES,
    F_DEVICES,
    F_FILES,
    F_RESOURCES,
    F_ENV,
    F_ARGS,
    F_COUNT
};
static const char *const spec_keys[] = {
    "binary",  "isolation", "restartPolicy", "requires", "provides",
    "devices", "files",     "resources",     "env",      "args"};

static const char *const isolations[] = {"user", "kernel", "wasm"};
static const uint32_t isolation_values[] = {FTL_MANIFEST_ISOLATION_USER,
                                            FTL_MANIFEST_ISOLATION_KERNEL,
                                            FTL_MANIFEST_ISOLATION_WASM};
static const char *const restart_policies[] = {"Always", "OnFailure", "Never"};

// The longest value that still fits a manifest line after its key.
#define VALUE_MAX(key) (FTL_MANIFEST_LINE_MAX - (sizeof(key) - 1))

// The items of a list node, or NULL (reported) if it is no list. Reports
// lists longer than max; *count gets at most max.
static yaml_node_item_t *list_items(struct ydoc *d, yaml_node_t *list,
                                    const char *field, size_t max,
                                    size_t *count)
{
    if (!yexpect_list(d, list, field)) {
        return NULL;
    }
    yaml_node_item_t *items = list->data.sequence.items.start;
    *count = (size_t)(list->data.sequence.items.top - items);
    if (*count > max) {
        diag_error(ydoc_loc(d, list, field), "at most %zu entries, got %zu",
                   max, *count);
        *count = max;
    }
    return items;
}

static void binary_read(struct ydoc *d, yaml_node_t *node, const char *field,
                        struct service *svc)
{
    // A ustar name holds 100 bytes; the initfs is flat.
    const char *s = ytext(d, node, field, 99);
    if (s == NULL) {
        return;
    }
    if (s[0] == '\0' || strchr(s, '/') != NULL || strchr(s, ' ') != NULL) {
        diag_error(ydoc_loc(d, node, field),
                   "bad file name %s: a file of the initfs, without '/' or "
                   "spaces",
                   ydoc_quote(s));
        return;
    }
    svc->binary = s;
}

// requires or provides: a list of distinct names.
static void names_read(struct ydoc *d, yaml_node_t *list, const char *field,
                       struct name_ref *names, unsigned *count)
{
    size_t n;
    yaml_node_item_t *items =
        list_items(d, list, field, FTL_MANIFEST_REQUIRES_MAX, &n);
    if (items == NULL) {
        return;
    }
    *count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *item_field = field_index(field, i);
        yaml_node_t *item = ydoc_node(d, items[i]);
        const char *name = yname(d, item, item_field);
        if (name == NULL) {
            continue;
        }
        for (unsigned j = 0; j < *count; j++) {
            if (strcmp(names[j].name, name) == 0) {
                diag_error(ydoc_loc(d, item, item_field),
                           "\"%s\" is listed twice", name);
                name = NULL;
                break;
            }
        }
        if (name != NULL) {
            names[(*count)++] =
                (struct name_ref){name, ydoc_loc(d, item, item_field)};
        }
    }
}

// files: initfs paths the service may read (OPEN file/PATH on its
// supervisor channel), distinct.
static void files_read(struct ydoc *d, yaml_node_t *list, const char *field,
                       struct service *svc)
{
    size_t n;
    yaml_node_item_t *items =
        list_items(d, list, field, FTL_MANIFEST_FILES_MAX, &n);
    if (items == NULL) {
        return;
    }
    svc->file_count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *item_field = field_index(field, i);
        yaml_node_t *item = ydoc_node(d, items[i]);
        const char *path = ytext(d, item, item_field, 255);
        if (path == NULL) {
            continue;
        }
        if (!ftl_manifest_file_path_ok(path)) {
            diag_error(ydoc_loc(d, item, item_field),
                       "bad file path %s: a relative path of the initfs, "
                       "segments of letters, digits, '.', '_' or '-' "
                       "between single '/', no '.' or '..' segment, at "
                       "most %d bytes",
                       ydoc_quote(path), FTL_MANIFEST_FILE_PATH_MAX);
            continue;
        }
        bool twice = false;
        for (unsigned j = 0; j < svc->file_count; j++) {
            twice |= strcmp(svc->files[j], path) == 0;
        }
        if (twice) {
            diag_error(ydoc_loc(d, item, item_field), "\"%s\" is listed twice",
                       path);
            continue;
        }
        svc->files[svc->file_count++] = path;
    }
}

// pci: {vendor: 0x1af4, device: 0x1000, index: 0}
static bool pci_read(struct ydoc *d, yaml_node_t *node, const char *field,
                     struct ftl_manifest_device *dev)
{
    static const char *const keys[] = {"vendor", "device", "index"};
    yaml_node_t *v[3];
    uint64_t vendor = 0, device = 0, index = 0; // *dev is set even if !ok
    if (!ymap_fields(d, node, field, keys, 3, v)) {
        return false;
    }
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        if (v[i] == NULL) {
            ymap_missing(d, node, field_key(field, keys[i]));
            ok = false;
        }
    }
    ok = ok && yuint(d, v[0], field_key(field, "vendor"), 0xffff, &vendor);
    ok = ok && yuint(d, v[1], field_key(field, "device"), 0xffff, &device);
    if (v[2] != NULL) {
        ok = yuint(d, v[2], field_key(field, "index"), 255, &index) && ok;
    }
    *dev = (struct ftl_manifest_device){.kind = FTL_DEVICE_PCI,
                                        .vendor = (uint16_t)vendor,
                                        .device = (uint16_t)device,
                                        .index = (uint32_t)index};
    return ok;
}

// ioports: {base: 0x3f8, count: 8}
static bool ioports_read(struct ydoc *d, yaml_node_t *node, const char *field,
                         struct ftl_manifest_device *dev)
{
    static const char *const keys[] = {"base", "count"};
    yaml_node_t *v[2];
    uint64_t base, count;
    if (!ymap_fields(d, node, field, keys, 2, v)) {
        return false;
    }
    for (int i = 0; i < 2; i++) {
        if (v[i] == NULL) {
            ymap_missing(d, node, field_key(field, keys[i]));
            return false;
        }
    }
    if (!yuint(d, v[0], field_key(field, "base"), 0xffff, &base) ||
        !yuint(d, v[1], field_key(field, "count"), 0x10000, &count)) {
        return false;
    }
    if (count == 0 || base + count > 0x10000) {
        diag_error(ydoc_loc(d, v[1], field_key(field, "count")),
                   "the range must hold 1 to 0x%llx ports from its base",
                   (unsigned long long)(0x10000 - base));
        return false;
    }
    *dev = (struct ftl_manifest_device){.kind = FTL_DEVICE_IOPORTS,
                                        .port_base = (uint32_t)base,
                                        .port_count = (uint32_t)count};
    return true;
}

// One list item: a mapping with one key naming the kind of device.
static bool device_read(struct ydoc *d, yaml_node_t *item, const char *field,
                        struct ftl_manifest_device *dev)
{
    static const char *const kinds[] = {"pci", "irq", "ioports"};
    yaml_node_t *v[3];
    if (!ymap_fields(d, item, field, kinds, 3, v)) {
        return false;
    }
    int given = (v[0] != NULL) + (v[1] != NULL) + (v[2] != NULL);
    bool empty = item->data.mapping.pairs.top == item->data.mapping.pairs.start;
    if (given > 1 || empty) {
        diag_error(ydoc_loc(d, item, field),
                   "expected one of pci, irq or ioports per list item");
        return false;
    }
    if (given == 0) {
        return false; // ymap_fields reported the unknown key
    }
    if (v[0] != NULL) {
        return pci_read(d, v[0], field_key(field, "pci"), dev);
    }
    if (v[2] != NULL) {
        return ioports_read(d, v[2], field_key(field, "ioports"), dev);
    }
    uint64_t irq;
    if (!yuint(d, v[1], field_key(field, "irq"), 255, &irq)) {
        return false;
    }
    *dev = (struct ftl_manifest_device){.kind = FTL_DEVICE_IRQ,
                                        .irq = (uint32_t)irq};
    return true;
}

static void devices_read(struct ydoc *d, yaml_node_t *list, const char *field,
                         struct service *svc)
{
    size_t n;
    yaml_node_item_t *items =
        list_items(d, list, field, FTL_MANIFEST_DEVICES_MAX, &n);
    if (items == NULL) {
        return;
    }
    svc->device_count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *item_field = field_index(field, i);
        yaml_node_t *item = ydoc_node(d, items[i]);
        struct device_claim *claim = &svc->devices[svc->device_count];
        if (device_read(d, item, item_field, &claim->dev)) {
            claim->loc = ydoc_loc(d, item, item_field);
            svc->device_count++;
        }
    }
}

static void resources_read(struct ydoc *d, yaml_node_t *node, const char *field,
                           struct service *svc)
{
    static const char *const keys[] = {"memory", "handles"};
    yaml_node_t *v[2];
    if (!ymap_fields(d, node, field, keys, 2, v)) {
        return;
    }
    if (v[0] != NULL) {
        ysize(d, v[0], field_key(field, "memory"), SERVICE_MEMORY_MIN,
              SERVICE_MEMORY_MAX, &svc->memory);
    }
    uint64_t handles;
    if (v[1] != NULL &&
        yuint(d, v[1], field_key(field, "handles"), UINT32_MAX, &handles)) {
        if (handles < SERVICE_HANDLES_MIN || handles > FTL_HANDLES_MAX) {
            diag_error(ydoc_loc(d, v[1], field_key(field, "handles")),
                       "expected a number from %u to %u, got %llu",
                       SERVICE_HANDLES_MIN, FTL_HANDLES_MAX,
                       (unsigned long long)handles);
        } else {
            svc->handles = (uint32_t)handles;
        }
    }
}

// An env value or argument: text as written, and null (`~` or nothing) is
// the empty string.
static const char *text_read(struct ydoc *d, yaml_node_t *node,
                             const char *field, size_t max)
{
    return ynode_is_null(node) ? "" : ytext(d, node, field, max);
}

static bool is_env_key(const char *s)
{
    size_t len = strlen(s);
    const char *upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    return len > 0 && strchr(upper, s[0]) != NULL &&
           strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                     "0123456789_") == len;
}

// env: a mapping of strings, merged into what *svc has.
static void env_read(struct ydoc *d, yaml_node_t *map, const char *field,
                     struct service *svc)
{
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
        const char *var_field = field_key(field, name);
        if (!is_env_key(name)) {
            diag_error(ydoc_loc(d, key, var_field),
                       "bad variable name: use letters, digits and '_', "
                       "not starting with a digit");
            continue;
        }
        yaml_node_t *value_node = ydoc_node(d, pairs[i].value);
        const char *value =
            text_read(d, value_node, var_field, VALUE_MAX("env "));
        if (value == NULL) {
            continue;
        }
        if (strlen(name) + 1 + strlen(value) > VALUE_MAX("env ")) {
            diag_error(ydoc_loc(d, value_node, var_field),
                       "NAME=value is longer than %zu bytes",
                       VALUE_MAX("env "));
            continue;
        }
        unsigned j = 0;
        while (j < svc->envc && strcmp(svc->env[j].key, name) != 0) {
            j++;
        }
        if (j == FTL_MANIFEST_ENV_MAX) {
            diag_error(ydoc_loc(d, key, var_field), "at most %d variables",
                       FTL_MANIFEST_ENV_MAX);
            continue;
        }
        svc->env[j] = (struct env_var){name, value};
        if (j == svc->envc) {
            svc->envc++;
        }
    }
}

static void args_read(struct ydoc *d, yaml_node_t *list, const char *field,
                      struct service *svc)
{
    size_t n;
    yaml_node_item_t *items =
        list_items(d, list, field, FTL_MANIFEST_ARGS_MAX, &n);
    if (items == NULL) {
        return;
    }
    svc->argc = 0;
    for (size_t i = 0; i < n; i++) {
        const char *arg = text_read(d, ydoc_node(d, items[i]),
                                    field_index(field, i), VALUE_MAX("arg "));
        if (arg != NULL) {
            svc->args[svc->argc++] = arg;
        }
    }
}

void service_apply(struct ydoc *d, yaml_node_t *spec, const char *field,
                   struct service *svc)
{
    yaml_node_t *v[F_COUNT];
    int choice;
    if (!ymap_fields(d, spec, field, spec_keys, F_COUNT, v)) {
        return;
    }
    if (v[F_BINARY] != NULL) {
        binary_read(d, v[F_BINARY], field_key(field, "binary"), svc);
    }
    if (v[F_ISOLATION] != NULL &&
        yenum(d, v[F_ISOLATION], field_key(field, "isolation"), isolations, 3,
              &choice)) {
        svc->isolation = isolation_values[choice];
    }
    if (v[F_RESTART] != NULL &&
        yenum(d, v[F_RESTART], field_key(field, "restartPolicy"),
              restart_policies, 3, &choice)) {
        svc->restart = (enum ftl_restart_policy)choice;
    }
    if (v[F_REQUIRES] != NULL) {
        names_read(d, v[F_REQUIRES], field_key(field, "requires"),
                   svc->requires, &svc->requires_count);
    }
    if (v[F_PROVIDES] != NULL) {
        names_read(d, v[F_PROVIDES], field_key(field, "provides"),
                   svc->provides, &svc->provides_count);
    }
    if (v[F_DEVICES] != NULL) {
        devices_read(d, v[F_DEVICES], field_key(field, "devices"), svc);
    }
    if (v[F_FILES] != NULL) {
        files_read(d, v[F_FILES], field_key(field, "files"), svc);
    }
    if (v[F_RESOURCES] != NULL) {
        resources_read(d, v[F_RESOURCES], field_key(field, "resources"), svc);
    }
    if (v[F_ENV] != NULL) {
        env_read(d, v[F_ENV], field_key(field, "env"), svc);
    }
    if (v[F_ARGS] != NULL) {
        args_read(d, v[F_ARGS], field_key(field, "args"), svc);
    }
}

void service_read(struct ydoc *d, struct service *svc)
{
    struct object obj;
    *svc = (struct service){
        .file = d->file,
        .isolation = FTL_MANIFEST_ISOLATION_USER,
        .restart = FTL_RESTART_ALWAYS,
        .memory = SERVICE_MEMORY_DEFAULT,
        .handles = FTL_HANDLES_DEFAULT,
    };
    object_read(d, "Service", false, &obj);
    svc->name = obj.name;
    svc->name_loc = obj.name_loc;
    if (obj.name != NULL) {
        svc->binary = pool_printf("%s.elf", obj.name);
    }
    if (obj.spec != NULL) {
        service_apply(d, obj.spec, "spec", svc);
    }
}

bool service_load(const char *file, struct service *svc)
{
    struct ydoc *d = ydoc_load(file);
    if (d == NULL) {
        *svc = (struct service){.file = file};
        return false;
    }
    service_read(d, svc);
    return true;
}
