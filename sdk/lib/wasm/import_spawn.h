// A module's FTL_SYS_PROCESS_SPAWN (ftl/wasm.h's struct ftl_wasm_spawn)
// made a native spawn request.
#pragma once

#include <stdint.h>

#include "wasm-rt.h"

// Reads the request at offset of mem, checks that every string, array and
// the image lie inside mem, and spawns. Returns the process handle or an
// FTL error: FTL_ERR_BAD_ADDRESS for anything outside the memory (or a
// string without its end), FTL_ERR_INVALID_ARG for more arguments than a
// native request may have, or what the kernel says.
int64_t wasm_process_spawn(const wasm_rt_memory_t *mem, uint64_t offset);
