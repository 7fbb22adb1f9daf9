// The physical page allocator over a fake 8 MiB physical memory (a heap
// buffer seen through a phys_window) described by a PC-like memory map:
// low memory, a reserved hole, the kernel image, a gap, an unaligned region
// with a module and an ACPI table inside, and RAM above the window.
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "bootinfo.h"
#include "page.h"

#define KIB 1024ULL
#define MIB (1024 * KIB)
#define MEM_SIZE (8 * MIB)
#define MEM_PAGES (MEM_SIZE / PAGE_SIZE)
#define GARBAGE 0xa5

static uint8_t *mem;
static struct phys_window window;
static struct boot_info info;
static struct page_range reserved[2];

// The layout, in bytes. Comments give the whole pages each keeps.
#define LOW_END 0x9f800         // usable [0, LOW_END): pages 1-0x9e
#define KERNEL_BASE 0x100000    // usable [1 MiB, 4 MiB) minus the kernel,
#define KERNEL_END 0x180000     // 0x100-0x17f: pages 0x180-0x3ff
#define HIGH_BASE 0x410123      // usable, unaligned both ends:
#define HIGH_END 0x7feff0       // pages 0x411-0x7fd
#define MODULE_BASE 0x500064    // reserved module: pages 0x500-0x502
#define MODULE_SIZE 0x1f9d      //   (ends at 0x502001)
#define ACPI_BASE 0x600000      // ACPI table over usable RAM: page 0x600
#define ABOVE_WINDOW (16 * MIB) // usable [16, 32) MiB, outside the window
#define USABLE_PAGES (0x9e + 0x280 + (0x7fe - 0x411) - 3 - 1)
// Two 256-byte bitmaps for the 0x7fe pages up to the highest usable one.
#define METADATA_PAGES 1

// Whether the layout lets page p be handed out (metadata aside).
static bool page_is_usable(uint64_t p)
{
    uint64_t n = p / PAGE_SIZE;
    bool low = n >= 1 && n < 0x9f;
    bool mid = n >= 0x180 && n < 0x400;
    bool high =
        n >= 0x411 && n < 0x7fe && !(n >= 0x500 && n <= 0x502) && n != 0x600;
    return low || mid || high;
}

static bool is_zero(const uint8_t *p, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != 0) {
            return false;
        }
    }
    return true;
}

static void set_window(uint64_t size)
{
    mem = aligned_alloc(PAGE_SIZE, size);
    ck_assert_ptr_nonnull(mem);
    memset(mem, GARBAGE, size);
    window.offset = (uintptr_t)mem;
    window.limit = size;
    memset(&info, 0, sizeof(info));
}

static void setup(void)
{
    set_window(MEM_SIZE);
    boot_info_add_memory(&info, 0, LOW_END, BOOT_MEMORY_USABLE);
    boot_info_add_memory(&info, LOW_END, 0x100000 - LOW_END,
                         BOOT_MEMORY_RESERVED);
    boot_info_add_memory(&info, 0x100000, 3 * MIB, BOOT_MEMORY_USABLE);
    boot_info_add_memory(&info, HIGH_BASE, HIGH_END - HIGH_BASE,
                         BOOT_MEMORY_USABLE);
    boot_info_add_memory(&info, ACPI_BASE, 0x800, BOOT_MEMORY_ACPI_RECLAIMABLE);
    boot_info_add_memory(&info, ABOVE_WINDOW, 16 * MIB, BOOT_MEMORY_USABLE);
    reserved[0] = (struct page_range){KERNEL_BASE, KERNEL_END - KERNEL_BASE};
    reserved[1] = (struct page_range){MODULE_BASE, MODULE_SIZE};
    ck_assert_int_eq(page_init(&window, &info, reserved, 2), 0);
}

static void teardown(void)
{
    free(mem);
    mem = NULL;
}

// Allocates single pages until none is left; returns how many, each stored
// in out (MEM_PAGES entries).
static unsigned alloc_all(paddr_t *out)
{
    unsigned n = 0;
    paddr_t p;
    while ((p = page_alloc(1, 0)) != 0) {
        ck_assert_uint_lt(n, MEM_PAGES);
        out[n++] = p;
    }
    return n;
}

