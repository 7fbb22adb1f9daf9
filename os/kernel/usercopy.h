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
// under TCG).
static inline bool user_access_needs_window(uint64_t address)
{
    return paging_has_smap() && address <= USER_TOP;
}

// Opens the window if the copy at address needs one; returns whether it
// did, for user_access_end.
static inline bool user_access_begin(uint64_t address)
{
    bool window = user_access_needs_window(address);
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

// x64_copy_inline() between stac and clac, for one copy or two (len2 may
// be 0). One shared body, not inlined: stac and clac each end a
// translation block under TCG, so every inlined window was two or three
// more jump-cache lookups after an address-space switch, where this one
// costs its return; and a system call that copies a header and a body
// opens one window for both. All in registers: a copy window refills
// under TCG every page it touches, the kernel stack too.
int usercopy_in_window(void *dst, const void *src, size_t len, void *dst2,
                       const void *src2, size_t len2);

// Copies len bytes between a kernel buffer and the running process's
// memory at process_address (dst or src, already cast), and then len2
// bytes likewise at process_address2 (len2 may be 0): a message's header
// and body in one go. Both ranges are checked before anything is copied.
// Inline on purpose: the IPC path copies a header, a body and an event per
// system call, and a kernel-mode process's copies (no window) are then a
// bare rep movs.
static inline int usercopy(void *dst, const void *src, uint64_t process_address,
                           size_t len, void *dst2, const void *src2,
                           uint64_t process_address2, size_t len2)
{
    if ((len > 0 && !usercopy_owned(process_address, len)) ||
        (len2 > 0 && !usercopy_owned(process_address2, len2))) {
        return FTL_ERR_BAD_ADDRESS;
    }
    if (len == 0 && len2 == 0) {
        return 0;
    }
    // Both ranges are the one process's: its lower half, or its slot in
    // the kernel half (a kernel-mode process, out of SMAP's reach).
    uint64_t where = len > 0 ? process_address : process_address2;
    int err = 0;
    if (user_access_needs_window(where)) {
        err = usercopy_in_window(dst, src, len, dst2, src2, len2);
    } else {
        err = x64_copy_inline(dst, src, len);
        if (len2 > 0) {
            err |= x64_copy_inline(dst2, src2, len2);
        }
    }
    return err < 0 ? FTL_ERR_BAD_ADDRESS : 0;
}

static inline int copy_from_process(void *dst, uint64_t src, size_t len)
{
    return usercopy(dst, (const void *)src, src, len, NULL, NULL, 0, 0);
}

static inline int copy_to_process(uint64_t dst, const void *src, size_t len)
{
    return usercopy((void *)dst, src, dst, len, NULL, NULL, 0, 0);
}

// Two copies, one window: a header and a body. (A send cannot do the
// same: the body's length is in the header it copies first.)
static inline int copy_pair_to_process(uint64_t dst, const void *src,
                                       size_t len, uint64_t dst2,
                                       const void *src2, size_t len2)
{
    return usercopy((void *)dst, src, dst, len, (void *)dst2, src2, dst2, len2);
}

// Copies a NUL-terminated string of at most max - 1 characters into dst.
// Returns its length, FTL_ERR_TOO_LARGE if it is longer, or
// FTL_ERR_BAD_ADDRESS.
long copy_string_from_process(char *dst, uint64_t src, size_t max);
