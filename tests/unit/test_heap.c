// The kernel heap on the real page allocator over a fake physical memory:
// every size from 1 to 8192 bytes, alignment, zeroing, no overlap, pages
// going back to the page allocator, exhaustion and refused sizes.
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "heap.h"
#include "page.h"
#include "fake_memory.h"

#define MIB (1024 * 1024)
#define SIZE_TOP 8192

static void setup(void)
{
    fake_memory_init(64 * MIB);
}

static void teardown(void)
{
    fake_memory_free();
}

static void assert_stats_empty(void)
{
    struct heap_stats stats;
    heap_get_stats(&stats);
    ck_assert_uint_eq(stats.bytes_in_use, 0);
    ck_assert_uint_eq(stats.allocations, 0);
    ck_assert_uint_eq(stats.pages, 0);
}

// Byte checks return a bool, asserted once per block: each ck_assert costs
// a message to the parent process.
static bool all_bytes(const uint8_t *p, size_t size, uint8_t value)
{
    for (size_t i = 0; i < size; i++) {
        if (p[i] != value) {
            return false;
        }
    }
    return true;
}

static bool is_zero(const uint8_t *p, size_t size)
{
    return all_bytes(p, size, 0);
}

static uint8_t pattern(size_t index)
{
    return (uint8_t)(index * 7 + 1);
}

START_TEST(every_size_to_8192_is_aligned_zeroed_and_disjoint)
{
    static uint8_t *blocks[SIZE_TOP + 1];
    uint64_t free_before = page_free_count();
    for (size_t size = 1; size <= SIZE_TOP; size++) {
        blocks[size] = heap_alloc(size);
        ck_assert_ptr_nonnull(blocks[size]);
        ck_assert_uint_eq((uintptr_t)blocks[size] % 16, 0);
        ck_assert_msg(is_zero(blocks[size], size), "size %zu not zeroed", size);
        memset(blocks[size], pattern(size), size);
    }
    // Any overlap would have overwritten an earlier pattern.
    for (size_t size = 1; size <= SIZE_TOP; size++) {
        ck_assert_msg(all_bytes(blocks[size], size, pattern(size)),
                      "size %zu overwritten", size);
    }
    for (size_t size = 1; size <= SIZE_TOP; size++) {
        heap_free(blocks[size]);
    }
    assert_stats_empty();
    ck_assert_uint_eq(page_free_count(), free_before);
}
END_TEST

START_TEST(odd_sizes_around_class_and_page_edges_work)
{
    static const size_t sizes[] = {3,    15,   17,   31,    33,    1000,
                                   1023, 1025, 2047, 2049,  4079,  4080,
                                   4081, 4095, 4096, 12345, 100000};
    enum { COUNT = sizeof(sizes) / sizeof(sizes[0]) };
    uint8_t *blocks[COUNT];
    for (unsigned i = 0; i < COUNT; i++) {
        blocks[i] = heap_alloc(sizes[i]);
        ck_assert_ptr_nonnull(blocks[i]);
        ck_assert_uint_eq((uintptr_t)blocks[i] % 16, 0);
        ck_assert(is_zero(blocks[i], sizes[i]));
        memset(blocks[i], pattern(i), sizes[i]);
    }
    for (unsigned i = 0; i < COUNT; i++) {
        ck_assert(all_bytes(blocks[i], sizes[i], pattern(i)));
        heap_free(blocks[i]);
    }
    assert_stats_empty();
}
END_TEST

START_TEST(reused_memory_is_zeroed_again)
{
    uint8_t *a = heap_alloc(100);
    memset(a, 0xff, 100);
    uint8_t *keep = heap_alloc(100); // keeps the slab alive
    heap_free(a);
    uint8_t *b = heap_alloc(100);
    ck_assert_ptr_eq(b, a); // the freed slot is reused
    ck_assert(is_zero(b, 100));
    heap_free(b);
    heap_free(keep);
}
END_TEST

START_TEST(freeing_everything_returns_every_page)
{
    enum { COUNT = 3000 };
    static void *blocks[COUNT];
    uint64_t free_before = page_free_count();
    for (unsigned i = 0; i < COUNT; i++) {
        blocks[i] = heap_alloc(16u << (i % 9)); // 16 .. 4096 bytes
        ck_assert_ptr_nonnull(blocks[i]);
    }
    ck_assert_uint_lt(page_free_count(), free_before);
    // Free in an order unlike the allocation order: odd, then even.
    for (unsigned i = 1; i < COUNT; i += 2) {
        heap_free(blocks[i]);
    }
    for (unsigned i = 0; i < COUNT; i += 2) {
        heap_free(blocks[i]);
    }
    assert_stats_empty();
    ck_assert_uint_eq(page_free_count(), free_before);
}
END_TEST

