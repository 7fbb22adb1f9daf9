// Process memory access (see usercopy.h): the string copy and the SMAP
// window of the plain copies, which are otherwise inline in usercopy.h.
#include "usercopy.h"

#include <ftl/error.h>

#include "hot.h"
#include "process.h"
#include "sched.h"

KERNEL_HOT_WAIT __attribute__((noinline)) int
usercopy_in_window(void *dst, const void *src, size_t len, void *dst2,
                   const void *src2, size_t len2)
{
    x64_stac();
    int err = x64_copy_inline(dst, src, len);
    if (len2 > 0) {
        err |= x64_copy_inline(dst2, src2, len2);
    }
    x64_clac();
    return err;
}

long x64_copy_string_checked(char *dst, const char *src, size_t max);

long copy_string_from_process(char *dst, uint64_t src, size_t max)
{
    // Check the first byte's ownership; the string may end before the end
    // of the owned range, so the rest is checked against the range's end.
    struct thread *t = sched_current();
    if (max == 0 || !usercopy_owned(src, 1)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    uint64_t end = t->process->space.end;
    size_t limit = end - src < max ? (size_t)(end - src) : max;
    bool window = user_access_begin(src);
    long len = x64_copy_string_checked(dst, (const char *)src, limit);
    user_access_end(window);
    if (len < 0) {
        return FTL_ERR_BAD_ADDRESS;
    }
    if ((size_t)len == limit) {
        return limit == max ? FTL_ERR_TOO_LARGE : FTL_ERR_BAD_ADDRESS;
    }
    return len;
}
