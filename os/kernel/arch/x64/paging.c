// Page tables. Every table is a page from page_alloc, reached through the
// direct map. The upper half (PML4 slots 256-511) is shared: its slots are
// filled once at boot, so every address space created later copies the same
// PDPT pointers and sees every later kernel mapping. Kernel mappings are
// global, so they survive CR3 switches.
#include "arch/x64/paging.h"

#include <ftl/error.h>

#include "arch/x64/asm.h"
#include "arch/x64/boot.h"
#include "hot.h"
#include "lib/string.h"
#include "log.h"
#include "panic.h"
#include "vm.h"
#include "vm_layout.h"

#define PTE_PRESENT (1ULL << 0)
#define PTE_WRITE (1ULL << 1)
#define PTE_USER (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_LARGE (1ULL << 7)
#define PTE_GLOBAL (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDRESS 0x000ffffffffff000ULL

#define CR0_WP (1ULL << 16)
#define CR4_PGE (1ULL << 7)
#define CR4_PCIDE (1ULL << 17)
#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)
#define CR3_NOFLUSH (1ULL << 63)
#define EFER_MSR 0xc0000080
#define EFER_NXE (1ULL << 11)

#define ENTRIES 512
#define UPPER_HALF 0xffff800000000000ULL

// Tables of the shared upper half made since boot and not freed: those of a
// kernel-mode slot go when its process does (paging_free_kernel_range), the
// rest stay (kernel stacks), and the leak checks count them apart.
static uint64_t kernel_tables_made;
#define LARGE_PAGE (2ULL << 20)
#define HUGE_PAGE (1ULL << 30)

static paddr_t kernel_root;
static bool has_nx;
static bool has_huge_pages; // 1 GiB pages
KERNEL_HOT_DATA static bool has_pcid;
KERNEL_HOT_DATA bool paging_smap; // read inline by paging_has_smap()

extern const char __text_start[], __text_end[], __rodata_start[],
    __rodata_end[], __data_start[], __kernel_end[];

static uint64_t *table_of(paddr_t phys)
{
    return page_to_virt(phys);
}

static unsigned index_of(uint64_t va, int level)
{
    return (va >> (12 + 9 * level)) & (ENTRIES - 1);
}

static uint64_t pte_flags(unsigned vm_flags)
{
    uint64_t flags = PTE_PRESENT;
    if (vm_flags & VM_WRITE) {
        flags |= PTE_WRITE;
    }
    if (vm_flags & VM_USER) {
        flags |= PTE_USER;
    } else {
        flags |= PTE_GLOBAL;
    }
    if (!(vm_flags & VM_EXEC) && has_nx) {
        flags |= PTE_NX;
    }
    if (vm_flags & VM_UNCACHED) {
        flags |= PTE_PCD | PTE_PWT;
    }
    return flags;
}

// The entry for va in the table at `level` (3 = PML4 ... 0 = PT), walking
// down from root and creating missing tables when `create`. NULL if absent
// or out of memory.
static uint64_t *walk(paddr_t root, uint64_t va, int level, bool create)
{
    uint64_t *table = table_of(root);
    for (int l = 3; l > level; l--) {
        uint64_t *entry = &table[index_of(va, l)];
        if (!(*entry & PTE_PRESENT)) {
            if (!create) {
                return NULL;
            }
            paddr_t next = page_alloc(1, PAGE_ZERO);
            if (next == 0) {
                return NULL;
            }
            if (va >= UPPER_HALF) {
                kernel_tables_made++;
            }
            // Intermediate entries are permissive; the leaf decides.
            *entry = next | PTE_PRESENT | PTE_WRITE | PTE_USER;
        } else if (*entry & PTE_LARGE) {
            return NULL;
        }
        table = table_of(*entry & PTE_ADDRESS);
    }
    return &table[index_of(va, level)];
}

