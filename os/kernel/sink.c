// Sinks and the watch lists of waitable objects (see sink.h, waitable.h).
// Everything runs under the kernel's one lock (interrupts off), so checking
// for an event and blocking cannot race with a notification: no lost
// wake-ups.
#include "sink.h"

#include <ftl/error.h>

#include "channel.h"
#include "heap.h"
#include "hot.h"
#include "interrupt.h"
#include "sched.h"
#include "timer.h"

static void ready_push(struct sink *sink, struct watch *w)
{
    if (w->ready) {
        return;
    }
    w->ready = true;
    w->ready_next = NULL;
    if (sink->ready_tail != NULL) {
        sink->ready_tail->ready_next = w;
    } else {
        sink->ready_head = w;
    }
    sink->ready_tail = w;
}

static struct watch *ready_pop(struct sink *sink)
{
    struct watch *w = sink->ready_head;
    if (w != NULL) {
        sink->ready_head = w->ready_next;
        if (sink->ready_head == NULL) {
            sink->ready_tail = NULL;
        }
        w->ready = false;
    }
    return w;
}

static void ready_remove(struct sink *sink, struct watch *w)
{
    if (!w->ready) {
        return;
    }
    struct watch *prev = NULL;
    for (struct watch *c = sink->ready_head; c != NULL;
         prev = c, c = c->ready_next) {
        if (c == w) {
            if (prev != NULL) {
                prev->ready_next = c->ready_next;
            } else {
                sink->ready_head = c->ready_next;
            }
            if (sink->ready_tail == c) {
                sink->ready_tail = prev;
            }
            break;
        }
    }
    w->ready = false;
}

static void wake_waiters(struct sink *sink)
{
    while (sink->waiters != NULL) {
        sched_wake(sink->waiters, 0); // removes it from the list
    }
}

// Inlined into every caller (LTO does it across files): a send ends in it,
// and its return was one more jump-cache lookup per round trip's side
// under TCG.
KERNEL_HOT __attribute__((always_inline)) inline void
waitable_notify(struct waitable *waitable)
{
    for (struct watch *w = waitable->watches; w != NULL; w = w->object_next) {
        ready_push(w->sink, w);
        wake_waiters(w->sink);
    }
}

// Unlinks w from its object's list and its sink's lists, and frees it.
static void watch_free(struct watch *w)
{
    for (struct watch **link = &w->waitable->watches; *link != NULL;
         link = &(*link)->object_next) {
        if (*link == w) {
            *link = w->object_next;
            break;
        }
    }
    struct sink *sink = w->sink;
    ready_remove(sink, w);
    for (struct watch **link = &sink->watches; *link != NULL;
         link = &(*link)->sink_next) {
        if (*link == w) {
            *link = w->sink_next;
            break;
        }
    }
    sink->watch_count--;
    heap_free(w);
}

void waitable_detach_all(struct waitable *waitable)
{
    while (waitable->watches != NULL) {
        watch_free(waitable->watches);
    }
}

static void sink_destroy(struct object *object)
{
    struct sink *sink = (struct sink *)object;
    while (sink->watches != NULL) {
        watch_free(sink->watches);
    }
    heap_free(sink);
}

// A sink is allocated as large as a watch and a channel end, so that it
// comes from the heap's pages of their size class and a round trip's sink,
// watch and channel ends share pages (under QEMU each page touched after an
// address-space switch costs a TLB refill: one fewer a side this way).
#define SINK_ALLOC_SIZE sizeof(struct watch)
_Static_assert(sizeof(struct sink) <= sizeof(struct watch),
               "a sink fits the allocation of a watch");

struct sink *sink_create(void)
{
    struct sink *sink = heap_alloc(SINK_ALLOC_SIZE);
    if (sink != NULL) {
        object_init(&sink->object, OBJECT_SINK, sink_destroy);
    }
    return sink;
}

struct waitable *sink_waitable_of(struct object *object)
{
    switch (object->type) {
    case OBJECT_CHANNEL:
        return &((struct channel_end *)object)->waitable;
    case OBJECT_TIMER:
        return &((struct timer *)object)->waitable;
    case OBJECT_INTERRUPT:
        return &((struct interrupt *)object)->waitable;
    default:
        return NULL;
    }
}

int sink_add(struct sink *sink, struct object *object,
             struct waitable *waitable, int32_t handle, uint64_t cookie)
{
    for (struct watch *w = sink->watches; w != NULL; w = w->sink_next) {
        if (w->object == object) {
            return FTL_ERR_ALREADY_EXISTS;
        }
    }
    if (sink->watch_count >= SINK_WATCH_MAX) {
        return FTL_ERR_LIMIT;
    }
    struct watch *w = heap_alloc(sizeof(*w));
    if (w == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *w = (struct watch){.sink = sink,
                        .object = object,
                        .waitable = waitable,
                        .handle = handle,
                        .cookie = cookie};
    w->sink_next = sink->watches;
    sink->watches = w;
    sink->watch_count++;
    w->object_next = waitable->watches;
    waitable->watches = w;
    ready_push(sink, w); // it may have an event already
    return 0;
}

int sink_remove(struct sink *sink, struct object *object)
{
    for (struct watch *w = sink->watches; w != NULL; w = w->sink_next) {
        if (w->object == object) {
            watch_free(w);
            return 0;
        }
    }
    return FTL_ERR_NOT_FOUND;
}

// Asks the watched object for its event. Returns true and fills *event if
// there is one; sets *again if the object may have more.
static bool take_event(struct watch *w, struct ftl_event *event, bool *again)
{
    *again = false;
    event->handle = w->handle;
    event->cookie = w->cookie;
    switch (w->object->type) {
    case OBJECT_CHANNEL: {
        struct channel_end *end = (struct channel_end *)w->object;
        struct message *msg = channel_peek(end);
        if (msg != NULL) {
            event->kind = FTL_EVENT_MESSAGE;
            event->msg = msg->header;
            event->msg.handle = msg->moved != NULL;
            *again = true; // reported until it is taken
            return true;
        }
        if (end->peer == NULL) {
            event->kind = FTL_EVENT_PEER_CLOSED;
            return true; // once; the owner is expected to close
        }
        return false;
    }
    case OBJECT_TIMER:
        event->kind = FTL_EVENT_TIMER;
        event->count = timer_take_expirations((struct timer *)w->object);
        return event->count > 0;
    case OBJECT_INTERRUPT:
        event->kind = FTL_EVENT_INTERRUPT;
        event->count = interrupt_take_count((struct interrupt *)w->object);
        return event->count > 0;
    default:
        return false;
    }
}

KERNEL_HOT int sink_wait(struct sink *sink, struct ftl_event *event,
                         uint64_t deadline_ns)
{
    for (;;) {
        struct watch *w;
        while ((w = ready_pop(sink)) != NULL) {
            bool again;
            __builtin_memset(event, 0, sizeof(*event));
            if (take_event(w, event, &again)) {
                if (again) {
                    ready_push(sink, w); // behind the others: fairness
                }
                return 0;
            }
        }
        if (deadline_ns == UINT64_MAX) {
            return FTL_ERR_TIMED_OUT;
        }
        struct thread *current = sched_current();
        current->wait_next = sink->waiters;
        sink->waiters = current;
        current->wait_list = &sink->waiters;
        if (sched_block(deadline_ns) == FTL_ERR_TIMED_OUT) {
            return FTL_ERR_TIMED_OUT;
        }
    }
}