START_TEST(stats_count_blocks_bytes_and_pages)
{
    void *small = heap_alloc(20);   // 32-byte class, one slab page
    void *large = heap_alloc(5000); // 16-byte header + 5000: two pages
    struct heap_stats stats;
    heap_get_stats(&stats);
    ck_assert_uint_eq(stats.allocations, 2);
    ck_assert_uint_eq(stats.bytes_in_use, 32 + 2 * PAGE_SIZE);
    ck_assert_uint_eq(stats.pages, 3);
    heap_free(large);
    heap_free(small);
    assert_stats_empty();
}
END_TEST

START_TEST(large_block_spans_contiguous_pages)
{
    uint8_t *p = heap_alloc(3 * PAGE_SIZE);
    ck_assert_ptr_nonnull(p);
    memset(p, 0x5a, 3 * PAGE_SIZE);
    paddr_t phys = page_from_virt(p);
    ck_assert_ptr_eq(page_to_virt(phys + 3 * PAGE_SIZE - 1),
                     p + 3 * PAGE_SIZE - 1);
    heap_free(p);
    assert_stats_empty();
}
END_TEST

START_TEST(free_null_does_nothing)
{
    heap_free(NULL);
    struct heap_stats stats;
    heap_get_stats(&stats);
    ck_assert_uint_eq(stats.invalid_frees, 0);
    assert_stats_empty();
}
END_TEST

START_TEST(double_and_interior_frees_are_refused_and_counted)
{
    uint8_t *keep = heap_alloc(64);
    uint8_t *a = heap_alloc(64);
    heap_free(a);
    heap_free(a);      // already free
    heap_free(a + 16); // not the start of a slot
    uint8_t *big = heap_alloc(10000);
    heap_free(big + 16);
    heap_free(big);
    heap_free(big);
    struct heap_stats stats;
    heap_get_stats(&stats);
    ck_assert_uint_eq(stats.invalid_frees, 4);
    ck_assert_uint_eq(stats.allocations, 1);
    heap_free(keep);
    assert_stats_empty();
}
END_TEST

START_TEST(zero_and_huge_sizes_give_null)
{
    uint64_t free_before = page_free_count();
    ck_assert_ptr_null(heap_alloc(0));
    ck_assert_ptr_null(heap_alloc(SIZE_MAX));
    ck_assert_ptr_null(heap_alloc(SIZE_MAX / 2));
    ck_assert_ptr_null(heap_alloc(SIZE_MAX - PAGE_SIZE + 2));
    ck_assert_ptr_null(heap_alloc((size_t)HEAP_ALLOC_MAX + 1));
    ck_assert_ptr_null(heap_alloc(128 * MIB)); // allowed, but too big here
    ck_assert_uint_eq(page_free_count(), free_before);
    assert_stats_empty();
}
END_TEST

START_TEST(exhaustion_gives_null_and_recovers)
{
    fake_memory_free();
    fake_memory_init(64 * 1024); // 15 usable pages, one for the bitmaps
    uint64_t free_before = page_free_count();
    enum { MAX = 1000 };
    void *blocks[MAX];
    unsigned n = 0;
    while (n < MAX && (blocks[n] = heap_alloc(100)) != NULL) {
        n++;
    }
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_lt(n, MAX);
    ck_assert_uint_eq(page_free_count(), 0);
    ck_assert_ptr_null(heap_alloc(100));
    ck_assert_ptr_null(heap_alloc(16));   // a fresh class needs a page too
    ck_assert_ptr_null(heap_alloc(5000)); // and so does a large block
    for (unsigned i = 0; i < n; i++) {
        heap_free(blocks[i]);
    }
    assert_stats_empty();
    ck_assert_uint_eq(page_free_count(), free_before);
    void *big = heap_alloc(8 * PAGE_SIZE);
    ck_assert_ptr_nonnull(big);
    heap_free(big);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("heap");
    TCase *t = tcase_create("heap");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, every_size_to_8192_is_aligned_zeroed_and_disjoint);
    tcase_add_test(t, odd_sizes_around_class_and_page_edges_work);
    tcase_add_test(t, reused_memory_is_zeroed_again);
    tcase_add_test(t, freeing_everything_returns_every_page);
    tcase_add_test(t, stats_count_blocks_bytes_and_pages);
    tcase_add_test(t, large_block_spans_contiguous_pages);
    tcase_add_test(t, free_null_does_nothing);
    tcase_add_test(t, double_and_interior_frees_are_refused_and_counted);
    tcase_add_test(t, zero_and_huge_sizes_give_null);
    tcase_add_test(t, exhaustion_gives_null_and_recovers);
    suite_add_tcase(s, t);
    return s;
}
