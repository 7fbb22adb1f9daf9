// Handle tables and object reference counts, on the real heap and page
// allocator over a fake physical memory. Test objects count how often they
// are destroyed, so every leaked or extra reference shows.
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/handle.h>

#include "bootinfo.h"
#include "handle.h"
#include "heap.h"
#include "object.h"
#include "page.h"
#include "fake_memory.h"

#define MEM_SIZE (8 * 1024 * 1024)

static unsigned destroyed;
static uint64_t free_pages_at_start;

struct test_object {
    struct object head;
    unsigned id;
};

static void test_object_destroy(struct object *o)
{
    destroyed++;
    heap_free(o);
}

static struct object *test_object_create(enum object_type type)
{
    struct test_object *t = heap_alloc(sizeof(*t));
    ck_assert_ptr_nonnull(t);
    object_init(&t->head, type, test_object_destroy);
    return &t->head;
}

static void setup(void)
{
    fake_memory_init(MEM_SIZE);
    free_pages_at_start = page_free_count();
    destroyed = 0;
}

static void teardown(void)
{
    fake_memory_free();
}

// Nothing left on the heap: every object and table was freed.
static void assert_no_leaks(void)
{
    struct heap_stats stats;
    heap_get_stats(&stats);
    ck_assert_uint_eq(stats.allocations, 0);
    ck_assert_uint_eq(page_free_count(), free_pages_at_start);
}

START_TEST(added_handle_looks_up_its_object_until_closed)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, HANDLE_TABLE_MAX_DEFAULT), 0);
    struct object *o = test_object_create(OBJECT_CHANNEL);
    handle_t h = handle_add(&t, o, FTL_RIGHT_READ | FTL_RIGHT_WRITE);
    ck_assert_int_gt(h, 0);
    ck_assert_uint_eq(o->refcount, 2);
    ck_assert_uint_eq(handle_count(&t), 1);

    struct object *out = NULL;
    ck_assert_int_eq(
        handle_lookup(&t, h, OBJECT_CHANNEL, FTL_RIGHT_WRITE, &out), 0);
    ck_assert_ptr_eq(out, o);
    out = NULL;
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_NONE, 0, &out), 0);
    ck_assert_ptr_eq(out, o);
    ck_assert_uint_eq(o->refcount, 2); // lookups borrow

    ck_assert_int_eq(handle_close(&t, h), 0);
    ck_assert_uint_eq(o->refcount, 1);
    ck_assert_uint_eq(handle_count(&t), 0);
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_NONE, 0, &out),
                     FTL_ERR_BAD_HANDLE);
    ck_assert_int_eq(handle_close(&t, h), FTL_ERR_BAD_HANDLE);
    ck_assert_uint_eq(destroyed, 0);
    object_put(o);
    ck_assert_uint_eq(destroyed, 1);
    handle_table_destroy(&t);
    assert_no_leaks();
}
END_TEST

START_TEST(wrong_type_is_a_bad_handle)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 16), 0);
    struct object *o = test_object_create(OBJECT_CHANNEL);
    handle_t h = handle_add(&t, o, FTL_RIGHTS_ALL);
    struct object *out = NULL;
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_PROCESS, 0, &out),
                     FTL_ERR_BAD_HANDLE);
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_VMAREA, FTL_RIGHT_MAP, &out),
                     FTL_ERR_BAD_HANDLE);
    ck_assert_ptr_null(out);
    object_put(o);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, 1);
    assert_no_leaks();
}
END_TEST

START_TEST(missing_rights_are_not_allowed)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 16), 0);
    struct object *o = test_object_create(OBJECT_VMAREA);
    handle_t h = handle_add(&t, o, FTL_RIGHT_READ | FTL_RIGHT_MAP);
    struct object *out = NULL;
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_VMAREA, FTL_RIGHT_WRITE, &out),
                     FTL_ERR_NOT_ALLOWED);
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_VMAREA,
                                   FTL_RIGHT_READ | FTL_RIGHT_WRITE, &out),
                     FTL_ERR_NOT_ALLOWED);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_VMAREA,
                                   FTL_RIGHT_READ | FTL_RIGHT_MAP, &out),
                     0);
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_VMAREA, 0, &out), 0);
    // The type is checked before the rights.
    ck_assert_int_eq(handle_lookup(&t, h, OBJECT_SINK, FTL_RIGHT_WRITE, &out),
                     FTL_ERR_BAD_HANDLE);
    object_put(o);
    handle_table_destroy(&t);
    assert_no_leaks();
}
END_TEST

