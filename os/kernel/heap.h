// The kernel heap: memory for kernel objects (processes, channels, handle
// tables...), carved out of pages from the page allocator. Needs page_init
// first; has no init of its own.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so these functions are never entered concurrently.
#pragma once

#include <stddef.h>

// Largest size heap_alloc accepts; anything bigger is refused outright
// rather than attempted (no kernel object comes near it).
#define HEAP_ALLOC_MAX (256 * 1024 * 1024)

// Returns `size` bytes, zero-filled and 16-byte aligned, or NULL when size
// is 0, size is over HEAP_ALLOC_MAX or memory is exhausted. Never panics:
// callers turn NULL into FTL_ERR_NO_MEMORY.
void *heap_alloc(size_t size);

// Gives back memory from heap_alloc; NULL is ignored. Precondition: ptr came
// from heap_alloc and was not freed since. A pointer the heap can tell is
// wrong (not one it handed out, or already free) is left alone and counted
// in heap_stats.invalid_frees.
void heap_free(void *ptr);

struct heap_stats {
    size_t bytes_in_use;  // of live blocks, each rounded up to its class or
                          // to whole pages
    size_t allocations;   // live blocks
    size_t pages;         // pages the heap holds from the page allocator
    size_t invalid_frees; // heap_free calls refused since boot
};

void heap_get_stats(struct heap_stats *out);
