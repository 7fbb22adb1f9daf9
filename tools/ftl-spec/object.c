// Checks of apiVersion, kind and metadata; the spec mapping is left to the
// reader of that kind.
#include "object.h"

#include <string.h>

enum { TOP_API_VERSION, TOP_KIND, TOP_METADATA, TOP_SPEC, TOP_COUNT };
static const char *const top_keys[] = {"apiVersion", "kind", "metadata",
                                       "spec"};

const char *object_kind(struct ydoc *d)
{
    yaml_node_t *root = ydoc_root(d);
    if (root->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
         p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *key = ydoc_node(d, p->key);
        yaml_node_t *value = ydoc_node(d, p->value);
        if (key->type == YAML_SCALAR_NODE && value->type == YAML_SCALAR_NODE &&
            strcmp((const char *)key->data.scalar.value, "kind") == 0) {
            return (const char *)value->data.scalar.value;
        }
    }
    return NULL;
}

static void metadata_read(struct ydoc *d, yaml_node_t *metadata,
                          struct object *obj)
{
    static const char *const keys[] = {"name"};
    yaml_node_t *name;
    if (!ymap_fields(d, metadata, "metadata", keys, 1, &name)) {
        return;
    }
    if (name == NULL) {
        ymap_missing(d, metadata, "metadata.name");
        return;
    }
    obj->name = yname(d, name, "metadata.name");
    obj->name_loc = ydoc_loc(d, name, "metadata.name");
}

void object_read(struct ydoc *d, const char *kind, bool spec_required,
                 struct object *obj)
{
    yaml_node_t *root = ydoc_root(d);
    yaml_node_t *v[TOP_COUNT];
    *obj = (struct object){0};
    if (!ymap_fields(d, root, "", top_keys, TOP_COUNT, v)) {
        return;
    }
    for (int i = 0; i < TOP_COUNT; i++) {
        if (v[i] == NULL && (i != TOP_SPEC || spec_required)) {
            ymap_missing(d, root, top_keys[i]);
        }
    }
    const char *s;
    if (v[TOP_API_VERSION] != NULL &&
        (s = yscalar(d, v[TOP_API_VERSION], "apiVersion")) != NULL &&
        strcmp(s, OBJECT_API_VERSION) != 0) {
        diag_error(ydoc_loc(d, v[TOP_API_VERSION], "apiVersion"),
                   "expected %s, got %s", OBJECT_API_VERSION, ydoc_quote(s));
    }
    if (v[TOP_KIND] != NULL && (s = yscalar(d, v[TOP_KIND], "kind")) != NULL &&
        strcmp(s, kind) != 0) {
        diag_error(ydoc_loc(d, v[TOP_KIND], "kind"), "expected %s, got %s",
                   kind, ydoc_quote(s));
    }
    if (v[TOP_METADATA] != NULL) {
        metadata_read(d, v[TOP_METADATA], obj);
    }
    if (v[TOP_SPEC] != NULL && yexpect_map(d, v[TOP_SPEC], "spec")) {
        obj->spec = v[TOP_SPEC];
    }
}
