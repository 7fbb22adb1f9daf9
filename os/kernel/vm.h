// Virtual memory: vmareas (memory objects) and the address spaces that map
// them.
//
// A vmarea is memory a process can map: anonymous (pages appear zero-filled
// on first touch: demand-zero), contiguous (allocated at once, physically
// contiguous, for images and later DMA), or device memory (MMIO, not owned).
// An address space is a list of mappings of vmareas plus the page tables
// that cache them; a page fault inside a mapping fills the page table from
// the vmarea. A user process has its own space; a kernel-mode process owns a
// slot of the kernel's space (vm_layout.h).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "account.h"
#include "object.h"
#include "page.h"

// Protection and mapping flags.
#define VM_READ 1
#define VM_WRITE 2
#define VM_EXEC 4
#define VM_USER 8
#define VM_UNCACHED 16
#define VM_STACK 32 // marks a stack mapping (its guard page is below it)

// Largest vmarea: bounds the page array a process can make us allocate.
#define VMAREA_SIZE_MAX (1ULL << 30)

enum vmarea_kind {
    VMAREA_ANONYMOUS,
    VMAREA_CONTIGUOUS,
    VMAREA_DEVICE,
};

struct vmarea {
    struct object object;
    enum vmarea_kind kind;
    uint64_t size; // a multiple of PAGE_SIZE
    unsigned page_count;
    unsigned resident; // pages allocated so far
    unsigned charged;  // pages charged to account (>= resident)
    paddr_t *pages;    // 0 = not touched yet (anonymous only)
    struct memory_account *account; // NULL: kernel memory
};

struct mapping {
    uint64_t base;
    uint64_t size;
    struct vmarea *area; // holds a reference
    uint64_t offset;     // of base within area
    unsigned prot;       // VM_READ | VM_WRITE | VM_EXEC
    struct mapping *next;
};

struct address_space {
    paddr_t root;
    uint16_t asid;
    bool stale; // lost mappings while not current: flush on next switch
    bool kernel_mode;
    uint64_t start, end;  // the addresses this space's owner may use
    uint64_t next_vmarea; // vm_map's automatic placement looks from here
    struct mapping *mappings;
    struct memory_account *account; // the owner's (NULL: the kernel's)
};

// Creates a vmarea of `size` bytes (rounded up to pages) whose pages are
// charged to `account` (NULL: kernel memory). Contiguous areas get (and
// are charged) their pages now. Returns NULL when out of memory or over the
// account's limit; size 0 or over VMAREA_SIZE_MAX is the caller's error to
// check first.
struct vmarea *vmarea_create(uint64_t size, enum vmarea_kind kind,
                             struct memory_account *account);

// Charges the first `size` bytes of an anonymous area now, so that touching
// them later cannot fail for the limit. Returns 0, FTL_ERR_INVALID_ARG (past
// the end) or FTL_ERR_NO_MEMORY (over the limit).
int vmarea_commit(struct vmarea *area, uint64_t size);

// A device area over physical [phys, phys + size): its pages are not freed.
struct vmarea *vmarea_create_device(paddr_t phys, uint64_t size);

// The physical page at `index`, allocating it zero-filled for anonymous
// areas (and charging it unless committed). Returns 0 when out of memory or
// over the account's limit.
paddr_t vmarea_page(struct vmarea *area, unsigned index);

// Sets up an empty space: a user space gets its own page tables and owns
// [USER_BASE, USER_TOP); a kernel-mode one owns [start, end) of the kernel's
// tables. Returns 0 or FTL_ERR_NO_MEMORY.
int vm_space_init(struct address_space *space, bool kernel_mode, uint64_t start,
                  uint64_t end);

// Removes every mapping (dropping the vmarea references) and frees the page
// tables. No thread of a user space may be running (its tables may still be
// loaded under a kernel thread: see paging_destroy).
void vm_space_destroy(struct address_space *space);

// Maps `size` bytes of area from `offset` at `va` (0: the first free place,
// from the image upwards, with an unmapped page on either side; see
// vm_layout.h) with `prot`, and stores the address in
// *mapped (may be NULL). Takes a reference on area. Returns 0, or
// FTL_ERR_INVALID_ARG (unaligned, outside the space, past the area's end,
// overlapping), FTL_ERR_NO_MEMORY. (Kernel-mode addresses are negative as
// int64_t, so addresses never share the return value with errors.)
int vm_map(struct address_space *space, struct vmarea *area, uint64_t offset,
           uint64_t va, uint64_t size, unsigned prot, uint64_t *mapped);

// Removes the mapping that starts at va. FTL_ERR_NOT_FOUND if none does.
int vm_unmap(struct address_space *space, uint64_t va);

// Maps an anonymous stack of `size` bytes at the next free place (so with an
// unmapped guard page below it); stores its top in *top. Returns 0 or an
// error.
int vm_map_stack(struct address_space *space, uint64_t size, uint64_t *top);

// Resolves a page fault at va in space. `write`/`exec` say what the access
// was. Returns 0 if the page is now mapped, FTL_ERR_BAD_ADDRESS if va is in
// no mapping or the mapping forbids the access, FTL_ERR_NO_MEMORY.
int vm_handle_fault(struct address_space *space, uint64_t va, bool write,
                    bool exec);

// True if [va, va + len) lies inside the addresses the space owns
// (overflow-safe). Pages are checked when touched (faults).
static inline bool vm_range_is_owned(const struct address_space *space,
                                     uint64_t va, uint64_t len)
{
    return va >= space->start && va <= space->end && len <= space->end - va;
}

// Copies between a kernel buffer and [va, va + len) of `space`, which need
// not be the current space: page by page through the direct map, resolving
// demand-zero pages as a fault would. Writing needs a writable mapping.
// Returns 0 or FTL_ERR_BAD_ADDRESS / FTL_ERR_NO_MEMORY.
int vm_copy_to_space(struct address_space *space, uint64_t va, const void *src,
                     uint64_t len);
int vm_copy_from_space(struct address_space *space, uint64_t va, void *dst,
                       uint64_t len);

// True if va is in the unmapped guard page below a stack.
bool vm_is_stack_guard(const struct address_space *space, uint64_t va);

// The CR3 value that makes space current on this CPU, or 0 if it is
// already; the caller loads it (sched.c, at the thread switch).
uint64_t vm_space_activation(struct address_space *space);

// Maps device memory into the kernel (uncached); returns its address or 0.
void *vm_map_device(paddr_t phys, uint64_t size);
