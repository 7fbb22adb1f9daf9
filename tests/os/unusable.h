// Addresses a test program cannot use, in each way it may be built: for
// the tests that expect FTL_ERR_BAD_ADDRESS from a bad pointer, and the
// servers that crash on purpose. Natively the first page is never mapped.
// A WebAssembly module (tests/os/wasm) has every offset below its memory's
// size, address 0 included (the bottom of its shadow stack), so there the
// unusable address lies past the end of linear memory: the runtime refuses
// a buffer there, and a load or store there traps.
#pragma once

#ifdef __wasm__
#define UNUSABLE_ADDRESS 0xfffff000u
#else
#define UNUSABLE_ADDRESS 8u
#endif

// A fault on purpose: natively a store to address 0, and the kernel kills
// the process; in a wasm module an out-of-bounds trap, which ends the
// process with the same status (FTL_EXIT_KILLED).
static inline void crash_on_purpose(void)
{
#ifdef __wasm__
    *(volatile int *)UNUSABLE_ADDRESS = 1;
#else
    *(volatile int *)0 = 1;
#endif
}
