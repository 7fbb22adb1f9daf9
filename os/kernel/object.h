// The head every kernel object starts with: its type, a reference count and
// the function that frees it. Handles, messages in flight and kernel code
// each hold references; the object is destroyed when the last one is put.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so reference counts are plain integers.
#pragma once

#include <stdint.h>

enum object_type {
    OBJECT_NONE, // never an object's type; "any type" in handle_lookup
    OBJECT_PROCESS,
    OBJECT_THREAD,
    OBJECT_VMAREA,
    OBJECT_CHANNEL,
    OBJECT_SINK,
    OBJECT_TIMER,
    OBJECT_INTERRUPT,
    OBJECT_PCI_DEVICE,
    OBJECT_IOPORT,
    OBJECT_TYPE_COUNT,
};

// Embedded as the first member of each object (struct channel { struct
// object head; ... }), so a struct object * converts back to its container.
struct object {
    enum object_type type;
    uint32_t refcount;
    void (*destroy)(struct object *o);
};

// Sets up the head of a new object with one reference, the caller's.
// `type` is one of the real types (not OBJECT_NONE or OBJECT_TYPE_COUNT).
// `destroy` releases everything the object holds and frees its memory; it is
// called once, by the object_put that drops the last reference, and may be
// NULL for an object with nothing to free.
void object_init(struct object *o, enum object_type type,
                 void (*destroy)(struct object *o));

// Takes one more reference. Precondition: the caller already holds one.
void object_get(struct object *o);

// Drops one reference; the last one destroys the object, after which `o`
// must not be touched. Precondition: the caller holds the reference.
void object_put(struct object *o);

// "process", "channel", ...; "unknown" for anything else. Never NULL.
const char *object_type_name(enum object_type type);

// Objects of `type` initialized and not yet destroyed, for leak checks.
// 0 for an out-of-range type.
unsigned object_count(enum object_type type);
