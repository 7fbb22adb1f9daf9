// Sinks: wait for events on many handles at once, completion style (like
// epoll). A sink watches channels (a message is waiting, the peer closed),
// timers (expired) and interrupts (raised). Events are level-triggered for
// channels (reported while a message waits) and counted for timers and
// interrupts; handles are served round-robin, so one busy channel cannot
// starve the others.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/message.h>

enum ftl_event_kind {
    FTL_EVENT_MESSAGE = 1,     // msg describes the first waiting message
    FTL_EVENT_PEER_CLOSED = 2, // the channel's other end is gone
    FTL_EVENT_TIMER = 3,       // count: expirations since the last event
    FTL_EVENT_INTERRUPT = 4,   // count: interrupts since the last event
};

struct ftl_event {
    uint32_t kind;
    ftl_handle_t handle; // the watched handle
    uint64_t cookie;     // what was given to ftl_sink_add
    uint64_t count;
    struct ftl_msg msg; // FTL_EVENT_MESSAGE: the message's header (its
                        // handle field is 1 if a handle travels with it)
};

// Most handles one sink watches: as many as a process may hold (a server's
// loop watches a channel per connection).
#define FTL_SINK_WATCH_MAX FTL_HANDLES_MAX

ftl_handle_t ftl_sink_create(void);

// Watches handle (a channel, timer or interrupt) and reports its events with
// cookie. FTL_ERR_ALREADY_EXISTS if it is watched already.
int ftl_sink_add(ftl_handle_t sink, ftl_handle_t handle, uint64_t cookie);

int ftl_sink_remove(ftl_handle_t sink, ftl_handle_t handle);

// Waits up to timeout_ns (FTL_WAIT_FOREVER: no limit; 0: just look) for one
// event. Returns 0 or FTL_ERR_TIMED_OUT.
int ftl_sink_wait(ftl_handle_t sink, struct ftl_event *event,
                  uint64_t timeout_ns);

// Timers: one-shot at deadline_ns (clock nanoseconds), then every period_ns
// if it is not 0. Setting again replaces; deadline 0 cancels. A period under
// FTL_TIMER_PERIOD_MIN is FTL_ERR_INVALID_ARG: each period is an interrupt,
// and a 1 ns period would keep the CPU in the timer handler.
#define FTL_TIMER_PERIOD_MIN 100000ULL // ns: 10,000 expirations a second
ftl_handle_t ftl_timer_create(void);
int ftl_timer_set(ftl_handle_t timer, uint64_t deadline_ns, uint64_t period_ns);
