// Time: a monotonic clock in nanoseconds since boot and one deadline
// interrupt (TRAP_TIMER) that the scheduler arms.
#pragma once

#include <stdint.h>

// Calibrates the cycle counter and the timer. Once, at boot, after the APIC.
void clock_init(void);

// Nanoseconds since clock_init(). Never goes backwards.
uint64_t clock_now_ns(void);

// Raises the timer interrupt once, at or soon after deadline_ns (now if it
// has passed). Replaces any earlier deadline; 0 cancels.
void clock_arm(uint64_t deadline_ns);

// Cycle-counter frequency, for benchmark output.
uint64_t clock_cycles_per_second(void);
