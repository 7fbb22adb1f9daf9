// The event loop (see ftl/loop.h): one sink for every watched handle, and
// timers kept in user memory on a deadline-sorted list that sets the sink
// wait's time-out, so timers cost no kernel objects.
//
// Removal during dispatch is safe because one event is fetched per wait
// and removing a handle takes it out of the sink at once: no event of it
// can be in hand afterwards. The sink cookie still names both a slot of
// the watch table and the slot's generation, bumped when the slot is
// freed, so that a stale event would be dropped rather than reach the
// slot's next user (which matters once events are fetched in batches).
// Nothing keeps a pointer into the table across a callback, which may grow
// it.
#include <ftl/loop.h>

#include <stdbool.h>
#include <stdlib.h>

#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "hot.h"

struct watch {
    ftl_handle_t handle;
    uint32_t generation;
    ftl_loop_handle_fn fn; // NULL: a free slot
    void *arg;
};

struct ftl_loop {
    ftl_handle_t sink;
    struct watch *watches;
    uint32_t slots;               // entries of watches in use or freed
    uint32_t capacity;            // entries allocated
    uint32_t watched;             // slots with a callback
    struct ftl_loop_timer timers; // sentinel of the armed timers
    bool stopped;
    int status;
    ftl_loop_idle_fn idle; // ftl_loop_idle: NULL when there is none
    void *idle_arg;
};

static uint64_t cookie_of(uint32_t slot, uint32_t generation)
{
    return (uint64_t)generation << 32 | slot;
}

static void timer_list_init(struct ftl_loop_timer *sentinel)
{
    sentinel->next = sentinel->prev = sentinel;
}

static bool timer_list_is_empty(const struct ftl_loop_timer *sentinel)
{
    return sentinel->next == sentinel;
}

static void timer_unlink(struct ftl_loop_timer *timer)
{
    timer->prev->next = timer->next;
    timer->next->prev = timer->prev;
    timer->next = timer->prev = NULL;
}

// Inserts timer after the last timer due no later than it, so timers with
// the same deadline run in the order they were armed.
static void timer_insert(struct ftl_loop *loop, struct ftl_loop_timer *timer)
{
    struct ftl_loop_timer *at = loop->timers.prev;
    while (at != &loop->timers && at->deadline_ns > timer->deadline_ns) {
        at = at->prev;
    }
    timer->prev = at;
    timer->next = at->next;
    at->next->prev = timer;
    at->next = timer;
}

struct ftl_loop *ftl_loop_create(void)
{
    struct ftl_loop *loop = calloc(1, sizeof(*loop));
    if (loop == NULL) {
        return NULL;
    }
    loop->sink = ftl_sink_create();
    if (loop->sink < 0) {
        free(loop);
        return NULL;
    }
    timer_list_init(&loop->timers);
    return loop;
}

void ftl_loop_destroy(struct ftl_loop *loop)
{
    while (!timer_list_is_empty(&loop->timers)) {
        timer_unlink(loop->timers.next);
    }
    ftl_handle_close(loop->sink);
    free(loop->watches);
    free(loop);
}

static int watch_slot_alloc(struct ftl_loop *loop, uint32_t *slot)
{
    for (uint32_t i = 0; i < loop->slots; i++) {
        if (loop->watches[i].fn == NULL) {
            *slot = i;
            return 0;
        }
    }
    if (loop->slots == loop->capacity) {
        uint32_t capacity = loop->capacity == 0 ? 16 : loop->capacity * 2;
        struct watch *grown = realloc(loop->watches, capacity * sizeof(*grown));
        if (grown == NULL) {
            return FTL_ERR_NO_MEMORY;
        }
        loop->watches = grown;
        loop->capacity = capacity;
    }
    *slot = loop->slots++;
    loop->watches[*slot].generation = 0;
    return 0;
}

static int watch_find(const struct ftl_loop *loop, ftl_handle_t handle)
{
    for (uint32_t i = 0; i < loop->slots; i++) {
        if (loop->watches[i].fn != NULL && loop->watches[i].handle == handle) {
            return (int)i;
        }
    }
    return FTL_ERR_NOT_FOUND;
}

int ftl_loop_add(struct ftl_loop *loop, ftl_handle_t handle,
                 ftl_loop_handle_fn fn, void *arg)
{
    if (watch_find(loop, handle) >= 0) {
        return FTL_ERR_ALREADY_EXISTS;
    }
    uint32_t slot;
    int err = watch_slot_alloc(loop, &slot);
    if (err < 0) {
        return err;
    }
    struct watch *w = &loop->watches[slot];
    err = ftl_sink_add(loop->sink, handle, cookie_of(slot, w->generation));
    if (err < 0) {
        return err; // the slot stays free (fn is NULL)
    }
    w->handle = handle;
    w->fn = fn;
    w->arg = arg;
    loop->watched++;
    return 0;
}