START_TEST(stale_handle_after_close_and_slot_reuse_is_refused)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 16), 0);
    struct object *a = test_object_create(OBJECT_CHANNEL);
    struct object *b = test_object_create(OBJECT_CHANNEL);
    handle_t old = handle_add(&t, a, FTL_RIGHTS_ALL);
    ck_assert_int_eq(handle_close(&t, old), 0);
    handle_t now = handle_add(&t, b, FTL_RIGHTS_ALL);
    ck_assert_int_eq(now & (HANDLE_SLOTS_MAX - 1),
                     old & (HANDLE_SLOTS_MAX - 1));
    ck_assert_int_ne(now, old);

    struct object *out = NULL;
    ck_assert_int_eq(handle_lookup(&t, old, OBJECT_NONE, 0, &out),
                     FTL_ERR_BAD_HANDLE);
    ck_assert_int_eq(handle_close(&t, old), FTL_ERR_BAD_HANDLE);
    ck_assert_int_eq(handle_remove(&t, old, &out, NULL), FTL_ERR_BAD_HANDLE);
    ck_assert_int_eq(handle_lookup(&t, now, OBJECT_NONE, 0, &out), 0);
    ck_assert_ptr_eq(out, b);
    ck_assert_uint_eq(b->refcount, 2);
    object_put(a);
    object_put(b);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, 2);
    assert_no_leaks();
}
END_TEST

START_TEST(generation_wraps_without_zero_or_negative_handles)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 1), 0);
    struct object *o = test_object_create(OBJECT_TIMER);
    handle_t first = handle_add(&t, o, 0);
    handle_t previous = first;
    ck_assert_int_eq(handle_close(&t, first), 0);
    bool all_good = true;
    unsigned repeats_first = 0;
    // Two full turns of the generation counter.
    for (unsigned i = 0; i < 2 * HANDLE_GENERATION_MAX; i++) {
        handle_t h = handle_add(&t, o, 0);
        all_good &= h > 0 && h != previous && handle_close(&t, h) == 0;
        repeats_first += h == first;
        previous = h;
    }
    ck_assert(all_good);
    ck_assert_uint_eq(repeats_first, 2);
    ck_assert_uint_eq(o->refcount, 1);
    object_put(o);
    handle_table_destroy(&t);
    assert_no_leaks();
}
END_TEST

START_TEST(limit_gives_limit_error_then_works_after_a_close)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 8), 0);
    struct object *o = test_object_create(OBJECT_SINK);
    handle_t handles[8];
    for (unsigned i = 0; i < 8; i++) {
        handles[i] = handle_add(&t, o, FTL_RIGHT_READ);
        ck_assert_int_gt(handles[i], 0);
    }
    ck_assert_int_eq(handle_add(&t, o, FTL_RIGHT_READ), FTL_ERR_LIMIT);
    ck_assert_uint_eq(o->refcount, 9); // the refused add took nothing
    ck_assert_uint_eq(handle_count(&t), 8);
    ck_assert_int_eq(handle_close(&t, handles[3]), 0);
    handle_t h = handle_add(&t, o, FTL_RIGHT_READ);
    ck_assert_int_gt(h, 0);
    ck_assert_int_eq(handle_add(&t, o, FTL_RIGHT_READ), FTL_ERR_LIMIT);
    object_put(o);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, 1);
    assert_no_leaks();
}
END_TEST

START_TEST(growth_keeps_existing_handles_valid)
{
    enum { COUNT = HANDLE_TABLE_MAX_DEFAULT };
    static handle_t handles[COUNT];
    static struct object *objects[COUNT];
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, COUNT), 0);
    unsigned initial_capacity = t.capacity;
    for (unsigned i = 0; i < COUNT; i++) {
        objects[i] = test_object_create(OBJECT_THREAD);
        ((struct test_object *)objects[i])->id = i;
        handles[i] = handle_add(&t, objects[i], FTL_RIGHT_MANAGE);
        ck_assert_int_gt(handles[i], 0);
        object_put(objects[i]); // the table holds the only reference
    }
    ck_assert_uint_lt(initial_capacity, COUNT);
    ck_assert_uint_eq(t.capacity, COUNT);
    ck_assert_int_eq(handle_add(&t, objects[0], 0), FTL_ERR_LIMIT);
    for (unsigned i = 0; i < COUNT; i++) {
        struct object *out = NULL;
        ck_assert_int_eq(handle_lookup(&t, handles[i], OBJECT_THREAD,
                                       FTL_RIGHT_MANAGE, &out),
                         0);
        ck_assert_uint_eq(((struct test_object *)out)->id, i);
    }
    ck_assert_uint_eq(destroyed, 0);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, COUNT);
    assert_no_leaks();
}
END_TEST

