// Kernel object heads: reference counting and the per-type count of live
// objects that leak checks compare before and after.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so counts change without atomics.
#include "object.h"

#include <stdbool.h>
#include <stddef.h>

static unsigned live[OBJECT_TYPE_COUNT];

static const char *const type_names[OBJECT_TYPE_COUNT] = {
    [OBJECT_NONE] = "none",       [OBJECT_PROCESS] = "process",
    [OBJECT_THREAD] = "thread",   [OBJECT_VMAREA] = "vmarea",
    [OBJECT_CHANNEL] = "channel", [OBJECT_SINK] = "sink",
    [OBJECT_TIMER] = "timer",     [OBJECT_INTERRUPT] = "interrupt",
    [OBJECT_PCI_DEVICE] = "pci device", [OBJECT_IOPORT] = "ioport",
};

static bool type_is_valid(enum object_type type)
{
    return (unsigned)type < OBJECT_TYPE_COUNT;
}

void object_init(struct object *o, enum object_type type,
                 void (*destroy)(struct object *o))
{
    o->type = type;
    o->refcount = 1;
    o->destroy = destroy;
    if (type_is_valid(type)) {
        live[type]++;
    }
}

void object_get(struct object *o)
{
    o->refcount++;
}

// The last reference's half of object_put, out of line: object_put is
// inlined into the IPC path, where this would take room on the hot pages
// (hot.h) for what a round trip never runs.
__attribute__((noinline, cold)) static void object_release(struct object *o)
{
    if (type_is_valid(o->type)) {
        live[o->type]--;
    }
    if (o->destroy != NULL) {
        o->destroy(o);
    }
}

void object_put(struct object *o)
{
    if (--o->refcount == 0) {
        object_release(o);
    }
}

const char *object_type_name(enum object_type type)
{
    return type_is_valid(type) ? type_names[type] : "unknown";
}

unsigned object_count(enum object_type type)
{
    return type_is_valid(type) ? live[type] : 0;
}