START_TEST(counts_usable_pages_minus_reserved_and_metadata)
{
    ck_assert_uint_eq(page_total_count(), USABLE_PAGES - METADATA_PAGES);
    ck_assert_uint_eq(page_free_count(), page_total_count());
}
END_TEST

START_TEST(every_usable_page_is_handed_out_exactly_once)
{
    static paddr_t pages[MEM_PAGES];
    static bool seen[MEM_PAGES];
    unsigned n = alloc_all(pages);
    ck_assert_uint_eq(n, USABLE_PAGES - METADATA_PAGES);
    ck_assert_uint_eq(page_free_count(), 0);
    for (unsigned i = 0; i < n; i++) {
        ck_assert_uint_eq(pages[i] % PAGE_SIZE, 0);
        ck_assert_msg(page_is_usable(pages[i]), "page %#lx handed out",
                      (unsigned long)pages[i]);
        ck_assert(!seen[pages[i] / PAGE_SIZE]);
        seen[pages[i] / PAGE_SIZE] = true;
    }
}
END_TEST

START_TEST(metadata_is_not_in_any_page_handed_out)
{
    static paddr_t pages[MEM_PAGES];
    unsigned n = alloc_all(pages);
    for (unsigned i = 0; i < n; i++) {
        memset(page_to_virt(pages[i]), 0xff, PAGE_SIZE);
    }
    for (unsigned i = 0; i < n; i++) {
        ck_assert(page_free(pages[i], 1));
    }
    ck_assert_uint_eq(page_free_count(), n);
    ck_assert_uint_eq(alloc_all(pages), n);
}
END_TEST

START_TEST(out_of_memory_returns_zero_and_freed_page_comes_back)
{
    static paddr_t pages[MEM_PAGES];
    unsigned n = alloc_all(pages);
    ck_assert_uint_eq(page_alloc(1, 0), 0);
    ck_assert_uint_eq(page_alloc(2, PAGE_ZERO), 0);
    ck_assert_uint_eq(page_alloc_below(1, 0, UINT64_MAX), 0);
    ck_assert(page_free(pages[n / 2], 1));
    ck_assert_uint_eq(page_free_count(), 1);
    ck_assert_uint_eq(page_alloc(1, 0), pages[n / 2]);
    ck_assert_uint_eq(page_free_count(), 0);
}
END_TEST

START_TEST(contiguous_run_never_spans_a_hole_or_reserved_range)
{
    // The longest usable run is 0x180-0x3ff, between the kernel and a gap.
    ck_assert_uint_eq(page_alloc(0x281, 0), 0);
    paddr_t p = page_alloc(0x280, 0);
    ck_assert_uint_eq(p, KERNEL_END);
    ck_assert_uint_eq(page_free_count(), USABLE_PAGES - METADATA_PAGES - 0x280);
    ck_assert(page_free(p, 0x280));
}
END_TEST

START_TEST(contiguous_run_is_aligned_and_usable)
{
    paddr_t p = page_alloc(16, 0);
    ck_assert_uint_ne(p, 0);
    ck_assert_uint_eq(p % PAGE_SIZE, 0);
    for (unsigned i = 0; i < 16; i++) {
        ck_assert(page_is_usable(p + i * PAGE_SIZE));
    }
    memset(page_to_virt(p), 1, 16 * PAGE_SIZE);
    ck_assert_uint_eq(page_from_virt(page_to_virt(p)), p);
}
END_TEST

START_TEST(run_found_in_fragmented_memory_across_words)
{
    static paddr_t pages[MEM_PAGES];
    unsigned n = alloc_all(pages);
    // Free 70 pages from 0x1a5 (not word-aligned, spanning two word
    // boundaries) and every other page of 0x200-0x2ff.
    for (unsigned i = 0; i < n; i++) {
        uint64_t page = pages[i] / PAGE_SIZE;
        bool in_run = page >= 0x1a5 && page < 0x1a5 + 70;
        bool sparse = page >= 0x200 && page < 0x300 && page % 2 == 0;
        if (in_run || sparse) {
            ck_assert(page_free(pages[i], 1));
        }
    }
    ck_assert_uint_eq(page_alloc(71, 0), 0);
    ck_assert_uint_eq(page_alloc(70, 0), 0x1a5 * PAGE_SIZE);
    ck_assert_uint_eq(page_alloc(2, 0), 0);
    ck_assert_uint_ne(page_alloc(1, 0), 0);
}
END_TEST

