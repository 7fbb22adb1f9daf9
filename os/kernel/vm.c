// vmareas and address spaces (see vm.h). Mappings are a short sorted list per
// space: processes have a handful (image segments, stacks, a few heaps), so
// a list is simpler than a tree and as fast at this size.
#include "vm.h"

#include <ftl/error.h>

#include "arch/x64/paging.h"
#include "heap.h"
#include "lib/string.h"
#include "panic.h"
#include "vm_layout.h"

#define PAGE_MASK (PAGE_SIZE - 1)
#define ASID_COUNT 4096
#define STACK_COMMIT (16 * 1024) // bytes of a user stack charged when made

static uint16_t next_asid = 1;
static uint64_t next_device_va = MMIO_START;

static void vmarea_destroy(struct object *object)
{
    struct vmarea *area = (struct vmarea *)object;
    if (area->kind != VMAREA_DEVICE) {
        // Stops at the last page that exists: a large reserve that was
        // barely touched is not walked to its end.
        unsigned left = area->resident;
        for (unsigned i = 0; i < area->page_count && left > 0; i++) {
            if (area->pages[i] != 0) {
                page_free(area->pages[i], 1);
                left--;
            }
        }
    }
    if (area->account != NULL) {
        account_uncharge(area->account, area->charged);
        account_put(area->account);
    }
    heap_free(area->pages);
    heap_free(area);
}

