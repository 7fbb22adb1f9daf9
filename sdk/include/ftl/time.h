// Time: the monotonic clock and sleeping.
#pragma once

#include <stdint.h>

// Nanoseconds since boot; never goes backwards.
uint64_t ftl_clock_ns(void);

// Blocks the calling thread for at least ns nanoseconds.
void ftl_sleep_ns(uint64_t ns);
