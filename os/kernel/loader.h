// Starting programs: a PIE file from the initfs becomes a process with one
// thread, in user or kernel mode, with its start-up information.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "process.h"

struct loader_request {
    const char *path; // in the initfs
    const void *image; // or the program file itself (kernel memory), when
    size_t image_size; // image_size is not 0
    const char *name; // process name (NULL: the file name without .elf)
    bool kernel_mode;
    bool wasm; // a wasm service (kernel mode): the program must carry the
               // wasm pipeline's ELF note, else FTL_ERR_BAD_FORMAT
    unsigned priority;
    unsigned argc, envc;
    const char *const *argv; // kernel copies, NUL-terminated
    const char *const *envp;
    struct object *channel; // installed in the child as its first channel
    uint64_t memory_limit;  // bytes, 0: none
    unsigned handles_max;   // 1 to FTL_HANDLES_MAX; 0: the default
};

// Loads and starts the program (from the initfs, or request->image). On success *out holds a reference for the
// caller. Errors: FTL_ERR_NOT_FOUND (no such file), FTL_ERR_BAD_FORMAT /
// FTL_ERR_NOT_SUPPORTED (not a PIE we can load), FTL_ERR_TOO_LARGE (start-up
// information too big), FTL_ERR_NO_MEMORY.
int loader_spawn(const struct loader_request *request, struct process **out);

// Does nothing: a debugger's breakpoint, reached with each new process
// whose program is loaded (p->image_base) and has not run yet.
void loader_debug_loaded(struct process *p);

// Maps the system call stub page every user process calls through. Once, at
// boot.
void loader_init(void);
