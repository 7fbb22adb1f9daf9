// The interface between a WebAssembly service and the FTL runtime that runs
// it (isolation: wasm; docs/guides/wasm.md). A wasm module imports exactly
// one function, `ftl.syscall`, and exports `_start` and its `memory`.
//
// `ftl.syscall` has the signature (i32 number, i64 a1, ..., i64 a5) -> i64:
// the FTL system call numbers and argument orders of syscall.h, with every
// pointer an offset into the module's linear memory. The runtime checks
// that each buffer (and each pointer inside a structure, such as a
// message's loan) lies wholly inside that memory before it touches it, and
// refuses the calls it does not implement with FTL_ERR_NOT_SUPPORTED. The
// structures system calls exchange (struct ftl_msg, struct ftl_event) have
// no pointer-sized fields, so their layout is the same in wasm32.
//
// Besides those, a few numbers from FTL_WASM_SYS_BASE up exist only for
// wasm modules: they give the module what a native program finds in its
// start-up information (start.h), which holds native pointers, and one
// that a native program has as an instruction: the cycle counter.
#pragma once

#include <stdint.h>

#include <ftl/syscall.h>

#define FTL_WASM_SYS_BASE 0x1000
enum ftl_wasm_syscall_number {
    // () -> the first channel's handle (FTL_HANDLE_INVALID if none)
    FTL_WASM_SYS_START_CHANNEL = FTL_WASM_SYS_BASE,
    // (char *buffer, size_t len) -> the process name's length; copies at
    // most len bytes of it, without a terminating zero
    FTL_WASM_SYS_START_NAME,
    // (index, char *buffer, size_t len) -> the length of argv[index] (0 is
    // the program), or FTL_ERR_NOT_FOUND past the last; copies as NAME does
    FTL_WASM_SYS_START_ARG,
    // (index, char *buffer, size_t len) -> the length of the index-th
    // "KEY=value" of the environment, or FTL_ERR_NOT_FOUND past the last
    FTL_WASM_SYS_START_ENV,
    // () -> the time-stamp counter, what rdtsc gives a native program (a
    // module cannot execute it): for benchmarks, which time a round trip
    // in cycles. Every module has it, as every native program has rdtsc
    // (docs/guides/wasm.md, "A fine clock").
    FTL_WASM_SYS_CYCLES,
};

// struct ftl_spawn as a module passes it to FTL_SYS_PROCESS_SPAWN: the same
// fields in a fixed layout, each pointer a 32-bit offset into linear memory
// (0 for NULL); argv and envp are arrays of such offsets. The module's
// libftl fills it field by field, so the two layouts are never assumed
// equal; the runtime checks every string and array before the kernel sees
// native pointers. Spawning needs the right to, as natively: only the first
// process has it (docs/guides/wasm.md).
struct ftl_wasm_spawn {
    uint32_t path, name;
    uint32_t isolation, priority;
    uint32_t argc, envc;
    uint32_t argv, envp;
    int32_t channel;
    uint32_t handles_max;
    uint64_t memory_limit;
    uint32_t image;
    uint32_t reserved; // 0
    uint64_t image_len;
};

// Most arguments and environment entries a module receives, and the bytes
// of each; longer ones are cut.
#define FTL_WASM_START_STRINGS_MAX 32
#define FTL_WASM_START_STRING_MAX 255

// The ELF note of the wasm pipeline (name "FTL", this type), which the
// runtime's main.c puts into every wasm program. The kernel spawns a
// program with FTL_ISOLATION_WASM (syscall.h) only if it carries it, and
// process information then reports that isolation; a module sees it in
// ftl_start_info->isolation.
#define FTL_ELF_NOTE_WASM 1
#define FTL_ELF_NOTE_WASM_STR "1"

#ifdef __wasm__
// The one import of a wasm module (its guest side, sdk/lib/wasm/guest).
__attribute__((import_module("ftl"), import_name("syscall"))) int64_t
ftl_wasm_syscall(int32_t number, int64_t a1, int64_t a2, int64_t a3, int64_t a4,
                 int64_t a5);
#endif
