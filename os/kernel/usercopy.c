// Process memory access (see usercopy.h). SMAP forbids the kernel to touch
// user pages except between stac and clac, so each copy opens exactly that
// window.
#include "usercopy.h"

#include <stdbool.h>

#include <ftl/error.h>

#include "arch/x64/asm.h"
#include "arch/x64/paging.h"
#include "process.h"
#include "sched.h"

int x64_copy_checked(void *dst, const void *src, size_t len);
long x64_copy_string_checked(char *dst, const char *src, size_t max);

static bool owned(uint64_t address, size_t len)
{
    struct thread *t = sched_current();
    return t != NULL && t->process != NULL &&
           vm_range_is_owned(&t->process->space, address, len);
}

static void user_access_begin(void)
{
    if (paging_has_smap()) {
        x64_stac();
    }
}

static void user_access_end(void)
{
    if (paging_has_smap()) {
        x64_clac();
    }
}

int copy_from_process(void *dst, uint64_t src, size_t len)
{
    if (len == 0) {
        return 0;
    }
    if (!owned(src, len)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    user_access_begin();
    int err = x64_copy_checked(dst, (const void *)src, len);
    user_access_end();
    return err < 0 ? FTL_ERR_BAD_ADDRESS : 0;
}

int copy_to_process(uint64_t dst, const void *src, size_t len)
{
    if (len == 0) {
        return 0;
    }
    if (!owned(dst, len)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    user_access_begin();
    int err = x64_copy_checked((void *)dst, src, len);
    user_access_end();
    return err < 0 ? FTL_ERR_BAD_ADDRESS : 0;
}

long copy_string_from_process(char *dst, uint64_t src, size_t max)
{
    // Check the first byte's ownership; the string may end before the end
    // of the owned range, so the rest is checked against the range's end.
    struct thread *t = sched_current();
    if (max == 0 || !owned(src, 1)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    uint64_t end = t->process->space.end;
    size_t limit = end - src < max ? (size_t)(end - src) : max;
    user_access_begin();
    long len = x64_copy_string_checked(dst, (const char *)src, limit);
    user_access_end();
    if (len < 0) {
        return FTL_ERR_BAD_ADDRESS;
    }
    if ((size_t)len == limit) {
        return limit == max ? FTL_ERR_TOO_LARGE : FTL_ERR_BAD_ADDRESS;
    }
    return len;
}
