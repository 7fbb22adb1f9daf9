// The key-value store (see store.h): a list of entries, each value one
// malloc'd buffer. A list is plenty for the hundreds of keys an example
// holds; a hash table would go here, behind the same functions.
#include "store.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

struct kv_entry {
    struct kv_entry *next;
    uint8_t *value;
    size_t size;
    char key[];
};

static struct kv_entry *entries;
static size_t entry_count;

struct kv_entry *kv_store_get(const char *key)
{
    for (struct kv_entry *e = entries; e != NULL; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            return e;
        }
    }
    size_t len = strlen(key);
    struct kv_entry *e = calloc(1, sizeof(*e) + len + 1);
    if (e == NULL) {
        return NULL;
    }
    memcpy(e->key, key, len + 1);
    e->next = entries;
    entries = e;
    entry_count++;
    return e;
}

size_t kv_store_count(void)
{
    return entry_count;
}

size_t kv_entry_size(const struct kv_entry *entry)
{
    return entry->size;
}

size_t kv_entry_read(const struct kv_entry *entry, uint64_t offset, size_t len,
                     const void **data)
{
    if (offset >= entry->size) {
        *data = entry->value;
        return 0;
    }
    *data = entry->value + offset;
    return len < entry->size - offset ? len : entry->size - offset;
}

int kv_entry_resize(struct kv_entry *entry, uint64_t size)
{
    if (size > KV_VALUE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    uint8_t *value = realloc(entry->value, size > 0 ? size : 1);
    if (value == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    if (size > entry->size) {
        memset(value + entry->size, 0, size - entry->size);
    }
    entry->value = value;
    entry->size = size;
    return 0;
}

int kv_entry_write(struct kv_entry *entry, uint64_t offset, const void *data,
                   size_t len)
{
    if (offset > KV_VALUE_MAX || len > KV_VALUE_MAX - offset) {
        return FTL_ERR_TOO_LARGE;
    }
    if (offset + len > entry->size) {
        int err = kv_entry_resize(entry, offset + len);
        if (err < 0) {
            return err;
        }
    }
    memcpy(entry->value + offset, data, len);
    return 0;
}
