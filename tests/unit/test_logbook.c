// The log book (os/kernel/logbook.c) on the real page allocator over fake
// memory: a
// ring per name, the kernel's from the start, the list of names, eviction
// of the least recently written ring past FTL_LOGS_NAMES_MAX names, and
// numbering that never goes back for a name that is evicted and returns.
// Check runs each test in its own process, so each starts with a fresh
// book.
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/syscall.h>

#include "page.h"
#include "logbook.h"
#include "fake_memory.h"

#define MEM_SIZE (4 * 1024 * 1024) // room for all 63 rings of 16 KiB

static char out[FTL_LOGS_READ_MAX + 1];

static void setup(void)
{
    fake_memory_init(MEM_SIZE);
}

static void teardown(void)
{
    fake_memory_free();
}

static void append(struct logbook_ref *ref, const char *name, const char *text)
{
    char prefix[64];
    int len = snprintf(prefix, sizeof(prefix), "[%s] ", name);
    logbook_append(ref, name, prefix, (size_t)len, text, strlen(text));
}

static long read_after(const char *name, uint64_t cursor, uint64_t *next)
{
    long n = logbook_read(name, cursor, out, sizeof(out) - 1, next);
    out[n > 0 ? n : 0] = '\0';
    return n;
}

static long list(uint64_t *count)
{
    long n = logbook_list(out, sizeof(out) - 1, count);
    out[n > 0 ? n : 0] = '\0';
    return n;
}

START_TEST(the_kernel_ring_is_there_from_the_start)
{
    uint64_t count;
    ck_assert_int_gt(list(&count), 0);
    ck_assert_str_eq(out, "kernel 0\n");
    ck_assert_uint_eq(count, 1);
    ck_assert_uint_eq(logbook_pages(), 0); // static, not from the pages
    append(NULL, "kernel", "booted");
    uint64_t next;
    read_after("kernel", 0, &next);
    ck_assert_str_eq(out, "1 [kernel] booted\n");
}
END_TEST

START_TEST(each_name_has_its_own_ring)
{
    struct logbook_ref a = {0}, b = {0};
    append(&a, "alpha", "a1");
    append(&b, "beta", "b1");
    append(&a, "alpha", "a2");
    uint64_t next;
    read_after("alpha", 0, &next);
    ck_assert_str_eq(out, "1 [alpha] a1\n2 [alpha] a2\n");
    ck_assert_uint_eq(next, 2);
    read_after("beta", 0, &next);
    ck_assert_str_eq(out, "1 [beta] b1\n");
    ck_assert_int_eq(read_after("gamma", 0, &next), FTL_ERR_NOT_FOUND);
    uint64_t count;
    list(&count);
    ck_assert_str_eq(out, "kernel 0\nalpha 2\nbeta 1\n");
    ck_assert_uint_eq(count, 3);
}
END_TEST

START_TEST(writers_without_a_ref_find_the_same_ring)
{
    struct logbook_ref ref = {0};
    append(&ref, "svc", "from the process");
    ck_assert_uint_ne(ref.generation, 0);
    append(NULL, "svc", "from the kernel, about it");
    uint64_t next;
    read_after("svc", 0, &next);
    ck_assert_str_eq(out, "1 [svc] from the process\n"
                          "2 [svc] from the kernel, about it\n");
}
END_TEST

