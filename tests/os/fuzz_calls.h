// One fuzzed system call at a time (tests/os/fuzz_calls.c): picks a call
// number (every call, and numbers past the last), draws its arguments from
// the pools of fuzz_pool.h by what each argument is, makes the call and
// keeps the pools up to date with what it made, closed or moved.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/syscall.h>

#include "fuzz_pool.h"

struct fuzz_run {
    struct fuzz_pool pool;
    bool privileged;     // the first process: may spawn, read the initfs,
                         // create ports and interrupts; maps nothing itself
    uint64_t trace_from; // print each call from this index on
    long only;           // make only this call (-1: all), to bisect
    uint64_t calls;      // made so far
    uint64_t succeeded;
    uint64_t bad_results; // neither an error nor a plausible value
    // Per call number (the last entry: numbers past the last call).
    uint64_t made[FTL_SYS_COUNT + 1], ok[FTL_SYS_COUNT + 1];
};

// Makes one call; returns false if its result broke the ABI (printed).
bool fuzz_call(struct fuzz_run *run);

// Prints, per call, how many were made and how many succeeded (of runs
// a and b together; b may be NULL).
void fuzz_print_coverage(const struct fuzz_run *a, const struct fuzz_run *b);