int paging_map(paddr_t root, uint64_t va, paddr_t pa, unsigned vm_flags)
{
    uint64_t *pte = walk(root, va, 0, true);
    if (pte == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    bool was_present = *pte & PTE_PRESENT;
    *pte = (pa & PTE_ADDRESS) | pte_flags(vm_flags);
    if (was_present) {
        x64_invlpg(va);
    }
    return 0;
}

paddr_t paging_unmap(paddr_t root, uint64_t va)
{
    uint64_t *pte = walk(root, va, 0, false);
    if (pte == NULL || !(*pte & PTE_PRESENT)) {
        return 0;
    }
    paddr_t old = *pte & PTE_ADDRESS;
    *pte = 0;
    x64_invlpg(va); // current space and global entries; vm.c handles others
    return old;
}

paddr_t paging_lookup(paddr_t root, uint64_t va)
{
    uint64_t *table = table_of(root);
    for (int l = 3; l >= 0; l--) {
        uint64_t entry = table[index_of(va, l)];
        if (!(entry & PTE_PRESENT)) {
            return 0;
        }
        if (l == 0 || (entry & PTE_LARGE)) {
            uint64_t page_mask = (1ULL << (12 + 9 * l)) - 1;
            return (entry & PTE_ADDRESS & ~page_mask) | (va & page_mask);
        }
        table = table_of(entry & PTE_ADDRESS);
    }
    return 0;
}

uint64_t paging_kernel_table_count(void)
{
    return kernel_tables_made;
}

paddr_t paging_create(void)
{
    paddr_t root = page_alloc(1, PAGE_ZERO);
    if (root == 0) {
        return 0;
    }
    memcpy(table_of(root) + ENTRIES / 2, table_of(kernel_root) + ENTRIES / 2,
           ENTRIES / 2 * sizeof(uint64_t));
    return root;
}

static void free_table(paddr_t table, int level)
{
    if (level > 0) {
        uint64_t *entries = table_of(table);
        for (unsigned i = 0; i < ENTRIES; i++) {
            if ((entries[i] & PTE_PRESENT) && !(entries[i] & PTE_LARGE)) {
                free_table(entries[i] & PTE_ADDRESS, level - 1);
            }
        }
    }
    page_free(table, 1);
}

// Tables under `table` at `level`, itself included.
static uint64_t table_count(paddr_t table, int level)
{
    uint64_t n = 1;
    const uint64_t *entries = table_of(table);
    for (unsigned i = 0; level > 0 && i < ENTRIES; i++) {
        if ((entries[i] & PTE_PRESENT) && !(entries[i] & PTE_LARGE)) {
            n += table_count(entries[i] & PTE_ADDRESS, level - 1);
        }
    }
    return n;
}

void paging_free_kernel_range(uint64_t start, uint64_t end)
{
    ASSERT(start >= UPPER_HALF && start % HUGE_PAGE == 0 &&
           end % HUGE_PAGE == 0);
    bool freed = false;
    for (uint64_t va = start; va < end; va += HUGE_PAGE) {
        uint64_t pml4e = table_of(kernel_root)[index_of(va, 3)];
        if (!(pml4e & PTE_PRESENT)) {
            continue;
        }
        uint64_t *pdpte = &table_of(pml4e & PTE_ADDRESS)[index_of(va, 2)];
        if (!(*pdpte & PTE_PRESENT) || (*pdpte & PTE_LARGE)) {
            continue;
        }
        paddr_t pd = *pdpte & PTE_ADDRESS;
        *pdpte = 0;
        kernel_tables_made -= table_count(pd, 1);
        free_table(pd, 1);
        freed = true;
    }
    if (freed) {
        // Every address space shares these entries, and the paging-structure
        // caches of every PCID may hold them: changing CR4.PGE drops all
        // (SDM vol. 3, 4.10.4.1).
        uint64_t cr4 = x64_read_cr4();
        if (cr4 & CR4_PGE) {
            x64_write_cr4(cr4 & ~CR4_PGE);
            x64_write_cr4(cr4);
        } else {
            x64_write_cr3(x64_read_cr3());
        }
    }
}

void paging_destroy(paddr_t root)
{
    ASSERT(root != kernel_root);
    if (root == (x64_read_cr3() & PTE_ADDRESS)) {
        // A kernel thread or kernel-mode process still runs on these tables
        // (see switch_to in sched.c): move it to the kernel's own first.
        x64_write_cr3(kernel_root);
    }
    uint64_t *entries = table_of(root);
    for (unsigned i = 0; i < ENTRIES / 2; i++) {
        if (entries[i] & PTE_PRESENT) {
            free_table(entries[i] & PTE_ADDRESS, 2);
        }
    }
    page_free(root, 1);
}

uint64_t paging_switch_cr3(paddr_t root, uint16_t asid, bool flush)
{
    if ((x64_read_cr3() & PTE_ADDRESS) == root && !flush) {
        return 0;
    }
    uint64_t cr3 = root;
    if (has_pcid) {
        cr3 |= asid & 0xfff;
        if (!flush) {
            cr3 |= CR3_NOFLUSH;
        }
    }
    return cr3;
}

paddr_t paging_kernel_root(void)
{
    return kernel_root;
}

bool paging_has_pcid(void)
{
    return has_pcid;
}

static void detect_features(void)
{
    uint32_t a, b, c, d;
    x64_cpuid(0x80000001, 0, &a, &b, &c, &d);
    has_nx = d & (1u << 20);
    has_huge_pages = d & (1u << 26);
    x64_cpuid(0, 0, &a, &b, &c, &d);
    uint32_t max_leaf = a;
    x64_cpuid(1, 0, &a, &b, &c, &d);
    has_pcid = c & (1u << 17);
    if (max_leaf >= 7) {
        x64_cpuid(7, 0, &a, &b, &c, &d);
        paging_smap = b & (1u << 20);
        bool has_smep = b & (1u << 7);
        uint64_t cr4 = x64_read_cr4() | CR4_PGE;
        if (has_smep) {
            cr4 |= CR4_SMEP;
        }
        if (paging_smap) {
            cr4 |= CR4_SMAP;
        }
        x64_write_cr4(cr4);
        LOG_INFO("cpu: NX %s, SMEP %s, SMAP %s, PCID %s", has_nx ? "on" : "no",
                 has_smep ? "on" : "no", paging_smap ? "on" : "no",
                 has_pcid ? "on" : "no");
    }
}

static void map_or_panic(uint64_t va, paddr_t pa, unsigned flags)
{
    if (paging_map(kernel_root, va, pa, flags) < 0) {
        panic("out of memory building the kernel page tables");
    }
}

static void map_kernel_image(void)
{
    for (uint64_t va = (uint64_t)__text_start; va < (uint64_t)__kernel_end;
         va += PAGE_SIZE) {
        unsigned flags = VM_READ;
        if (va < (uint64_t)__text_end) {
            flags |= VM_EXEC;
        } else if (va >= (uint64_t)__data_start) {
            flags |= VM_WRITE;
        }
        map_or_panic(va, va - KERNEL_BASE, flags);
    }
}

// The direct map in the largest pages the CPU has: 1 GiB ones save a page
// walk level, which under QEMU is one TLB refill fewer after each
// address-space switch for the heap objects the IPC path touches.
static void map_direct(uint64_t phys_end)
{
    int level = has_huge_pages ? 2 : 1;
    uint64_t size = has_huge_pages ? HUGE_PAGE : LARGE_PAGE;
    for (uint64_t pa = 0; pa < phys_end; pa += size) {
        uint64_t *entry = walk(kernel_root, DIRECT_MAP_START + pa, level, true);
        if (entry == NULL) {
            panic("out of memory building the direct map");
        }
        *entry = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE | PTE_GLOBAL |
                 (has_nx ? PTE_NX : 0);
    }
}

void paging_init(uint64_t phys_end)
{
    detect_features();
    if (has_nx) {
        x64_write_msr(EFER_MSR, x64_read_msr(EFER_MSR) | EFER_NXE);
    }
    kernel_root = page_alloc(1, PAGE_ZERO);
    if (kernel_root == 0) {
        panic("no memory for the kernel page tables");
    }
    // Fill every upper-half PML4 slot now, so that later address spaces
    // share all kernel mappings made after they were created.
    uint64_t *pml4 = table_of(kernel_root);
    for (unsigned i = ENTRIES / 2; i < ENTRIES; i++) {
        paddr_t pdpt = page_alloc(1, PAGE_ZERO);
        if (pdpt == 0) {
            panic("no memory for the kernel page tables");
        }
        pml4[i] = pdpt | PTE_PRESENT | PTE_WRITE;
    }
    if (phys_end > DIRECT_MAP_MAX) {
        phys_end = DIRECT_MAP_MAX;
    }
    map_direct(phys_end);
    map_kernel_image();
    x64_write_cr0(x64_read_cr0() | CR0_WP);
    if (has_pcid) {
        x64_write_cr3(kernel_root); // PCIDE needs CR3[11:0] = 0
        x64_write_cr4(x64_read_cr4() | CR4_PCIDE);
    } else {
        x64_write_cr3(kernel_root);
    }
}
