// The physical page allocator: hands out 4 KiB pages of RAM, singly or as
// contiguous runs, from the usable regions of the boot memory map.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so these functions are never entered concurrently.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"

#define PAGE_SIZE 4096

typedef uint64_t paddr_t;

// A physical range the allocator must never hand out (the kernel image, boot
// modules, the boot information, ...). Need not be page-aligned: every page
// it touches is kept out.
struct page_range {
    uint64_t base;
    uint64_t size;
};

// Takes every BOOT_MEMORY_USABLE region of `info`, page-aligned inwards,
// minus the reserved ranges, minus any region of another type that overlaps
// it, minus physical page 0, minus whatever lies outside `window` (every page
// handed out must be reachable through page_to_virt). The allocator's own
// bitmaps are placed in the first run of such pages large enough for them.
// All three arguments are only read during the call (the window is copied).
// Calling it again starts over,
// forgetting every earlier allocation (the host tests do this).
// Returns 0, or FTL_ERR_NO_MEMORY when no usable run can hold the bitmaps.
int page_init(const struct phys_window *window, const struct boot_info *info,
              const struct page_range *reserved, unsigned reserved_count);

// Flags of page_alloc.
#define PAGE_ZERO 1 // fill the pages with zeros

// Allocates `count` physically contiguous pages (count >= 1). Returns the
// PAGE_SIZE-aligned physical address of the first, or 0 when no such run is
// free or count is 0 (page 0 is never handed out). The search is next-fit:
// it resumes after the previous allocation, so repeated calls do not rescan
// the start of memory.
paddr_t page_alloc(unsigned count, unsigned flags);

// Like page_alloc, but every page of the run lies below the physical address
// `limit` (base + count * PAGE_SIZE <= limit), for devices that can only
// reach low memory (e.g. limit 4 GiB for 32-bit DMA).
paddr_t page_alloc_below(unsigned count, unsigned flags, uint64_t limit);

// Returns `count` pages at `base` (as page_alloc returned them, though a run
// may be returned in parts). Precondition: the caller owns them; anything
// else is a kernel bug. The bug is caught, and nothing is freed, when `base`
// is unaligned, the range is not managed by the allocator, or any page of it
// is already free: then the result is false. True when the pages were freed.
bool page_free(paddr_t base, unsigned count);

// The kernel address of physical address `p`, through the window.
void *page_to_virt(paddr_t p);

// The physical address of a kernel address obtained from page_to_virt.
paddr_t page_from_virt(const void *v);

// Pages currently free.
uint64_t page_free_count(void);

// Pages the allocator manages, free or not (not counting its own bitmaps).
uint64_t page_total_count(void);
