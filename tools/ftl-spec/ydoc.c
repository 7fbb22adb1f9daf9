// YAML documents and typed reads. libyaml's document API gives every node
// its start mark (0-based line and column); messages show them 1-based, as
// compilers do. Scalars are not resolved to types by libyaml, so numbers,
// sizes and nulls are recognised here from the plain text.
#include "ydoc.h"

#include "pool.h"

#include <ftl/manifest.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

static struct ydoc *docs;

struct ydoc *ydoc_load(const char *file)
{
    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        diag_file(file, "cannot read %s: %s", file, strerror(errno));
        return NULL;
    }
    struct ydoc *d = pool_alloc(sizeof(*d));
    d->file = file;
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int loaded = yaml_parser_load(&parser, &d->doc);
    if (!loaded) {
        struct loc loc = {file, (unsigned)parser.problem_mark.line + 1,
                          (unsigned)parser.problem_mark.column + 1, "yaml"};
        diag_error(loc, "%s%s%s", parser.problem ? parser.problem : "error",
                   parser.context ? " " : "",
                   parser.context ? parser.context : "");
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (!loaded) {
        return NULL;
    }
    d->next = docs;
    docs = d;
    if (ydoc_root(d) == NULL) {
        diag_error((struct loc){file, 1, 1, "yaml"}, "the file is empty");
        return NULL;
    }
    return d;
}

void ydoc_free_all(void)
{
    for (struct ydoc *d = docs; d != NULL; d = d->next) {
        yaml_document_delete(&d->doc);
    }
    docs = NULL;
}

yaml_node_t *ydoc_root(struct ydoc *d)
{
    return yaml_document_get_root_node(&d->doc);
}

yaml_node_t *ydoc_node(struct ydoc *d, int id)
{
    return yaml_document_get_node(&d->doc, id);
}

struct loc ydoc_loc(const struct ydoc *d, const yaml_node_t *node,
                    const char *field)
{
    return (struct loc){d->file, (unsigned)node->start_mark.line + 1,
                        (unsigned)node->start_mark.column + 1, field};
}

const char *field_key(const char *parent, const char *key)
{
    if (parent[0] == '\0') {
        return key;
    }
    return pool_printf("%s.%s", parent, key);
}

const char *field_index(const char *parent, size_t index)
{
    return pool_printf("%s[%zu]", parent, index);
}

// A user's value quoted for a message: control characters escaped, long
// values cut, so one bad value cannot garble the error list.
const char *ydoc_quote(const char *value)
{
    char *out = pool_alloc(4 * 40 + 8);
    char *p = out;
    *p++ = '"';
    size_t i;
    for (i = 0; value[i] != '\0' && i < 40; i++) {
        unsigned char c = (unsigned char)value[i];
        if (c < 0x20 || c == 0x7f) {
            p += sprintf(p, "\\x%02x", c);
        } else {
            *p++ = (char)c;
        }
    }
    if (value[i] != '\0') {
        p += sprintf(p, "...");
    }
    *p++ = '"';
    *p = '\0';
    return out;
}

static const char *scalar_text(const yaml_node_t *node)
{
    return (const char *)node->data.scalar.value;
}

