// Leak checks of the in-OS suites: the kernel's memory and this process's
// handles before and after a workload.
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include <ftl/process.h>

// True if free pages, kernel heap and handles are as they were; otherwise
// prints what moved.
static inline bool usage_unchanged(const struct ftl_system_stats *before,
                                   const struct ftl_system_stats *after)
{
    if (before->pages_free == after->pages_free &&
        before->heap_bytes == after->heap_bytes &&
        before->handles == after->handles) {
        return true;
    }
    printf("  pages %lu -> %lu, heap %lu -> %lu, handles %u -> %u\n",
           (unsigned long)before->pages_free, (unsigned long)after->pages_free,
           (unsigned long)before->heap_bytes, (unsigned long)after->heap_bytes,
           before->handles, after->handles);
    return false;
}
