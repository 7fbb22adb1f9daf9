// What the in-OS benchmarks share: the cycle counter and medians.
#pragma once

#include <stdint.h>
#include <stdlib.h>

#ifdef __wasm__
#include <ftl/wasm.h>
#endif

// The time-stamp counter. Under QEMU's instruction counting (-icount shift=0,
// as bench/kernel_bench.py's counting boots run) it is QEMU's virtual clock,
// one tick per guest instruction: the same benchmark then counts
// instructions. A wasm module cannot execute rdtsc: the runtime reads it.
static inline uint64_t bench_cycles(void)
{
#ifdef __wasm__
    return (uint64_t)ftl_wasm_syscall(FTL_WASM_SYS_CYCLES, 0, 0, 0, 0, 0);
#else
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
#endif
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