START_TEST(largest_table_holds_every_slot)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, HANDLE_SLOTS_MAX), 0);
    struct object *o = test_object_create(OBJECT_INTERRUPT);
    handle_t last = 0;
    for (unsigned i = 0; i < HANDLE_SLOTS_MAX; i++) {
        last = handle_add(&t, o, 0);
        ck_assert_int_gt(last, 0);
    }
    ck_assert_int_eq(last & (HANDLE_SLOTS_MAX - 1), HANDLE_SLOTS_MAX - 1);
    ck_assert_int_eq(handle_add(&t, o, 0), FTL_ERR_LIMIT);
    struct object *out;
    ck_assert_int_eq(handle_lookup(&t, last, OBJECT_INTERRUPT, 0, &out), 0);
    object_put(o);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, 1);
    assert_no_leaks();
}
END_TEST

// A closed slot is the next one used, the lowest first, whatever the
// search's starting point (handle.h, free_from) had moved past.
START_TEST(the_lowest_free_slot_is_used_first)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 64), 0);
    struct object *o = test_object_create(OBJECT_INTERRUPT);
    handle_t h[10];
    for (unsigned i = 0; i < 10; i++) {
        h[i] = handle_add(&t, o, 0);
        ck_assert_uint_eq(h[i] & (HANDLE_SLOTS_MAX - 1), i);
    }
    ck_assert_int_eq(handle_close(&t, h[7]), 0);
    ck_assert_int_eq(handle_close(&t, h[3]), 0);
    ck_assert_uint_eq(handle_add(&t, o, 0) & (HANDLE_SLOTS_MAX - 1), 3);
    ck_assert_uint_eq(handle_add(&t, o, 0) & (HANDLE_SLOTS_MAX - 1), 7);
    ck_assert_uint_eq(handle_add(&t, o, 0) & (HANDLE_SLOTS_MAX - 1), 10);
    object_put(o);
    handle_table_destroy(&t);
    assert_no_leaks();
}
END_TEST

START_TEST(bad_table_sizes_are_refused)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 0), FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(handle_table_init(&t, HANDLE_SLOTS_MAX + 1),
                     FTL_ERR_INVALID_ARG);
    assert_no_leaks();
}
END_TEST

START_TEST(destroy_drops_every_reference)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 16), 0);
    unsigned channels = object_count(OBJECT_CHANNEL);
    struct object *objects[3];
    for (unsigned i = 0; i < 3; i++) {
        objects[i] = test_object_create(OBJECT_CHANNEL);
        for (unsigned k = 0; k <= i; k++) { // 1, 2 and 3 handles
            ck_assert_int_gt(handle_add(&t, objects[i], FTL_RIGHTS_ALL), 0);
        }
        object_put(objects[i]);
    }
    ck_assert_uint_eq(object_count(OBJECT_CHANNEL), channels + 3);
    ck_assert_uint_eq(handle_count(&t), 6);
    ck_assert_uint_eq(destroyed, 0);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, 3);
    ck_assert_uint_eq(object_count(OBJECT_CHANNEL), channels);
    assert_no_leaks();
}
END_TEST

START_TEST(remove_hands_the_reference_to_the_caller)
{
    struct handle_table from, to;
    ck_assert_int_eq(handle_table_init(&from, 16), 0);
    ck_assert_int_eq(handle_table_init(&to, 16), 0);
    struct object *o = test_object_create(OBJECT_CHANNEL);
    handle_t h = handle_add(&from, o, FTL_RIGHT_WRITE | FTL_RIGHT_TRANSFER);
    object_put(o); // only the handle holds it now

    struct object *moved = NULL;
    uint32_t rights = 0;
    ck_assert_int_eq(handle_remove(&from, h, &moved, &rights), 0);
    ck_assert_ptr_eq(moved, o);
    ck_assert_uint_eq(rights, FTL_RIGHT_WRITE | FTL_RIGHT_TRANSFER);
    ck_assert_uint_eq(o->refcount, 1); // the caller's now
    ck_assert_uint_eq(destroyed, 0);
    ck_assert_uint_eq(handle_count(&from), 0);
    struct object *out;
    ck_assert_int_eq(handle_lookup(&from, h, OBJECT_NONE, 0, &out),
                     FTL_ERR_BAD_HANDLE);

    // Received on the other side: a new handle, then the in-flight
    // reference is dropped.
    handle_t received = handle_add(&to, moved, FTL_RIGHT_WRITE);
    object_put(moved);
    ck_assert_int_gt(received, 0);
    ck_assert_uint_eq(o->refcount, 1);
    handle_table_destroy(&from);
    ck_assert_uint_eq(destroyed, 0);
    handle_table_destroy(&to);
    ck_assert_uint_eq(destroyed, 1);
    assert_no_leaks();
}
END_TEST