START_TEST(run_straddling_the_search_start_is_found_after_wrapping)
{
    static paddr_t pages[MEM_PAGES];
    alloc_all(pages);
    ck_assert(page_free(0x2f0 * PAGE_SIZE, 0x20));
    // Next-fit resumes after this one, in the middle of the free run.
    ck_assert_uint_eq(page_alloc(8, 0), 0x2f0 * PAGE_SIZE);
    ck_assert(page_free(0x2f0 * PAGE_SIZE, 8));
    ck_assert_uint_eq(page_alloc(0x20, 0), 0x2f0 * PAGE_SIZE);
    ck_assert_uint_eq(page_free_count(), 0);
}
END_TEST

START_TEST(allocation_is_next_fit)
{
    paddr_t a = page_alloc(1, 0);
    paddr_t b = page_alloc(1, 0);
    ck_assert_uint_eq(b, a + PAGE_SIZE);
    ck_assert(page_free(a, 1));
    ck_assert_uint_eq(page_alloc(1, 0), b + PAGE_SIZE);
}
END_TEST

START_TEST(page_zero_fills_the_run_with_zeros)
{
    paddr_t p = page_alloc(3, PAGE_ZERO);
    ck_assert_uint_ne(p, 0);
    ck_assert(is_zero(page_to_virt(p), 3 * PAGE_SIZE));
    memset(page_to_virt(p), GARBAGE, 3 * PAGE_SIZE);
    ck_assert(page_free(p, 3));
    static paddr_t pages[MEM_PAGES];
    unsigned n = alloc_all(pages); // p's pages come back last
    ck_assert(page_free(pages[n - 1], 1));
    p = page_alloc(1, PAGE_ZERO);
    ck_assert(is_zero(page_to_virt(p), PAGE_SIZE));
}
END_TEST

START_TEST(double_free_is_refused_and_changes_nothing)
{
    paddr_t a = page_alloc(1, 0);
    uint64_t free_before = page_free_count();
    ck_assert(page_free(a, 1));
    ck_assert(!page_free(a, 1));
    ck_assert_uint_eq(page_free_count(), free_before + 1);

    paddr_t b = page_alloc(4, 0);
    ck_assert(page_free(b + PAGE_SIZE, 1));
    free_before = page_free_count();
    ck_assert(!page_free(b, 4)); // one of the four is already free
    ck_assert_uint_eq(page_free_count(), free_before);
    ck_assert(page_free(b, 1));
    ck_assert(page_free(b + 2 * PAGE_SIZE, 2));
    ck_assert_uint_eq(page_free_count(), page_total_count());
}
END_TEST

START_TEST(freeing_pages_never_handed_out_is_refused)
{
    paddr_t a = page_alloc(2, 0);
    uint64_t free_before = page_free_count();
    ck_assert(!page_free(0, 1));                      // page 0
    ck_assert(!page_free(KERNEL_BASE, 1));            // reserved
    ck_assert(!page_free(0x500000, 1));               // module
    ck_assert(!page_free(0x400000, 1));               // gap in the map
    ck_assert(!page_free(ABOVE_WINDOW, 1));           // outside the window
    ck_assert(!page_free(UINT64_MAX & ~0xfffULL, 1)); // far out
    ck_assert(!page_free(a + 8, 1));                  // unaligned
    ck_assert(!page_free(a, 0));                      // nothing
    ck_assert(!page_free(a, UINT_MAX));               // past the end
    ck_assert(!page_free(KERNEL_END - PAGE_SIZE, 2)); // half reserved
    ck_assert_uint_eq(page_free_count(), free_before);
    ck_assert(page_free(a, 2));
}
END_TEST

