// A WebAssembly module's linear memory in the runtime (wasm-rt.h's
// wasm_rt_memory_t), and the one check every pointer a module passes goes
// through before the runtime touches it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "wasm-rt.h"

// Bytes of address space one linear memory reserves: it never moves, so a
// pointer into it (a loan the kernel holds during a call) stays valid
// while it grows. Growing past this fails as memory.grow fails (-1).
#define WASM_MEMORY_RESERVE (64u * 1024 * 1024)
#define WASM_PAGE_SIZE 65536u

// The native address of [offset, offset + len) of mem, or NULL when any
// byte of it lies outside the memory's current size, or when it starts at
// offset 0: that is C's NULL in the module, never an object's address
// (FTL_ERR_BAD_ADDRESS natively too). len 0 is allowed anywhere up to the
// end. Overflow-safe for any 64-bit offset and len.
void *wasm_memory_span(const wasm_rt_memory_t *mem, uint64_t offset,
                       uint64_t len);

// The native address of the zero-terminated string at offset of mem, or
// NULL when no zero ends it within max bytes and inside the memory, or
// offset is 0 (NULL).
const char *wasm_memory_string(const wasm_rt_memory_t *mem, uint64_t offset,
                               size_t max);