START_TEST(remove_without_rights_out_works)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 4), 0);
    struct object *o = test_object_create(OBJECT_PROCESS);
    handle_t h = handle_add(&t, o, FTL_RIGHT_MANAGE);
    struct object *out = NULL;
    ck_assert_int_eq(handle_remove(&t, h, &out, NULL), 0);
    ck_assert_ptr_eq(out, o);
    object_put(out);
    object_put(o);
    ck_assert_uint_eq(destroyed, 1);
    handle_table_destroy(&t);
    assert_no_leaks();
}
END_TEST

START_TEST(zero_negative_and_forged_handles_are_refused)
{
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 16), 0);
    struct object *o = test_object_create(OBJECT_CHANNEL);
    handle_t h = handle_add(&t, o, FTL_RIGHTS_ALL);
    const handle_t bad[] = {
        FTL_HANDLE_INVALID,
        -1,
        -h,
        INT32_MIN,
        INT32_MAX,
        h + (1 << HANDLE_SLOT_BITS), // next generation of its slot
        1,                           // slot 0, generation 0: never made
        h + 1,                       // a free slot
        h | (HANDLE_SLOTS_MAX - 1),  // past the table's capacity
        (handle_t)((uint32_t)h | 1u << 31),
    };
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct object *out = NULL;
        ck_assert_int_eq(handle_lookup(&t, bad[i], OBJECT_NONE, 0, &out),
                         FTL_ERR_BAD_HANDLE);
        ck_assert_int_eq(handle_remove(&t, bad[i], &out, NULL),
                         FTL_ERR_BAD_HANDLE);
        ck_assert_int_eq(handle_close(&t, bad[i]), FTL_ERR_BAD_HANDLE);
        ck_assert_ptr_null(out);
    }
    ck_assert_uint_eq(handle_count(&t), 1);
    ck_assert_uint_eq(o->refcount, 2);
    object_put(o);
    handle_table_destroy(&t);
    assert_no_leaks();
}
END_TEST

// Takes every free page, so the heap cannot grow.
static unsigned exhaust_pages(paddr_t *pages, unsigned max)
{
    unsigned n = 0;
    paddr_t p;
    while (n < max && (p = page_alloc(1, 0)) != 0) {
        pages[n++] = p;
    }
    return n;
}

START_TEST(failed_growth_gives_no_memory_and_keeps_the_table)
{
    static paddr_t pages[MEM_SIZE / PAGE_SIZE];
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 64), 0);
    unsigned initial = t.capacity;
    struct object *o = test_object_create(OBJECT_CHANNEL);
    handle_t handles[64];
    for (unsigned i = 0; i < initial; i++) {
        handles[i] = handle_add(&t, o, 0);
    }
    unsigned taken = exhaust_pages(pages, sizeof(pages) / sizeof(pages[0]));
    ck_assert_int_eq(handle_add(&t, o, 0), FTL_ERR_NO_MEMORY);
    ck_assert_uint_eq(o->refcount, 1 + initial);
    ck_assert_uint_eq(t.capacity, initial);
    for (unsigned i = 0; i < initial; i++) {
        struct object *out;
        ck_assert_int_eq(handle_lookup(&t, handles[i], OBJECT_NONE, 0, &out),
                         0);
    }
    for (unsigned i = 0; i < taken; i++) {
        ck_assert(page_free(pages[i], 1));
    }
    ck_assert_int_gt(handle_add(&t, o, 0), 0);
    ck_assert_uint_gt(t.capacity, initial);
    object_put(o);
    handle_table_destroy(&t);
    ck_assert_uint_eq(destroyed, 1);
    assert_no_leaks();
}
END_TEST

