// Handle tables. Entries live in one heap array that starts at a few slots
// and doubles up to the table's maximum; a new handle takes the lowest free
// slot. Each slot has a generation that advances whenever a handle in it is
// closed or removed, and a handle value carries both, so a stale handle to a
// reused slot fails the generation check. Lookups check range, generation,
// type and rights in that order, in the one function every system call uses.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so a table is never changed concurrently.
#include "handle.h"

#include <stdbool.h>

#include <ftl/error.h>

#include "heap.h"
#include "lib/string.h"

#define HANDLE_TABLE_INITIAL 16 // slots in a new table

_Static_assert(FTL_HANDLES_MAX <= HANDLE_SLOTS_MAX, "a spawn may grant any slot");
_Static_assert(HANDLE_TABLE_MAX_DEFAULT <= HANDLE_SLOTS_MAX,
               "the default fits the slot bits");

static handle_t handle_make(unsigned slot, uint32_t generation)
{
    return (handle_t)(generation << HANDLE_SLOT_BITS | slot);
}

static uint32_t generation_next(uint32_t generation)
{
    return generation >= HANDLE_GENERATION_MAX ? 1 : generation + 1;
}

int handle_table_init(struct handle_table *t, unsigned max)
{
    if (max == 0 || max > HANDLE_SLOTS_MAX) {
        return FTL_ERR_INVALID_ARG;
    }
    unsigned capacity = max < HANDLE_TABLE_INITIAL ? max : HANDLE_TABLE_INITIAL;
    t->entries = heap_alloc(capacity * sizeof(struct handle_entry));
    if (t->entries == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    t->capacity = capacity;
    t->used = 0;
    t->max = max;
    t->free_from = 0;
    return 0;
}

void handle_table_destroy(struct handle_table *t)
{
    for (unsigned i = 0; i < t->capacity; i++) {
        struct object *o = t->entries[i].object;
        // Clear the slot first: a destroy function may look at this table.
        t->entries[i].object = NULL;
        if (o != NULL) {
            t->used--;
            object_put(o);
        }
    }
    heap_free(t->entries);
    t->entries = NULL;
    t->capacity = 0;
    t->free_from = 0;
}

// Doubles the array, up to max. The new slots are zeroed by heap_alloc.
static int table_grow(struct handle_table *t)
{
    unsigned capacity = t->capacity * 2 < t->max ? t->capacity * 2 : t->max;
    struct handle_entry *entries =
        heap_alloc(capacity * sizeof(struct handle_entry));
    if (entries == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    memcpy(entries, t->entries, t->capacity * sizeof(struct handle_entry));
    heap_free(t->entries);
    t->entries = entries;
    t->capacity = capacity;
    return 0;
}

// The lowest free slot, growing the table when all are taken.
static int table_free_slot(struct handle_table *t)
{
    if (t->used == t->capacity) {
        if (t->capacity == t->max) {
            return FTL_ERR_LIMIT;
        }
        int err = table_grow(t);
        if (err < 0) {
            return err;
        }
        return (int)t->used; // the first new slot
    }
    unsigned slot = t->free_from;
    while (t->entries[slot].object != NULL) {
        slot++;
    }
    return (int)slot;
}

handle_t handle_add(struct handle_table *t, struct object *o, uint32_t rights)
{
    int slot = table_free_slot(t);
    if (slot < 0) {
        return slot;
    }
    struct handle_entry *e = &t->entries[slot];
    if (e->generation == 0) {
        e->generation = 1;
    }
    e->object = o;
    e->rights = rights;
    t->used++;
    t->free_from = (unsigned)slot + 1; // the lowest free was this one
    object_get(o);
    return handle_make((unsigned)slot, e->generation);
}

// The open entry `h` names, else NULL.
static struct handle_entry *entry_of(const struct handle_table *t, handle_t h)
{
    if (h <= 0) {
        return NULL;
    }
    unsigned slot = (uint32_t)h & (HANDLE_SLOTS_MAX - 1);
    uint32_t generation = (uint32_t)h >> HANDLE_SLOT_BITS;
    if (slot >= t->capacity) {
        return NULL;
    }
    struct handle_entry *e = &t->entries[slot];
    if (e->object == NULL || e->generation != generation) {
        return NULL;
    }
    return e;
}

int handle_lookup(const struct handle_table *t, handle_t h,
                  enum object_type type, uint32_t rights, struct object **out)
{
    const struct handle_entry *e = entry_of(t, h);
    if (e == NULL || (type != OBJECT_NONE && e->object->type != type)) {
        return FTL_ERR_BAD_HANDLE;
    }
    if ((e->rights & rights) != rights) {
        return FTL_ERR_NOT_ALLOWED;
    }
    *out = e->object;
    return 0;
}

int handle_remove(struct handle_table *t, handle_t h, struct object **out,
                  uint32_t *rights_out)
{
    struct handle_entry *e = entry_of(t, h);
    if (e == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    *out = e->object;
    if (rights_out != NULL) {
        *rights_out = e->rights;
    }
    e->object = NULL;
    e->rights = 0;
    e->generation = generation_next(e->generation);
    t->used--;
    unsigned slot = (unsigned)(e - t->entries);
    if (slot < t->free_from) {
        t->free_from = slot;
    }
    return 0;
}

int handle_close(struct handle_table *t, handle_t h)
{
    struct object *o;
    int err = handle_remove(t, h, &o, NULL);
    if (err < 0) {
        return err;
    }
    object_put(o);
    return 0;
}

unsigned handle_count(const struct handle_table *t)
{
    return t->used;
}