START_TEST(alloc_below_keeps_every_page_under_the_limit)
{
    const uint64_t limit = 2 * MIB;
    unsigned n = 0;
    paddr_t p;
    while ((p = page_alloc_below(1, 0, limit)) != 0) {
        ck_assert_uint_le(p + PAGE_SIZE, limit);
        n++;
    }
    // Low memory and 0x180-0x1ff, less the metadata page (in low memory).
    ck_assert_uint_eq(n, 0x9e + 0x80 - METADATA_PAGES);
    ck_assert_uint_ne(page_alloc(1, 0), 0); // higher memory is still there

    ck_assert_uint_eq(page_alloc_below(1, 0, PAGE_SIZE), 0);
    ck_assert_uint_eq(page_alloc_below(1, 0, 0), 0);
}
END_TEST

START_TEST(alloc_below_run_ends_at_or_under_an_unaligned_limit)
{
    // Pages 0x180-0x183 end at 0x184000; a limit 1 byte short refuses the
    // fourth page there.
    paddr_t run = page_alloc_below(4, 0, 0x184000);
    ck_assert_uint_ne(run, 0);
    ck_assert_uint_le(run + 4 * PAGE_SIZE, 0x184000);
    static paddr_t pages[MEM_PAGES];
    alloc_all(pages);
    ck_assert(page_free(0x180000, 4));
    ck_assert_uint_eq(page_alloc_below(4, 0, 0x183fff), 0);
    ck_assert_uint_eq(page_alloc_below(4, 0, 0x184000), 0x180000);
}
END_TEST

START_TEST(free_count_returns_to_start_after_mixed_alloc_and_free)
{
    enum { LIVE = 64 };
    static bool taken[MEM_PAGES];
    paddr_t base[LIVE] = {0};
    unsigned count[LIVE] = {0};
    uint64_t start = page_free_count();
    uint32_t rng = 12345;
    for (unsigned round = 0; round < 4000; round++) {
        rng = rng * 1103515245 + 12345;
        unsigned i = (rng >> 16) % LIVE;
        if (base[i] != 0) {
            for (unsigned k = 0; k < count[i]; k++) {
                taken[base[i] / PAGE_SIZE + k] = false;
            }
            ck_assert(page_free(base[i], count[i]));
            base[i] = 0;
            continue;
        }
        count[i] = 1 + (rng >> 8) % 9;
        base[i] = page_alloc(count[i], 0);
        ck_assert_uint_ne(base[i], 0);
        for (unsigned k = 0; k < count[i]; k++) {
            ck_assert(page_is_usable(base[i] + k * PAGE_SIZE));
            ck_assert(!taken[base[i] / PAGE_SIZE + k]);
            taken[base[i] / PAGE_SIZE + k] = true;
        }
    }
    for (unsigned i = 0; i < LIVE; i++) {
        if (base[i] != 0) {
            ck_assert(page_free(base[i], count[i]));
        }
    }
    ck_assert_uint_eq(page_free_count(), start);
}
END_TEST

START_TEST(unaligned_region_edges_are_trimmed)
{
    free(mem);
    set_window(64 * KIB);
    boot_info_add_memory(&info, 0x1800, 0x4000, BOOT_MEMORY_USABLE);
    ck_assert_int_eq(page_init(&window, &info, NULL, 0), 0);
    // Only pages 2-4 lie wholly inside [0x1800, 0x5800); one holds the
    // bitmaps.
    ck_assert_uint_eq(page_total_count(), 2);
    paddr_t a = page_alloc(1, 0);
    paddr_t b = page_alloc(1, 0);
    ck_assert(a >= 0x2000 && a < 0x5000);
    ck_assert(b >= 0x2000 && b < 0x5000);
    ck_assert_uint_ne(a, b);
    ck_assert_uint_eq(page_alloc(1, 0), 0);
}
END_TEST

