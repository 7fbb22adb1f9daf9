// Copies between the kernel and the memory of the running process. Every
// pointer a process passes is checked to lie in the addresses it owns (its
// lower half, or its kernel-mode slot), then copied with fault recovery: an
// unmapped or read-only page gives FTL_ERR_BAD_ADDRESS, never a kernel
// fault. Copy once, then check the copy: never read process memory twice.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/error.h>

#include "arch/x64/asm.h"
#include "arch/x64/paging.h"
#include "arch/x64/usercopy.h"
#include "process.h"
#include "sched.h"
#include "vm_layout.h"

// Whether [address, address + len) lies in what the running process owns.
static inline bool usercopy_owned(uint64_t address, size_t len)
{
    struct thread *t = sched_current();
    return t != NULL && t->process != NULL &&
           vm_range_is_owned(&t->process->space, address, len);
}

// SMAP forbids the kernel to touch user pages except between stac and clac,
// so each copy into a user-mode process opens exactly that window. A
// kernel-mode process's memory is in the kernel half, out of SMAP's reach:
// its copies open no window (stac and clac each end a translation block
// under TCG). Returns whether a window was opened, for user_access_end.
static inline bool user_access_begin(uint64_t address)
{
    bool window = paging_has_smap() && address <= USER_TOP;
    if (window) {
        x64_stac();
    }
    return window;
}

static inline void user_access_end(bool window)
{
    if (window) {
        x64_clac();
    }
}

// x64_copy_inline() between stac and clac. One shared body, not inlined:
// stac and clac each end a translation block under TCG, so every inlined
// window was two or three more jump-cache lookups after an address-space
// switch, where this one costs its return.
int usercopy_in_window(void *dst, const void *src, size_t len);

// Copies len bytes between a kernel buffer and the running process's
// memory at process_address (dst or src, already cast). Inline on purpose:
// the IPC path copies a header, a body and an event per system call, and
// a kernel-mode process's copies (no window) are then a bare rep movs.
static inline int usercopy(void *dst, const void *src, uint64_t process_address,
                           size_t len)
{
    if (len == 0) {
        return 0;
    }
    if (!usercopy_owned(process_address, len)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    int err = paging_has_smap() && process_address <= USER_TOP
                  ? usercopy_in_window(dst, src, len)
                  : x64_copy_inline(dst, src, len);
    return err < 0 ? FTL_ERR_BAD_ADDRESS : 0;
}

static inline int copy_from_process(void *dst, uint64_t src, size_t len)
{
    return usercopy(dst, (const void *)src, src, len);
}

static inline int copy_to_process(uint64_t dst, const void *src, size_t len)
{
    return usercopy((void *)dst, src, dst, len);
}

// Copies a NUL-terminated string of at most max - 1 characters into dst.
// Returns its length, FTL_ERR_TOO_LARGE if it is longer, or
// FTL_ERR_BAD_ADDRESS.
long copy_string_from_process(char *dst, uint64_t src, size_t max);
