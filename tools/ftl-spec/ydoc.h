// A YAML file loaded with libyaml, and typed reads of its nodes that report
// every mismatch through diag.h at the node's own line and column. A read
// that fails returns false (or NULL) after reporting, so callers simply skip
// the value and go on checking the rest.
#pragma once

#include "diag.h"

#include <stdbool.h>
#include <stdint.h>
#include <yaml.h>

struct ydoc {
    const char *file; // as shown in messages
    yaml_document_t doc;
    struct ydoc *next;
};

// Loads one YAML document. Returns NULL after reporting a file that cannot
// be read, a syntax error or an empty file. Documents stay loaded until
// ydoc_free_all, so strings read from them stay valid.
struct ydoc *ydoc_load(const char *file);
void ydoc_free_all(void);

yaml_node_t *ydoc_root(struct ydoc *d);
yaml_node_t *ydoc_node(struct ydoc *d, int id);

// The position of node, with field as its path.
struct loc ydoc_loc(const struct ydoc *d, const yaml_node_t *node,
                    const char *field);

// A user's value in double quotes for a message, control characters
// escaped and long values cut.
const char *ydoc_quote(const char *value);

// Field paths: "parent.key" (just "key" at the top) and "parent[index]".
const char *field_key(const char *parent, const char *key);
const char *field_index(const char *parent, size_t index);

// A plain `~`, `null` or empty value: the field counts as not given.
bool ynode_is_null(const yaml_node_t *node);

// Reads the fields of a mapping: values[i] gets the value of keys[i], or
// NULL when absent or null. Unknown keys (with a suggestion) and keys given
// twice are reported. False if node is not a mapping.
bool ymap_fields(struct ydoc *d, yaml_node_t *node, const char *field,
                 const char *const *keys, size_t count, yaml_node_t **values);

// Reports that a required field of the mapping `map` is missing.
void ymap_missing(struct ydoc *d, yaml_node_t *map, const char *field);

// True if the key of pair `index` of a mapping repeats an earlier key
// (reported).
bool ymap_key_repeated(struct ydoc *d, yaml_node_t *map, size_t index,
                       const char *field);

// Checks the node type; reports "expected a list, got a string" and such.
bool yexpect_map(struct ydoc *d, yaml_node_t *node, const char *field);
bool yexpect_list(struct ydoc *d, yaml_node_t *node, const char *field);

// A scalar's text.
const char *yscalar(struct ydoc *d, yaml_node_t *node, const char *field);

// A scalar without control characters, at most max bytes.
const char *ytext(struct ydoc *d, yaml_node_t *node, const char *field,
                  size_t max);

// A decimal or 0x-hexadecimal number from 0 to max.
bool yuint(struct ydoc *d, yaml_node_t *node, const char *field, uint64_t max,
           uint64_t *out);

// A size: a number of bytes, or of KiB, MiB or GiB ("8MiB"); a multiple of
// 4 KiB from min to max bytes.
bool ysize(struct ydoc *d, yaml_node_t *node, const char *field, uint64_t min,
           uint64_t max, uint64_t *out);

// One of choices; *out gets its index.
bool yenum(struct ydoc *d, yaml_node_t *node, const char *field,
           const char *const *choices, size_t count, int *out);

// A service or system name: lowercase letters, digits, '_' and '-',
// starting with a letter, at most FTL_MANIFEST_NAME_MAX characters.
const char *yname(struct ydoc *d, yaml_node_t *node, const char *field);