START_TEST(init_without_memory_gives_no_memory)
{
    static paddr_t pages[MEM_SIZE / PAGE_SIZE];
    unsigned taken = exhaust_pages(pages, sizeof(pages) / sizeof(pages[0]));
    struct handle_table t;
    ck_assert_int_eq(handle_table_init(&t, 16), FTL_ERR_NO_MEMORY);
    for (unsigned i = 0; i < taken; i++) {
        ck_assert(page_free(pages[i], 1));
    }
    assert_no_leaks();
}
END_TEST

START_TEST(object_count_tracks_live_objects_per_type)
{
    unsigned processes = object_count(OBJECT_PROCESS);
    unsigned timers = object_count(OBJECT_TIMER);
    struct object *p = test_object_create(OBJECT_PROCESS);
    struct object *t1 = test_object_create(OBJECT_TIMER);
    struct object *t2 = test_object_create(OBJECT_TIMER);
    ck_assert_uint_eq(object_count(OBJECT_PROCESS), processes + 1);
    ck_assert_uint_eq(object_count(OBJECT_TIMER), timers + 2);
    object_get(t1);
    object_put(t1);
    ck_assert_uint_eq(object_count(OBJECT_TIMER), timers + 2);
    object_put(t1);
    object_put(t2);
    object_put(p);
    ck_assert_uint_eq(object_count(OBJECT_PROCESS), processes);
    ck_assert_uint_eq(object_count(OBJECT_TIMER), timers);
    ck_assert_uint_eq(destroyed, 3);
    ck_assert_uint_eq(object_count(OBJECT_TYPE_COUNT), 0);
    ck_assert_uint_eq(object_count((enum object_type)(OBJECT_TYPE_COUNT + 1)),
                      0);
    assert_no_leaks();
}
END_TEST

START_TEST(object_without_destroy_function_is_just_forgotten)
{
    unsigned sinks = object_count(OBJECT_SINK);
    struct object o;
    object_init(&o, OBJECT_SINK, NULL);
    ck_assert_uint_eq(object_count(OBJECT_SINK), sinks + 1);
    object_put(&o);
    ck_assert_uint_eq(object_count(OBJECT_SINK), sinks);
}
END_TEST

START_TEST(object_types_have_names)
{
    ck_assert_str_eq(object_type_name(OBJECT_PROCESS), "process");
    ck_assert_str_eq(object_type_name(OBJECT_THREAD), "thread");
    ck_assert_str_eq(object_type_name(OBJECT_VMAREA), "vmarea");
    ck_assert_str_eq(object_type_name(OBJECT_CHANNEL), "channel");
    ck_assert_str_eq(object_type_name(OBJECT_SINK), "sink");
    ck_assert_str_eq(object_type_name(OBJECT_TIMER), "timer");
    ck_assert_str_eq(object_type_name(OBJECT_INTERRUPT), "interrupt");
    ck_assert_str_eq(object_type_name(OBJECT_TYPE_COUNT), "unknown");
    ck_assert_str_eq(object_type_name((enum object_type)1000), "unknown");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("handle");
    TCase *t = tcase_create("table");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, added_handle_looks_up_its_object_until_closed);
    tcase_add_test(t, wrong_type_is_a_bad_handle);
    tcase_add_test(t, missing_rights_are_not_allowed);
    tcase_add_test(t, stale_handle_after_close_and_slot_reuse_is_refused);
    tcase_add_test(t, generation_wraps_without_zero_or_negative_handles);
    tcase_add_test(t, limit_gives_limit_error_then_works_after_a_close);
    tcase_add_test(t, growth_keeps_existing_handles_valid);
    tcase_add_test(t, largest_table_holds_every_slot);
    tcase_add_test(t, the_lowest_free_slot_is_used_first);
    tcase_add_test(t, bad_table_sizes_are_refused);
    tcase_add_test(t, destroy_drops_every_reference);
    tcase_add_test(t, remove_hands_the_reference_to_the_caller);
    tcase_add_test(t, remove_without_rights_out_works);
    tcase_add_test(t, zero_negative_and_forged_handles_are_refused);
    tcase_add_test(t, failed_growth_gives_no_memory_and_keeps_the_table);
    tcase_add_test(t, init_without_memory_gives_no_memory);
    suite_add_tcase(s, t);
    TCase *o = tcase_create("object");
    tcase_add_checked_fixture(o, setup, teardown);
    tcase_add_test(o, object_count_tracks_live_objects_per_type);
    tcase_add_test(o, object_without_destroy_function_is_just_forgotten);
    tcase_add_test(o, object_types_have_names);
    suite_add_tcase(s, o);
    return s;
}