START_TEST(a_list_that_does_not_fit_is_refused)
{
    append(NULL, "alpha", "a1");
    uint64_t count;
    ck_assert_int_eq(logbook_list(out, 10, &count), FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(logbook_list(out, 17, &count),
                     17); // "kernel 0\nalpha 1\n"
}
END_TEST

// Fills all FTL_LOGS_NAMES_MAX slots with names of the longest kind; the
// list fits in FTL_LOGS_LIST_MAX.
START_TEST(the_longest_list_fits_its_bound)
{
    char name[FTL_NAME_MAX];
    for (unsigned i = 1; i < FTL_LOGS_NAMES_MAX; i++) {
        snprintf(name, sizeof(name), "%031u", i);
        append(NULL, name, "x");
    }
    uint64_t count;
    long n = logbook_list(out, FTL_LOGS_LIST_MAX, &count);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq(count, FTL_LOGS_NAMES_MAX);
}
END_TEST

// 63 names fill the book with the kernel's; writing to all but "name1",
// then a 64th new name takes name1's ring, which was written least
// recently. Its memory is reused: no new pages.
START_TEST(a_name_past_the_limit_takes_the_least_recent_ring)
{
    char name[FTL_NAME_MAX];
    for (unsigned i = 1; i < FTL_LOGS_NAMES_MAX; i++) {
        snprintf(name, sizeof(name), "name%u", i);
        append(NULL, name, "hello");
    }
    for (unsigned i = 2; i < FTL_LOGS_NAMES_MAX; i++) {
        snprintf(name, sizeof(name), "name%u", i);
        append(NULL, name, "again");
    }
    append(NULL, "kernel", "the kernel's ring is never taken");
    ck_assert_uint_eq(logbook_pages(),
                      (FTL_LOGS_NAMES_MAX - 1) * LOGBOOK_RING_PAGES);
    uint64_t free_before = page_free_count();
    append(NULL, "newcomer", "hi");
    ck_assert_uint_eq(page_free_count(), free_before);
    ck_assert_uint_eq(logbook_pages(),
                      (FTL_LOGS_NAMES_MAX - 1) * LOGBOOK_RING_PAGES);
    uint64_t next;
    ck_assert_int_eq(read_after("name1", 0, &next), FTL_ERR_NOT_FOUND);
    ck_assert_int_gt(read_after("name2", 0, &next), 0);
    ck_assert_int_gt(read_after("kernel", 0, &next), 0);
    read_after("newcomer", 0, &next);
    ck_assert_str_eq(out, "2 [newcomer] hi\n"); // above name1's last (1)
    uint64_t count;
    list(&count);
    ck_assert_uint_eq(count, FTL_LOGS_NAMES_MAX);
}
END_TEST

// A writer holding a ref to a ring that was given to another name must not
// write into it: it gets a ring of its own again, numbered above where its
// old one had got to, so its readers' cursors still work.
START_TEST(an_evicted_name_returns_numbered_above_its_old_lines)
{
    struct logbook_ref ref = {0};
    for (int i = 0; i < 5; i++) {
        append(&ref, "victim", "old line");
    }
    char name[FTL_NAME_MAX];
    for (unsigned i = 2; i <= FTL_LOGS_NAMES_MAX; i++) {
        snprintf(name, sizeof(name), "name%u", i);
        append(NULL, name, "hello"); // the last one evicts "victim"
    }
    uint64_t next;
    ck_assert_int_eq(read_after("victim", 0, &next), FTL_ERR_NOT_FOUND);
    append(&ref, "victim", "back");
    read_after("victim", 5, &next);
    // Numbers above 5: a reader at cursor 5 sees the new line (and a jump
    // only if numbers were skipped).
    unsigned long long seq;
    ck_assert_int_eq(sscanf(out, "%llu [victim] back\n", &seq), 1);
    ck_assert_uint_gt(seq, 5);
    // The ring it evicted in turn kept its own lines.
    uint64_t count;
    list(&count);
    ck_assert_uint_eq(count, FTL_LOGS_NAMES_MAX);
    ck_assert_ptr_null(strstr(out, "name2 "));
}
END_TEST

// Without memory for a new ring, the least recent ring is taken.
START_TEST(without_memory_a_new_name_takes_a_ring)
{
    append(NULL, "first", "one");
    ck_assert_uint_eq(logbook_pages(), LOGBOOK_RING_PAGES);
    // Take every page so that the next ring cannot be had.
    while (page_alloc(1, 0) != 0) {
    }
    append(NULL, "second", "two");
    uint64_t next;
    ck_assert_int_eq(read_after("first", 0, &next), FTL_ERR_NOT_FOUND);
    read_after("second", 0, &next);
    ck_assert_str_eq(out, "2 [second] two\n");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("logbook");
    TCase *t = tcase_create("book");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, the_kernel_ring_is_there_from_the_start);
    tcase_add_test(t, each_name_has_its_own_ring);
    tcase_add_test(t, writers_without_a_ref_find_the_same_ring);
    tcase_add_test(t, a_list_that_does_not_fit_is_refused);
    tcase_add_test(t, the_longest_list_fits_its_bound);
    tcase_add_test(t, a_name_past_the_limit_takes_the_least_recent_ring);
    tcase_add_test(t, an_evicted_name_returns_numbered_above_its_old_lines);
    tcase_add_test(t, without_memory_a_new_name_takes_a_ring);
    suite_add_tcase(s, t);
    return s;
}