START_TEST(overlapping_usable_regions_are_counted_once)
{
    memset(&info, 0, sizeof(info));
    boot_info_add_memory(&info, 1 * MIB, 1 * MIB, BOOT_MEMORY_USABLE);
    boot_info_add_memory(&info, 1 * MIB, 1 * MIB, BOOT_MEMORY_USABLE);
    boot_info_add_memory(&info, 1 * MIB + 512 * KIB, 1 * MIB,
                         BOOT_MEMORY_USABLE);
    ck_assert_int_eq(page_init(&window, &info, NULL, 0), 0);
    ck_assert_uint_eq(page_total_count(), 0x180 - METADATA_PAGES);
}
END_TEST

START_TEST(reinit_forgets_earlier_allocations)
{
    page_alloc(10, 0);
    ck_assert_int_eq(page_init(&window, &info, reserved, 2), 0);
    ck_assert_uint_eq(page_free_count(), USABLE_PAGES - METADATA_PAGES);
}
END_TEST

START_TEST(no_usable_memory_is_an_error)
{
    memset(&info, 0, sizeof(info));
    ck_assert_int_eq(page_init(&window, &info, NULL, 0), FTL_ERR_NO_MEMORY);
    ck_assert_uint_eq(page_alloc(1, 0), 0);
    ck_assert(!page_free(0x1000, 1));

    boot_info_add_memory(&info, 0, PAGE_SIZE, BOOT_MEMORY_USABLE); // page 0
    boot_info_add_memory(&info, ABOVE_WINDOW, MIB, BOOT_MEMORY_USABLE);
    boot_info_add_memory(&info, 0x1800, 0x1000, BOOT_MEMORY_USABLE); // no
    boot_info_add_memory(&info, KERNEL_BASE, MIB, BOOT_MEMORY_USABLE);
    struct page_range all = {KERNEL_BASE, MIB};
    ck_assert_int_eq(page_init(&window, &info, &all, 1), FTL_ERR_NO_MEMORY);
    ck_assert_uint_eq(page_total_count(), 0);
    ck_assert_uint_eq(page_alloc(1, 0), 0);
}
END_TEST

START_TEST(one_usable_page_only_holds_the_metadata)
{
    memset(&info, 0, sizeof(info));
    boot_info_add_memory(&info, 0x3000, PAGE_SIZE, BOOT_MEMORY_USABLE);
    ck_assert_int_eq(page_init(&window, &info, NULL, 0), 0);
    ck_assert_uint_eq(page_total_count(), 0);
    ck_assert_uint_eq(page_alloc(1, 0), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("page");
    TCase *t = tcase_create("allocator");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, counts_usable_pages_minus_reserved_and_metadata);
    tcase_add_test(t, every_usable_page_is_handed_out_exactly_once);
    tcase_add_test(t, metadata_is_not_in_any_page_handed_out);
    tcase_add_test(t, out_of_memory_returns_zero_and_freed_page_comes_back);
    tcase_add_test(t, contiguous_run_never_spans_a_hole_or_reserved_range);
    tcase_add_test(t, contiguous_run_is_aligned_and_usable);
    tcase_add_test(t, run_found_in_fragmented_memory_across_words);
    tcase_add_test(t, run_straddling_the_search_start_is_found_after_wrapping);
    tcase_add_test(t, allocation_is_next_fit);
    tcase_add_test(t, page_zero_fills_the_run_with_zeros);
    tcase_add_test(t, double_free_is_refused_and_changes_nothing);
    tcase_add_test(t, freeing_pages_never_handed_out_is_refused);
    tcase_add_test(t, alloc_below_keeps_every_page_under_the_limit);
    tcase_add_test(t, alloc_below_run_ends_at_or_under_an_unaligned_limit);
    tcase_add_test(t, free_count_returns_to_start_after_mixed_alloc_and_free);
    tcase_add_test(t, unaligned_region_edges_are_trimmed);
    tcase_add_test(t, overlapping_usable_regions_are_counted_once);
    tcase_add_test(t, reinit_forgets_earlier_allocations);
    tcase_add_test(t, no_usable_memory_is_an_error);
    tcase_add_test(t, one_usable_page_only_holds_the_metadata);
    suite_add_tcase(s, t);
    return s;
}
