// The event loop: one sink underneath, a callback per watched handle and
// per timer, run until stopped. Completion based: the loop tells you that
// something happened on a handle (a message waits, the peer closed, a
// kernel timer fired) and you act on it in the callback; state machines are
// written explicitly, with no coroutines.
//
//   struct ftl_loop *loop = ftl_loop_create();
//   ftl_loop_add(loop, channel, on_channel, state);
//   ftl_loop_timer_start(loop, &tick, 100 * FTL_MS, 100 * FTL_MS, on_tick,
//                        state);
//   ftl_loop_run(loop);
//
// Callbacks may add and remove handles and start and cancel timers, their
// own included, at any time: a handle removed (or a timer cancelled) during
// dispatch never has its callback called afterwards. Nothing here is
// thread-safe: use a loop from one thread.
//
// The server and client helpers (server.h, client.h) watch their channels
// through a loop; most programs never call ftl_loop_add themselves.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/sink.h>

#define FTL_US 1000ULL
#define FTL_MS 1000000ULL
#define FTL_S 1000000000ULL

struct ftl_loop;

// Called for each event of a watched handle. For FTL_EVENT_MESSAGE the
// callback must take the message (ftl_channel_recv or ftl_channel_discard)
// or remove the handle: channel events are level-triggered, so a message
// left waiting is reported again at once. For FTL_EVENT_PEER_CLOSED it
// should remove the handle (and usually close it).
typedef void (*ftl_loop_handle_fn)(struct ftl_loop *loop,
                                   const struct ftl_event *event, void *arg);

// A timer. The caller owns the memory (embed it in your own state); the
// loop links it while it is armed. Zero-initialise it before first use;
// its fields are the loop's.
struct ftl_loop_timer;
typedef void (*ftl_loop_timer_fn)(struct ftl_loop *loop,
                                  struct ftl_loop_timer *timer, void *arg);
struct ftl_loop_timer {
    struct ftl_loop_timer *next, *prev; // in the loop's list while armed
    uint64_t deadline_ns;
    uint64_t period_ns;
    ftl_loop_timer_fn fn;
    void *arg;
};

// A new loop with its sink. Returns NULL when out of memory or handles.
struct ftl_loop *ftl_loop_create(void);

// Closes the sink and frees the loop. Watched handles are not closed and
// armed timers are forgotten. Not from inside ftl_loop_run.
void ftl_loop_destroy(struct ftl_loop *loop);

// Watches handle (a channel, kernel timer or interrupt): fn(loop, event,
// arg) runs for each of its events. Errors: FTL_ERR_ALREADY_EXISTS (watched
// already), FTL_ERR_NO_MEMORY, and those of ftl_sink_add (FTL_ERR_BAD_HANDLE,
// FTL_ERR_INVALID_ARG for a handle that cannot be watched).
int ftl_loop_add(struct ftl_loop *loop, ftl_handle_t handle,
                 ftl_loop_handle_fn fn, void *arg);

// Stops watching handle; its callback is not called again, even for an
// event already fetched. The handle stays open. FTL_ERR_NOT_FOUND if it
// was not watched.
int ftl_loop_remove(struct ftl_loop *loop, ftl_handle_t handle);

// Arms timer: fn(loop, timer, arg) runs once delay_ns from now, then every
// period_ns if that is not 0, until cancelled. Arming an armed timer
// re-arms it. A timer armed from a timer callback with delay 0 runs on the
// next turn of the loop, not in the same one, so it cannot starve handles.
void ftl_loop_timer_start(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                          uint64_t delay_ns, uint64_t period_ns,
                          ftl_loop_timer_fn fn, void *arg);

// Disarms timer; nothing happens if it is not armed. Its callback does not
// run again.
void ftl_loop_timer_cancel(struct ftl_loop *loop, struct ftl_loop_timer *timer);

// Whether timer is armed.
int ftl_loop_timer_is_armed(const struct ftl_loop_timer *timer);

// Work that gives way to events: while set, fn(loop, arg) runs whenever
// no event is waiting (one call per turn of the loop, so that events that
// came meanwhile run first), instead of the loop waiting. Set it while
// there is such work and clear it (fn NULL) when there is none; one per
// loop, a new one replaces the last. For costly steps that must not delay
// cheap answers: tls runs its handshakes' computations this way, so that
// established sessions and handshakes about to finish are served before
// the next ClientHello is worked on.
typedef void (*ftl_loop_idle_fn)(struct ftl_loop *loop, void *arg);
void ftl_loop_idle(struct ftl_loop *loop, ftl_loop_idle_fn fn, void *arg);

// Waits for events and runs their callbacks until ftl_loop_stop is called
// or nothing is left to wait for (no handle watched, no timer armed, no
// idle work).
// Returns the status given to ftl_loop_stop, 0 when it ran out of work, or
// an error of ftl_sink_wait.
int ftl_loop_run(struct ftl_loop *loop);

// Makes ftl_loop_run return `status` once the running callback returns.
void ftl_loop_stop(struct ftl_loop *loop, int status);