static bool is_plain(const yaml_node_t *node)
{
    return node->type == YAML_SCALAR_NODE &&
           node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool ynode_is_null(const yaml_node_t *node)
{
    if (!is_plain(node)) {
        return false;
    }
    const char *s = scalar_text(node);
    return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
           strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

// Parses all of s as a decimal or 0x-hexadecimal number up to max.
static bool number_parse(const char *s, uint64_t max, uint64_t *out)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (*s == '\0') {
        return false;
    }
    uint64_t value = 0;
    for (; *s != '\0'; s++) {
        const char *digits = "0123456789abcdef0123456789ABCDEF";
        const char *d = strchr(digits, *s);
        if (d == NULL) {
            return false;
        }
        uint64_t digit = (uint64_t)(d - digits) % 16;
        if (digit >= base || value > (max - digit) / base) {
            return false;
        }
        value = value * base + digit;
    }
    *out = value;
    return true;
}

// "a list", "a number"...: what the user wrote, for type mismatches.
static const char *node_kind(const yaml_node_t *node)
{
    uint64_t ignored;
    switch (node->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_SCALAR_NODE:
        if (ynode_is_null(node)) {
            return "null";
        }
        if (is_plain(node) &&
            number_parse(scalar_text(node), UINT64_MAX, &ignored)) {
            return "a number";
        }
        return "a string";
    case YAML_NO_NODE:
        break;
    }
    return "nothing";
}

static bool expect(struct ydoc *d, yaml_node_t *node, const char *field,
                   yaml_node_type_t type, const char *what)
{
    if (node->type == type) {
        return true;
    }
    diag_error(ydoc_loc(d, node, field), "expected %s, got %s", what,
               node_kind(node));
    return false;
}

bool yexpect_map(struct ydoc *d, yaml_node_t *node, const char *field)
{
    return expect(d, node, field, YAML_MAPPING_NODE, "a mapping");
}

bool yexpect_list(struct ydoc *d, yaml_node_t *node, const char *field)
{
    return expect(d, node, field, YAML_SEQUENCE_NODE, "a list");
}

const char *yscalar(struct ydoc *d, yaml_node_t *node, const char *field)
{
    if (!expect(d, node, field, YAML_SCALAR_NODE, "a string")) {
        return NULL;
    }
    return scalar_text(node);
}

bool ymap_key_repeated(struct ydoc *d, yaml_node_t *map, size_t index,
                       const char *field)
{
    yaml_node_pair_t *pairs = map->data.mapping.pairs.start;
    yaml_node_t *key = ydoc_node(d, pairs[index].key);
    if (key->type != YAML_SCALAR_NODE) {
        diag_error(ydoc_loc(d, key, field), "expected a string key, got %s",
                   node_kind(key));
        return true;
    }
    for (size_t i = 0; i < index; i++) {
        yaml_node_t *earlier = ydoc_node(d, pairs[i].key);
        if (earlier->type == YAML_SCALAR_NODE &&
            strcmp(scalar_text(earlier), scalar_text(key)) == 0) {
            diag_error(ydoc_loc(d, key, field_key(field, scalar_text(key))),
                       "given twice (first on line %u)",
                       (unsigned)earlier->start_mark.line + 1);
            return true;
        }
    }
    return false;
}

bool ymap_fields(struct ydoc *d, yaml_node_t *node, const char *field,
                 const char *const *keys, size_t count, yaml_node_t **values)
{
    for (size_t i = 0; i < count; i++) {
        values[i] = NULL;
    }
    if (!yexpect_map(d, node, field)) {
        return false;
    }
    yaml_node_pair_t *pairs = node->data.mapping.pairs.start;
    size_t n = (size_t)(node->data.mapping.pairs.top - pairs);
    for (size_t p = 0; p < n; p++) {
        if (ymap_key_repeated(d, node, p, field)) {
            continue;
        }
        yaml_node_t *key = ydoc_node(d, pairs[p].key);
        const char *name = scalar_text(key);
        size_t i = 0;
        while (i < count && strcmp(keys[i], name) != 0) {
            i++;
        }
        if (i == count) {
            const char *guess = diag_suggest(name, keys, count);
            diag_error(ydoc_loc(d, key, field_key(field, name)),
                       "unknown field%s%s%s", guess ? " (did you mean " : "",
                       guess ? guess : "", guess ? "?)" : "");
            continue;
        }
        yaml_node_t *value = ydoc_node(d, pairs[p].value);
        values[i] = ynode_is_null(value) ? NULL : value;
    }
    return true;
}

void ymap_missing(struct ydoc *d, yaml_node_t *map, const char *field)
{
    diag_error(ydoc_loc(d, map, field), "required field is missing");
}

const char *ytext(struct ydoc *d, yaml_node_t *node, const char *field,
                  size_t max)
{
    const char *s = yscalar(d, node, field);
    if (s == NULL) {
        return NULL;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            diag_error(ydoc_loc(d, node, field),
                       "control characters such as newlines are not "
                       "allowed: %s",
                       ydoc_quote(s));
            return NULL;
        }
    }
    if (strlen(s) > max) {
        diag_error(ydoc_loc(d, node, field), "longer than %zu bytes: %s", max,
                   ydoc_quote(s));
        return NULL;
    }
    return s;
}

