// Per-process handle tables: the only way user code names a kernel object.
// Each entry holds one reference to its object and the rights granted with
// it; a handle value is the entry's slot plus the slot's generation, so a
// handle outlives neither a close nor its slot's reuse.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so a table is never changed concurrently.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

#include "object.h"

typedef int32_t handle_t;

// Handle value: bits 0-15 the slot, bits 16-30 the slot's generation (1 to
// HANDLE_GENERATION_MAX, wrapping), bit 31 clear. Never 0 nor negative.
// 65,536 slots: a server of 10,000 connections holds a handle for each.
#define HANDLE_SLOT_BITS 16
#define HANDLE_SLOTS_MAX (1 << HANDLE_SLOT_BITS)
#define HANDLE_GENERATION_MAX ((1u << (31 - HANDLE_SLOT_BITS)) - 1)

#define HANDLE_TABLE_MAX_DEFAULT FTL_HANDLES_DEFAULT // entries per process

struct handle_entry {
    struct object *object; // NULL: free slot
    uint32_t rights;       // FTL_RIGHT_* bits
    uint32_t generation;   // of the slot; 0 until first used
};

struct handle_table {
    struct handle_entry *entries; // from heap_alloc
    unsigned capacity;            // entries allocated
    unsigned used;                // entries holding an object
    unsigned max;                 // capacity never grows past it
    // Every slot below it holds an object: the search for a free one
    // starts here, so that filling a table of n handles reads each entry
    // once, not n times (tcpip holds one per connection, thousands).
    unsigned free_from;
};

// Sets up an empty table that may hold up to `max` handles (1 to
// HANDLE_SLOTS_MAX). It starts small and doubles as needed. Returns 0,
// FTL_ERR_INVALID_ARG for a bad max or FTL_ERR_NO_MEMORY.
int handle_table_init(struct handle_table *t, unsigned max);

// Closes every handle (object_put on each object) and frees the table.
// The table may be initialized again afterwards.
void handle_table_destroy(struct handle_table *t);

// Adds a handle to `o` with `rights`, taking a reference of its own
// (object_get); the caller keeps its own. Returns the new handle (> 0),
// FTL_ERR_LIMIT when the table holds `max` handles, or FTL_ERR_NO_MEMORY
// when it could not grow.
handle_t handle_add(struct handle_table *t, struct object *o, uint32_t rights);

// Looks `h` up. Returns 0 and a borrowed pointer in *out (valid while the
// handle stays open, under the big lock). FTL_ERR_BAD_HANDLE when h is not
// an open handle of this table (h <= 0, out of range, free slot, stale
// generation) or its object is not of `type` (OBJECT_NONE matches any);
// FTL_ERR_NOT_ALLOWED when the handle lacks any of `rights`.
int handle_lookup(const struct handle_table *t, handle_t h,
                  enum object_type type, uint32_t rights, struct object **out);

// Removes `h` without dropping its reference: *out receives the object and
// the reference with it (e.g. to move the handle in a message), and
// *rights_out, unless NULL, its rights. Returns 0 or FTL_ERR_BAD_HANDLE.
int handle_remove(struct handle_table *t, handle_t h, struct object **out,
                  uint32_t *rights_out);

// Removes `h` and drops its reference. Returns 0 or FTL_ERR_BAD_HANDLE.
int handle_close(struct handle_table *t, handle_t h);

// Open handles in the table.
unsigned handle_count(const struct handle_table *t);
