// The key-value store: named byte strings in memory, growing as written.
// It knows nothing about messages; main.c serves it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define KV_KEY_MAX 128
#define KV_VALUE_MAX (8u * 1024 * 1024)

struct kv_entry;

// The entry for key, created empty if there is none. Returns NULL when out
// of memory. Entries live as long as the process.
struct kv_entry *kv_store_get(const char *key);

// Keys in the store.
size_t kv_store_count(void);

size_t kv_entry_size(const struct kv_entry *entry);

// Up to len bytes of the value from offset: sets *data and returns the
// count (0 at or past the end).
size_t kv_entry_read(const struct kv_entry *entry, uint64_t offset, size_t len,
                     const void **data);

// Writes len bytes at offset, growing the value (a gap reads as zeros).
// Returns 0, FTL_ERR_TOO_LARGE (past KV_VALUE_MAX) or FTL_ERR_NO_MEMORY.
int kv_entry_write(struct kv_entry *entry, uint64_t offset, const void *data,
                   size_t len);

// Cuts or zero-extends the value to size bytes; errors as kv_entry_write.
int kv_entry_resize(struct kv_entry *entry, uint64_t size);
