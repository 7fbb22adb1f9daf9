// x86-64 4-level page tables (SDM vol. 3, chapter 4), behind the generic
// VM_* flags of vm.h.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "page.h"

// Builds the kernel's own page tables: the direct map of physical memory up
// to `phys_end` (2 MiB pages, no execute), the kernel image with W^X (text
// read+execute, rodata read, data read+write), the shared upper-half tables;
// turns on NX, SMEP, SMAP and PCID where the CPU has them and switches to
// the new tables. Panics on failure: this runs once at boot.
void paging_init(uint64_t phys_end);

// The kernel's root table; kernel-mode processes run on it.
paddr_t paging_kernel_root(void);

// A new address space: an empty lower half, the kernel's upper half.
// Returns 0 when out of memory.
paddr_t paging_create(void);

// Frees the lower half's tables and the root. Leaf pages belong to vmareas
// and are not freed here. No thread of the space may be running; if a
// kernel thread still runs on its tables (lazy TLB), the kernel's are
// loaded first.
void paging_destroy(paddr_t root);

// Maps one 4 KiB page. Allocates intermediate tables. Returns 0 or
// FTL_ERR_NO_MEMORY; an existing mapping is replaced.
int paging_map(paddr_t root, uint64_t va, paddr_t pa, unsigned vm_flags);

// Removes the mapping of va; returns the physical page it mapped, or 0.
paddr_t paging_unmap(paddr_t root, uint64_t va);

// The physical address va maps to, or 0 if none.
paddr_t paging_lookup(paddr_t root, uint64_t va);

// Page-table pages of the upper half made since boot and not freed since
// (kernel-mode slots in use, kernel stacks, MMIO).
uint64_t paging_kernel_table_count(void);

// Frees the page directories and tables under the kernel's entries for
// [start, end), 1 GiB aligned in the upper half: a kernel-mode slot whose
// process is gone, every mapping in it removed already. Flushes the TLB.
void paging_free_kernel_range(uint64_t start, uint64_t end);

// The CR3 value that switches to an address space, or 0 if it is current
// already and needs no flush. With PCID, each space has an address-space id
// (asid, 1-4095) so its TLB entries survive switches; flush drops them, for
// a space whose mappings changed while it was not current (see vm.c).
uint64_t paging_switch_cr3(paddr_t root, uint16_t asid, bool flush);

// Whether the CPU tags TLB entries with address-space ids (PCID).
bool paging_has_pcid(void);

extern bool paging_smap;
static inline bool paging_has_smap(void)
{
    return paging_smap;
}
