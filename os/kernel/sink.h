// Sinks (see sdk/include/ftl/sink.h). A sink has a list of watches, one per
// watched object, and a FIFO of the watches that may have an event; waiting
// takes the first, asks its object for the event and, if the object is
// still ready (a channel with more messages), puts it back at the end: that
// is the round-robin that keeps handles fair.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/sink.h>

#include "object.h"
#include "waitable.h"

#define SINK_WATCH_MAX FTL_SINK_WATCH_MAX

struct thread;

struct watch {
    struct sink *sink;
    struct object *object; // not a reference: the object detaches us
    struct waitable *waitable;
    int32_t handle; // reported in events
    uint64_t cookie;
    bool ready;              // on the sink's ready list
    struct watch *sink_next; // all watches of the sink
    struct watch *ready_next;
    struct watch *object_next; // all watches of the object
};

struct sink {
    struct object object;
    struct watch *watches;
    unsigned watch_count;
    struct watch *ready_head, *ready_tail;
    struct thread *waiters;
};

struct sink *sink_create(void);

// Watches object (through its waitable). FTL_ERR_ALREADY_EXISTS,
// FTL_ERR_LIMIT, FTL_ERR_NO_MEMORY.
int sink_add(struct sink *sink, struct object *object,
             struct waitable *waitable, int32_t handle, uint64_t cookie);

// FTL_ERR_NOT_FOUND if object is not watched.
int sink_remove(struct sink *sink, struct object *object);

// Blocks until an event or deadline_ns (0: forever; UINT64_MAX: do not
// block). Fills *event. Returns 0 or FTL_ERR_TIMED_OUT.
int sink_wait(struct sink *sink, struct ftl_event *event, uint64_t deadline_ns);

// The waitable of an object a sink can watch, or NULL.
struct waitable *sink_waitable_of(struct object *object);