bool yuint(struct ydoc *d, yaml_node_t *node, const char *field, uint64_t max,
           uint64_t *out)
{
    const char *s = yscalar(d, node, field);
    if (s == NULL) {
        return false;
    }
    if (!is_plain(node) || !number_parse(s, max, out)) {
        diag_error(ydoc_loc(d, node, field),
                   "expected a number from 0 to %llu (0x%llx), got %s",
                   (unsigned long long)max, (unsigned long long)max,
                   ydoc_quote(s));
        return false;
    }
    return true;
}

// "8MiB" -> 8388608; false if malformed. Sizes past UINT64_MAX give
// UINT64_MAX, which is over every limit.
static bool size_parse(const char *s, uint64_t *out)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = {{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"", 0}};
    size_t digits = strspn(s, "0123456789");
    if (digits == 0) {
        return false;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(s + digits, units[i].suffix) != 0) {
            continue;
        }
        uint64_t n = 0, max = UINT64_MAX >> units[i].shift;
        bool over = false;
        for (size_t k = 0; k < digits && !over; k++) {
            unsigned digit = (unsigned)(s[k] - '0');
            over = n > (max - digit) / 10;
            n = n * 10 + digit;
        }
        *out = over ? UINT64_MAX : n << units[i].shift;
        return true;
    }
    return false;
}

// 8388608 -> "8MiB", for limits in messages.
static const char *size_text(uint64_t bytes)
{
    if (bytes >= (1u << 30) && bytes % (1u << 30) == 0) {
        return pool_printf("%lluGiB", (unsigned long long)(bytes >> 30));
    }
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) {
        return pool_printf("%lluMiB", (unsigned long long)(bytes >> 20));
    }
    return pool_printf("%lluKiB", (unsigned long long)(bytes >> 10));
}

bool ysize(struct ydoc *d, yaml_node_t *node, const char *field, uint64_t min,
           uint64_t max, uint64_t *out)
{
    const char *s = yscalar(d, node, field);
    if (s == NULL) {
        return false;
    }
    uint64_t bytes;
    if (!size_parse(s, &bytes)) {
        diag_error(ydoc_loc(d, node, field),
                   "bad size %s: expected a whole number with KiB, MiB or "
                   "GiB, such as 8MiB",
                   ydoc_quote(s));
        return false;
    }
    if (bytes < min || bytes > max) {
        diag_error(ydoc_loc(d, node, field),
                   "bad size %s: must be from %s to %s", ydoc_quote(s),
                   size_text(min), size_text(max));
        return false;
    }
    if (bytes % 4096 != 0) {
        diag_error(ydoc_loc(d, node, field),
                   "bad size %s: not a multiple of 4KiB", ydoc_quote(s));
        return false;
    }
    *out = bytes;
    return true;
}

bool yenum(struct ydoc *d, yaml_node_t *node, const char *field,
           const char *const *choices, size_t count, int *out)
{
    const char *s = yscalar(d, node, field);
    if (s == NULL) {
        return false;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(s, choices[i]) == 0) {
            *out = (int)i;
            return true;
        }
    }
    char list[256] = "";
    for (size_t i = 0; i < count; i++) {
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                 i == 0           ? ""
                 : i + 1 == count ? " or "
                                  : ", ",
                 choices[i]);
    }
    diag_error(ydoc_loc(d, node, field), "%s is not one of %s", ydoc_quote(s),
               list);
    return false;
}

const char *yname(struct ydoc *d, yaml_node_t *node, const char *field)
{
    const char *s = yscalar(d, node, field);
    if (s == NULL) {
        return NULL;
    }
    size_t len = strlen(s);
    bool ok = len > 0 && len <= FTL_MANIFEST_NAME_MAX && s[0] >= 'a' &&
              s[0] <= 'z' &&
              strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == len;
    if (!ok) {
        diag_error(ydoc_loc(d, node, field),
                   "bad name %s: use lowercase letters, digits, '_' and '-', "
                   "starting with a letter, at most %d characters",
                   ydoc_quote(s), FTL_MANIFEST_NAME_MAX);
        return NULL;
    }
    return s;
}
