// The one instance of a service's WebAssembly module in its FTL process,
// and what the module's imports see of it. instance.c is compiled against
// the header wasm2c generated for the module (always named "app"), so
// only it knows the module's layout; the rest of the runtime goes through
// these functions.
#pragma once

#include "wasm-rt.h"

// What the module's import functions receive as their first argument
// (wasm2c names the type after the import module, "ftl").
struct Z_ftl_instance_t {
    wasm_rt_memory_t *memory; // the module's linear memory
};

// Initialises the runtime and the module, and instantiates it: its memory
// allocated and its data and table segments loaded. A failure is a trap.
// Returns the module's linear memory.
wasm_rt_memory_t *wasm_instance_create(struct Z_ftl_instance_t *imports);

// Runs the module's exported _start. Returns only if _start returns.
void wasm_instance_start(void);
