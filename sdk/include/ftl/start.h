// The start-up information every process receives: a pointer to it is the
// only argument of its entry point, `void _start(const struct
// ftl_start_info *info)`. It lives in read-only memory of the process.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/syscall.h>

#define FTL_START_INFO_VERSION 1

struct ftl_start_info {
    uint32_t version;       // FTL_START_INFO_VERSION
    uint32_t isolation;     // FTL_ISOLATION_USER or FTL_ISOLATION_KERNEL
    ftl_syscall_fn syscall; // the system call entry for this process
    const char *name;       // the process's name
    uint64_t page_size;
    ftl_handle_t channel; // the first channel (FTL_HANDLE_INVALID if none)
    int32_t argc;
    const char *const *argv; // argc entries, then NULL
    const char *const *envp; // "KEY=value" entries, then NULL
    uint64_t image_base;     // where the program was loaded
};
