// Kernel command line lookups.
#include <check.h>

#include "cmdline.h"

START_TEST(flags_match_whole_words_only)
{
    const char *line = "ftl.test quiet ftl.testing=1";
    ck_assert(cmdline_has(line, "ftl.test"));
    ck_assert(cmdline_has(line, "quiet"));
    ck_assert(cmdline_has(line, "ftl.testing"));
    ck_assert(!cmdline_has(line, "ftl"));
    ck_assert(!cmdline_has(line, "quie"));
    ck_assert(!cmdline_has(line, ""));
    ck_assert(!cmdline_has("", "quiet"));
}
END_TEST

START_TEST(values_are_read_up_to_the_next_space)
{
    char value[16];
    ck_assert(cmdline_get("a=1  port=8080 b", "port", value, sizeof(value)));
    ck_assert_str_eq(value, "8080");
    ck_assert(cmdline_get("empty= x", "empty", value, sizeof(value)));
    ck_assert_str_eq(value, "");
}
END_TEST

START_TEST(missing_keys_and_bare_flags_have_no_value)
{
    char value[16] = "unchanged";
    ck_assert(!cmdline_get("flag other=2", "flag", value, sizeof(value)));
    ck_assert(!cmdline_get("other=2", "missing", value, sizeof(value)));
    ck_assert_str_eq(value, "unchanged");
}
END_TEST

START_TEST(long_values_are_truncated_and_terminated)
{
    char value[4];
    ck_assert(cmdline_get("key=abcdefgh", "key", value, sizeof(value)));
    ck_assert_str_eq(value, "abc");
}
END_TEST

START_TEST(first_occurrence_wins)
{
    char value[8];
    ck_assert(cmdline_get("k=1 k=2", "k", value, sizeof(value)));
    ck_assert_str_eq(value, "1");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("cmdline");
    TCase *t = tcase_create("lookups");
    tcase_add_test(t, flags_match_whole_words_only);
    tcase_add_test(t, values_are_read_up_to_the_next_space);
    tcase_add_test(t, missing_keys_and_bare_flags_have_no_value);
    tcase_add_test(t, long_values_are_truncated_and_terminated);
    tcase_add_test(t, first_occurrence_wins);
    suite_add_tcase(s, t);
    return s;
}
