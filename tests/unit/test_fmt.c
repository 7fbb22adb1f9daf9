// The kernel's printf: each conversion against what the C library prints,
// and truncation that never writes past the buffer.
#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/fmt.h"

#define CHECK_LIKE_LIBC(...)                                                   \
    do {                                                                       \
        char ours[128], theirs[128];                                           \
        int n = fmt_format(ours, sizeof(ours), __VA_ARGS__);                   \
        int m = snprintf(theirs, sizeof(theirs), __VA_ARGS__);                 \
        ck_assert_str_eq(ours, theirs);                                        \
        ck_assert_int_eq(n, m);                                                \
    } while (0)

START_TEST(integers_print_like_libc)
{
    CHECK_LIKE_LIBC("%d %i %u", 0, -42, 4000000000u);
    CHECK_LIKE_LIBC("%d", INT_MIN);
    CHECK_LIKE_LIBC("%ld %lu", (long)INT64_MIN, (unsigned long)UINT64_MAX);
    CHECK_LIKE_LIBC("%llx %lX", 0xdeadbeefcafeULL, 0xabcUL);
    CHECK_LIKE_LIBC("%zu", (size_t)12345);
    CHECK_LIKE_LIBC("[%5d] [%-5d] [%05d] [%05d]", 42, 42, 42, -42);
    CHECK_LIKE_LIBC("%08x", 0x1234u);
}
END_TEST

START_TEST(strings_chars_and_percent_print_like_libc)
{
    CHECK_LIKE_LIBC("%s|%10s|%-10s|", "abc", "right", "left");
    CHECK_LIKE_LIBC("%c%c %%", 'o', 'k');
}
END_TEST

START_TEST(pointers_print_in_hex)
{
    char out[32];
    fmt_format(out, sizeof(out), "%p", (void *)0xffff800000001000);
    ck_assert_str_eq(out, "0xffff800000001000");
}
END_TEST

// These two tests pass what the compiler's format checks rightly warn about.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

START_TEST(null_string_prints_placeholder)
{
    char out[16];
    fmt_format(out, sizeof(out), "%s", (const char *)NULL);
    ck_assert_str_eq(out, "(null)");
}
END_TEST

START_TEST(truncation_stops_at_the_buffer_and_reports_full_length)
{
    char out[8];
    memset(out, 'X', sizeof(out));
    int n = fmt_format(out, 5, "%s-%d", "hello", 123);
    ck_assert_int_eq(n, 9);
    ck_assert_str_eq(out, "hell");
    ck_assert_int_eq(out[5], 'X'); // nothing written past size
    ck_assert_int_eq(fmt_format(NULL, 0, "abc"), 3);
}
END_TEST

START_TEST(trailing_percent_and_unknown_conversions_are_kept)
{
    char out[16];
    fmt_format(out, sizeof(out), "%q 100%");
    ck_assert_str_eq(out, "%q 100");
}
END_TEST

#pragma GCC diagnostic pop

Suite *unit_suite(void)
{
    Suite *s = suite_create("fmt");
    TCase *t = tcase_create("format");
    tcase_add_test(t, integers_print_like_libc);
    tcase_add_test(t, strings_chars_and_percent_print_like_libc);
    tcase_add_test(t, pointers_print_in_hex);
    tcase_add_test(t, null_string_prints_placeholder);
    tcase_add_test(t, truncation_stops_at_the_buffer_and_reports_full_length);
    tcase_add_test(t, trailing_percent_and_unknown_conversions_are_kept);
    suite_add_tcase(s, t);
    return s;
}