static struct vmarea *vmarea_alloc(uint64_t size, enum vmarea_kind kind)
{
    size = (size + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
    struct vmarea *area = heap_alloc(sizeof(*area));
    if (area == NULL) {
        return NULL;
    }
    area->page_count = (unsigned)(size / PAGE_SIZE);
    area->pages = heap_alloc(area->page_count * sizeof(paddr_t));
    if (area->pages == NULL) {
        heap_free(area);
        return NULL;
    }
    object_init(&area->object, OBJECT_VMAREA, vmarea_destroy);
    area->kind = kind;
    area->size = size;
    return area;
}

struct vmarea *vmarea_create(uint64_t size, enum vmarea_kind kind,
                             struct memory_account *account)
{
    ASSERT(size > 0 && size <= VMAREA_SIZE_MAX && kind != VMAREA_DEVICE);
    struct vmarea *area = vmarea_alloc(size, kind);
    if (area == NULL) {
        return NULL;
    }
    if (account != NULL) {
        account_get(account);
        area->account = account;
    }
    if (kind != VMAREA_CONTIGUOUS) {
        return area;
    }
    paddr_t base = 0;
    if (account_charge(account, area->page_count)) {
        area->charged = area->page_count;
        base = page_alloc(area->page_count, PAGE_ZERO);
    }
    if (base == 0) {
        object_put(&area->object); // no pages yet: frees just the area
        return NULL;
    }
    for (unsigned i = 0; i < area->page_count; i++) {
        area->pages[i] = base + (uint64_t)i * PAGE_SIZE;
    }
    area->resident = area->page_count;
    return area;
}

int vmarea_commit(struct vmarea *area, uint64_t size)
{
    if (size > area->size) {
        return FTL_ERR_INVALID_ARG;
    }
    unsigned pages = (unsigned)((size + PAGE_MASK) / PAGE_SIZE);
    if (pages <= area->charged) {
        return 0;
    }
    if (!account_charge(area->account, pages - area->charged)) {
        return FTL_ERR_NO_MEMORY;
    }
    area->charged = pages;
    return 0;
}

struct vmarea *vmarea_create_device(paddr_t phys, uint64_t size)
{
    struct vmarea *area = vmarea_alloc(size, VMAREA_DEVICE);
    if (area == NULL) {
        return NULL;
    }
    for (unsigned i = 0; i < area->page_count; i++) {
        area->pages[i] = (phys & ~(uint64_t)PAGE_MASK) + i * PAGE_SIZE;
    }
    area->resident = area->page_count;
    return area;
}

paddr_t vmarea_page(struct vmarea *area, unsigned index)
{
    ASSERT(index < area->page_count);
    if (area->pages[index] != 0) {
        return area->pages[index];
    }
    bool precharged = area->resident < area->charged;
    if (!precharged && !account_charge(area->account, 1)) {
        return 0;
    }
    area->pages[index] = page_alloc(1, PAGE_ZERO);
    if (area->pages[index] == 0) {
        if (!precharged) {
            account_uncharge(area->account, 1);
        }
        return 0;
    }
    area->resident++;
    if (!precharged) {
        area->charged++;
    }
    return area->pages[index];
}

int vm_space_init(struct address_space *space, bool kernel_mode, uint64_t start,
                  uint64_t end)
{
    memset(space, 0, sizeof(*space));
    space->kernel_mode = kernel_mode;
    space->start = start;
    space->end = end;
    space->next_vmarea = start + REGION_IMAGE_OFFSET;
    if (kernel_mode) {
        space->root = paging_kernel_root();
        return 0;
    }
    space->root = paging_create();
    if (space->root == 0) {
        return FTL_ERR_NO_MEMORY;
    }
    // A recycled id may still have TLB entries of an earlier space.
    space->asid = next_asid;
    space->stale = true;
    next_asid = next_asid + 1 == ASID_COUNT ? 1 : next_asid + 1;
    return 0;
}

// Only pages the area has can be mapped (vm_map maps those, a fault maps a
// page once it exists, and an area's pages stay until it goes), so only
// those are unmapped, until all the area's pages have been seen: unmapping
// a wasm service's 64 MiB reserve of linear memory with a few hundred KiB
// in use walks that much, not 16,384 page-table entries.
static void unmap_pages(struct address_space *space, struct mapping *m)
{
    unsigned left = m->area->resident;
    for (uint64_t off = 0; off < m->size && left > 0; off += PAGE_SIZE) {
        if (m->area->pages[(m->offset + off) / PAGE_SIZE] != 0) {
            paging_unmap(space->root, m->base + off);
            left--;
        }
    }
    space->stale = true;
}

void vm_space_destroy(struct address_space *space)
{
    struct mapping *m = space->mappings;
    while (m != NULL) {
        struct mapping *next = m->next;
        if (space->kernel_mode) {
            unmap_pages(space, m);
        }
        object_put(&m->area->object);
        heap_free(m);
        m = next;
    }
    space->mappings = NULL;
    if (space->kernel_mode) {
        // The slot's page tables go too: a service that touched memory all
        // over its 64 GiB left up to 128 MiB of them (issue 18).
        paging_free_kernel_range(space->start, space->end);
    }
    if (!space->kernel_mode && space->root != 0) {
        paging_destroy(space->root);
        space->root = 0;
    }
}

static bool overlaps(const struct address_space *space, uint64_t va,
                     uint64_t size)
{
    for (struct mapping *m = space->mappings; m != NULL; m = m->next) {
        if (va < m->base + m->size && m->base < va + size) {
            return true;
        }
    }
    return false;
}

static unsigned leaf_flags(const struct address_space *space, unsigned prot)
{
    return (prot & ~VM_STACK) | (space->kernel_mode ? 0 : VM_USER);
}

bool vm_is_stack_guard(const struct address_space *space, uint64_t va)
{
    for (struct mapping *m = space->mappings; m != NULL; m = m->next) {
        if ((m->prot & VM_STACK) && va < m->base && m->base - va <= PAGE_SIZE) {
            return true;
        }
    }
    return false;
}

// The first address from `from` where `size` bytes fit with an unmapped
// page on either side (mappings are sorted by base).
static uint64_t free_place_from(const struct address_space *space,
                                uint64_t from, uint64_t size)
{
    uint64_t va = from;
    for (struct mapping *m = space->mappings; m != NULL; m = m->next) {
        if (m->base + m->size + PAGE_SIZE <= va) {
            continue; // below, guard page included
        }
        if (va + size + PAGE_SIZE <= m->base) {
            break; // fits in the gap before m
        }
        va = m->base + m->size + PAGE_SIZE;
    }
    return va;
}

// Upwards from the last mapping, so that a new mapping is not where a
// just-freed one was; past the top, the first gap from the bottom (else a
// process that maps and unmaps could run out of addresses: 64 mappings of
// 1 GiB fill a kernel-mode slot).
static uint64_t free_place(const struct address_space *space, uint64_t size)
{
    uint64_t va = free_place_from(space, space->next_vmarea, size);
    if (va >= space->end || space->end - va < size + PAGE_SIZE) {
        va = free_place_from(space, space->start + REGION_IMAGE_OFFSET, size);
    }
    return va;
}

int vm_map(struct address_space *space, struct vmarea *area, uint64_t offset,
           uint64_t va, uint64_t size, unsigned prot, uint64_t *mapped)
{
    size = (size + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
    if (area->kind == VMAREA_DEVICE) {
        prot |= VM_UNCACHED; // registers, not memory
    }
    bool automatic = va == 0;
    if (automatic) {
        va = free_place(space, size);
    }
    if ((va | offset) & PAGE_MASK || size == 0 || offset > area->size ||
        size > area->size - offset || !vm_range_is_owned(space, va, size) ||
        overlaps(space, va, size)) {
        return FTL_ERR_INVALID_ARG;
    }
    struct mapping *m = heap_alloc(sizeof(*m));
    if (m == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *m = (struct mapping){va, size, area, offset, prot, NULL};
    // Pages that exist already are mapped now; the rest on first touch. The
    // walk ends once every page the area has was seen: a fresh reserve
    // (a heap, a wasm service's linear memory) has none to look for.
    unsigned left = area->resident;
    for (uint64_t off = 0; off < size && left > 0; off += PAGE_SIZE) {
        paddr_t page = area->pages[(offset + off) / PAGE_SIZE];
        if (page == 0) {
            continue;
        }
        left--;
        if (paging_map(space->root, va + off, page, leaf_flags(space, prot)) <
            0) {
            unmap_pages(space, m);
            heap_free(m);
            return FTL_ERR_NO_MEMORY;
        }
    }
    object_get(&area->object);
    struct mapping **link = &space->mappings;
    while (*link != NULL && (*link)->base < va) {
        link = &(*link)->next;
    }
    m->next = *link;
    *link = m;
    if (automatic) {
        space->next_vmarea = va + size + PAGE_SIZE;
    }
    if (mapped != NULL) {
        *mapped = va;
    }
    return 0;
}

int vm_unmap(struct address_space *space, uint64_t va)
{
    for (struct mapping **link = &space->mappings; *link != NULL;
         link = &(*link)->next) {
        struct mapping *m = *link;
        if (m->base == va) {
            *link = m->next;
            unmap_pages(space, m);
            object_put(&m->area->object);
            heap_free(m);
            return 0;
        }
    }
    return FTL_ERR_NOT_FOUND;
}

int vm_map_stack(struct address_space *space, uint64_t size, uint64_t *top)
{
    size = (size + PAGE_MASK) & ~(uint64_t)PAGE_MASK;
    // Kernel-mode stacks are populated now: a fault on the stack in ring 0
    // would have nowhere to push its frame.
    struct vmarea *area = vmarea_create(
        size, space->kernel_mode ? VMAREA_CONTIGUOUS : VMAREA_ANONYMOUS,
        space->account);
    if (area == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    // A user stack's first pages are charged now, so that a process at its
    // memory limit gets FTL_ERR_NO_MEMORY from thread_create instead of
    // being killed when the new thread first touches its stack
    // (os_test's thread_over_the_memory_limit_is_refused).
    if (!space->kernel_mode &&
        vmarea_commit(area, size < STACK_COMMIT ? size : STACK_COMMIT) < 0) {
        object_put(&area->object);
        return FTL_ERR_NO_MEMORY;
    }
    uint64_t base;
    int err =
        vm_map(space, area, 0, 0, size, VM_READ | VM_WRITE | VM_STACK, &base);
    object_put(&area->object);
    if (err < 0) {
        return err;
    }
    *top = base + size;
    return 0;
}

static struct mapping *find_mapping(struct address_space *space, uint64_t va)
{
    for (struct mapping *m = space->mappings; m != NULL; m = m->next) {
        if (va >= m->base && va - m->base < m->size) {
            return m;
        }
    }
    return NULL;
}

int vm_handle_fault(struct address_space *space, uint64_t va, bool write,
                    bool exec)
{
    struct mapping *m = find_mapping(space, va);
    if (m == NULL || (write && !(m->prot & VM_WRITE)) ||
        (exec && !(m->prot & VM_EXEC)) || (!exec && !(m->prot & VM_READ))) {
        return FTL_ERR_BAD_ADDRESS;
    }
    uint64_t page_va = va & ~(uint64_t)PAGE_MASK;
    if (paging_lookup(space->root, page_va) != 0) {
        // Mapped with the right permissions: the fault was a protection
        // fault the checks above should have caught.
        return FTL_ERR_BAD_ADDRESS;
    }
    unsigned index = (unsigned)((m->offset + page_va - m->base) / PAGE_SIZE);
    paddr_t page = vmarea_page(m->area, index);
    if (page == 0) {
        return FTL_ERR_NO_MEMORY;
    }
    return paging_map(space->root, page_va, page, leaf_flags(space, m->prot));
}

uint64_t vm_space_activation(struct address_space *space)
{
    uint64_t cr3 = paging_switch_cr3(space->root, space->asid, space->stale);
    space->stale = false;
    return cr3;
}

void *vm_map_device(paddr_t phys, uint64_t size)
{
    uint64_t offset = phys & PAGE_MASK;
    uint64_t pages = (offset + size + PAGE_MASK) / PAGE_SIZE;
    if (pages * PAGE_SIZE > MMIO_START + MMIO_SIZE - next_device_va) {
        return NULL;
    }
    uint64_t va = next_device_va;
    for (uint64_t i = 0; i < pages; i++) {
        if (paging_map(paging_kernel_root(), va + i * PAGE_SIZE,
                       phys - offset + i * PAGE_SIZE,
                       VM_READ | VM_WRITE | VM_UNCACHED) < 0) {
            return NULL;
        }
    }
    next_device_va += pages * PAGE_SIZE;
    return (void *)(va + offset);
}

// The physical page behind va for an access of the given kind, made present
// if it is a demand-zero page; 0 if the mapping forbids the access or is
// device memory (which the direct map must not touch).
static paddr_t page_for_access(struct address_space *space, uint64_t va,
                               bool write)
{
    struct mapping *m = find_mapping(space, va);
    if (m == NULL || (write && !(m->prot & VM_WRITE)) ||
        !(m->prot & VM_READ) || m->area->kind == VMAREA_DEVICE) {
        return 0;
    }
    uint64_t page_va = va & ~(uint64_t)PAGE_MASK;
    unsigned index = (unsigned)((m->offset + page_va - m->base) / PAGE_SIZE);
    paddr_t page = m->area->pages[index];
    if (page == 0) {
        page = vmarea_page(m->area, index);
        if (page == 0 || paging_map(space->root, page_va, page,
                                    leaf_flags(space, m->prot)) < 0) {
            return 0;
        }
    }
    return page;
}

static int copy_space(struct address_space *space, uint64_t va, void *buf,
                      uint64_t len, bool to_space)
{
    if (!vm_range_is_owned(space, va, len)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    uint8_t *cursor = buf;
    while (len > 0) {
        uint64_t in_page = PAGE_SIZE - (va & PAGE_MASK);
        uint64_t chunk = len < in_page ? len : in_page;
        paddr_t page = page_for_access(space, va, to_space);
        if (page == 0) {
            return FTL_ERR_BAD_ADDRESS;
        }
        uint8_t *kernel = (uint8_t *)page_to_virt(page) + (va & PAGE_MASK);
        if (to_space) {
            memcpy(kernel, cursor, chunk);
        } else {
            memcpy(cursor, kernel, chunk);
        }
        va += chunk;
        cursor += chunk;
        len -= chunk;
    }
    return 0;
}

int vm_copy_to_space(struct address_space *space, uint64_t va, const void *src,
                     uint64_t len)
{
    return copy_space(space, va, (void *)src, len, true);
}

int vm_copy_from_space(struct address_space *space, uint64_t va, void *dst,
                       uint64_t len)
{
    return copy_space(space, va, dst, len, false);
}