int ftl_loop_remove(struct ftl_loop *loop, ftl_handle_t handle)
{
    int slot = watch_find(loop, handle);
    if (slot < 0) {
        return slot;
    }
    // Fails only if the handle was closed already, which took it out of
    // the sink too.
    ftl_sink_remove(loop->sink, handle);
    struct watch *w = &loop->watches[slot];
    w->fn = NULL;
    w->generation++;
    loop->watched--;
    return 0;
}

void ftl_loop_timer_start(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                          uint64_t delay_ns, uint64_t period_ns,
                          ftl_loop_timer_fn fn, void *arg)
{
    ftl_loop_timer_cancel(loop, timer);
    timer->deadline_ns = ftl_clock_ns() + delay_ns;
    timer->period_ns = period_ns;
    timer->fn = fn;
    timer->arg = arg;
    timer_insert(loop, timer);
}

void ftl_loop_timer_cancel(struct ftl_loop *loop, struct ftl_loop_timer *timer)
{
    (void)loop;
    if (ftl_loop_timer_is_armed(timer)) {
        timer_unlink(timer);
    }
}

int ftl_loop_timer_is_armed(const struct ftl_loop_timer *timer)
{
    return timer->next != NULL;
}

void ftl_loop_stop(struct ftl_loop *loop, int status)
{
    loop->stopped = true;
    loop->status = status;
}

FTL_HOT static void dispatch_event(struct ftl_loop *loop,
                                   const struct ftl_event *event)
{
    uint32_t slot = (uint32_t)event->cookie;
    uint32_t generation = (uint32_t)(event->cookie >> 32);
    if (slot >= loop->slots) {
        return;
    }
    struct watch *w = &loop->watches[slot];
    if (w->fn == NULL || w->generation != generation) {
        return; // a handle removed since (see the top of the file)
    }
    w->fn(loop, event, w->arg);
}

// Runs the timers due now. They move to a list of their own first, so that
// one re-armed by a callback waits for the next turn; cancelling one still
// on that list unlinks it from there.
static void run_due_timers(struct ftl_loop *loop)
{
    uint64_t now = ftl_clock_ns();
    struct ftl_loop_timer due;
    timer_list_init(&due);
    while (!timer_list_is_empty(&loop->timers) &&
           loop->timers.next->deadline_ns <= now) {
        struct ftl_loop_timer *timer = loop->timers.next;
        timer_unlink(timer);
        timer->prev = due.prev;
        timer->next = &due;
        due.prev->next = timer;
        due.prev = timer;
    }
    while (!timer_list_is_empty(&due)) {
        struct ftl_loop_timer *timer = due.next;
        timer_unlink(timer);
        if (loop->stopped) {
            timer_insert(loop, timer); // keeps it for the next run
            continue;
        }
        if (timer->period_ns != 0) {
            // Missed periods are skipped rather than run in a burst.
            timer->deadline_ns += timer->period_ns;
            if (timer->deadline_ns <= now) {
                timer->deadline_ns = now + timer->period_ns;
            }
            timer_insert(loop, timer);
        }
        timer->fn(loop, timer, timer->arg);
    }
}

FTL_HOT static uint64_t wait_timeout(const struct ftl_loop *loop)
{
    if (timer_list_is_empty(&loop->timers)) {
        return FTL_WAIT_FOREVER;
    }
    uint64_t now = ftl_clock_ns();
    uint64_t deadline = loop->timers.next->deadline_ns;
    return deadline > now ? deadline - now : 0;
}

void ftl_loop_idle(struct ftl_loop *loop, ftl_loop_idle_fn fn, void *arg)
{
    loop->idle = fn;
    loop->idle_arg = arg;
}

FTL_HOT int ftl_loop_run(struct ftl_loop *loop)
{
    loop->stopped = false;
    loop->status = 0;
    while (!loop->stopped) {
        if (loop->watched == 0 && timer_list_is_empty(&loop->timers) &&
            loop->idle == NULL) {
            return 0; // nothing could ever happen
        }
        struct ftl_event event;
        // With idle work, only look: the work runs when nothing waits.
        int err = ftl_sink_wait(loop->sink, &event,
                                loop->idle != NULL ? 0 : wait_timeout(loop));
        if (err == 0) {
            dispatch_event(loop, &event);
        } else if (err != FTL_ERR_TIMED_OUT) {
            return err;
        } else if (loop->idle != NULL) {
            loop->idle(loop, loop->idle_arg);
        }
        if (!loop->stopped && !timer_list_is_empty(&loop->timers)) {
            run_due_timers(loop);
        }
    }
    return loop->status;
}
