// Timer objects: a deadline on the monotonic clock, optionally periodic,
// delivered to sinks as FTL_EVENT_TIMER with the number of expirations.
// The scheduler arms the hardware timer for the earliest of its own
// deadlines and timer_next_deadline().
#pragma once

#include <stdint.h>

#include "object.h"
#include "waitable.h"

struct timer {
    struct object object;
    uint64_t deadline; // 0: not armed
    uint64_t period;   // 0: one-shot
    uint64_t expirations;
    struct timer *next; // armed timers, by deadline
    struct waitable waitable;
};

struct timer *timer_create(void);

// Arms (deadline > 0) or cancels (deadline 0) the timer. A period, if not
// 0, is at least FTL_TIMER_PERIOD_MIN (the caller checks).
void timer_set(struct timer *t, uint64_t deadline_ns, uint64_t period_ns);

// Returns and clears the expirations counted so far.
uint64_t timer_take_expirations(struct timer *t);

// The earliest armed deadline, or 0.
uint64_t timer_next_deadline(void);

// Counts the expirations of every timer due at `now` and notifies sinks.
void timer_fire_expired(uint64_t now);
