// The floating-point work fpu_worker does, shared with os_test, which
// computes the expected result while it runs alone.
#pragma once

#include <stdint.h>

#define FPU_WORK_STEPS 3000000

// A chain of dependent double operations kept in SSE registers: if any
// preemption lost or mixed up register state, the result differs.
static inline uint64_t fpu_work(double seed)
{
    double x = seed, y = seed * 0.5;
    for (int i = 0; i < FPU_WORK_STEPS; i++) {
        x = x * 0.999999 + y;
        y = y * 0.999998 + 0.25;
    }
    union {
        double d;
        uint64_t bits;
    } result = {.d = x + y};
    return result.bits;
}
