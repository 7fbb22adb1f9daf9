// What the in-OS benchmarks share: the cycle counter and medians.
#pragma once

#include <stdint.h>
#include <stdlib.h>

// The time-stamp counter. Under QEMU's instruction counting (-icount shift=0,
// as bench/kernel_bench.py's counting boots run) it is QEMU's virtual clock,
// one tick per guest instruction: the same benchmark then counts
// instructions.
static inline uint64_t bench_cycles(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline int bench_compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

// Sorts values and returns the middle one.
static inline uint64_t bench_median(uint64_t *values, int count)
{
    qsort(values, (size_t)count, sizeof(*values), bench_compare);
    return values[count / 2];
}
