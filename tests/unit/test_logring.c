// A ring of log lines (os/kernel/logring.c): lines come back whole, in
// order, numbered one by one, across the buffer's wrap; the oldest go when
// the ring is full and the reader sees the jump; long lines are cut; a
// reader's buffer takes whole lines only.
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/syscall.h>

#include "logring.h"

#define SMALL_RING 4096

static struct logring ring;
static uint8_t *data;
static char out[FTL_LOGS_READ_MAX];

static void setup(void)
{
    data = malloc(SMALL_RING);
    ck_assert_ptr_nonnull(data);
    memset(data, 0xa5, SMALL_RING);
    logring_init(&ring, data, SMALL_RING, 1);
}

static void teardown(void)
{
    free(data);
}

static void append(const char *text)
{
    logring_append(&ring, "[t] info: ", 10, text, strlen(text));
}

// Reads everything after cursor into out (NUL-terminated); returns bytes.
static long read_after(uint64_t cursor, uint64_t *next)
{
    long n = logring_read(&ring, cursor, out, sizeof(out) - 1, next);
    out[n > 0 ? n : 0] = '\0';
    return n;
}

START_TEST(lines_come_back_numbered_in_order)
{
    append("one");
    append("two");
    logring_append(&ring, "[t] ", 4, "", 0); // an empty line is a line
    uint64_t next = 99;
    long n = read_after(0, &next);
    ck_assert_str_eq(out, "1 [t] info: one\n2 [t] info: two\n3 [t] \n");
    ck_assert_int_eq(n, (long)strlen(out));
    ck_assert_uint_eq(next, 3);
    ck_assert_uint_eq(logring_last(&ring), 3);
}
END_TEST

START_TEST(only_lines_after_the_cursor_come)
{
    append("one");
    append("two");
    append("three");
    uint64_t next;
    read_after(2, &next);
    ck_assert_str_eq(out, "3 [t] info: three\n");
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(read_after(3, &next), 0);
    ck_assert_uint_eq(next, 3);
    ck_assert_int_eq(read_after(1000, &next), 0);
    ck_assert_uint_eq(next, 1000);
}
END_TEST

START_TEST(an_empty_ring_reads_nothing)
{
    uint64_t next = 7;
    ck_assert_int_eq(read_after(0, &next), 0);
    ck_assert_uint_eq(next, 0);
    ck_assert_uint_eq(logring_last(&ring), 0);
}
END_TEST

// Writes lines "line N" until well past the ring's size, then checks that
// what is kept is a tail of them: numbered consecutively, ending at the
// last, starting after 1 (the jump a reader sees), each intact.
START_TEST(the_oldest_lines_go_and_the_cursor_jumps)
{
    char text[64];
    unsigned total = 1000; // about 20 KiB through a 4 KiB ring
    for (unsigned i = 1; i <= total; i++) {
        snprintf(text, sizeof(text), "line %u", i);
        append(text);
    }
    ck_assert_uint_eq(logring_last(&ring), total);
    ck_assert_uint_gt(ring.first_seq, 1);
    uint64_t next;
    long n = read_after(0, &next);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_eq(next, total);
    uint64_t expected = ring.first_seq;
    for (char *line = out; *line != '\0';) {
        unsigned long long seq;
        unsigned number;
        ck_assert_int_eq(sscanf(line, "%llu [t] info: line %u", &seq, &number),
                         2);
        ck_assert_uint_eq(seq, expected);
        ck_assert_uint_eq(number, seq);
        expected++;
        line = strchr(line, '\n') + 1;
    }
    ck_assert_uint_eq(expected, total + 1);
    // Kept bytes stay within the ring: no more lines than fit.
    ck_assert_uint_le(ring.used, SMALL_RING);
}
END_TEST

START_TEST(lines_wrap_around_the_end_intact)
{
    // Lines of odd lengths so that records straddle the end at every
    // offset, headers included.
    char text[200];
    for (unsigned i = 1; i <= 300; i++) {
        size_t len = 1 + (i * 37) % 150;
        memset(text, 'a' + (char)(i % 26), len);
        text[len] = '\0';
        append(text);
        uint64_t next;
        read_after(i - 1, &next);
        ck_assert_uint_eq(next, i);
        char want[256];
        snprintf(want, sizeof(want), "%u [t] info: %s\n", i, text);
        ck_assert_str_eq(out, want);
    }
}
END_TEST

START_TEST(a_long_line_is_cut_with_an_ellipsis)
{
    char *text = malloc(3000);
    memset(text, 'x', 3000);
    logring_append(&ring, "[t] ", 4, text, 3000);
    free(text);
    uint64_t next;
    long n = read_after(0, &next);
    // "1 " + FTL_LOGS_LINE_MAX bytes + "\n"
    ck_assert_int_eq(n, 2 + FTL_LOGS_LINE_MAX + 1);
    ck_assert(memcmp(out + 2, "[t] xxx", 7) == 0);
    ck_assert(memcmp(out + 2 + FTL_LOGS_LINE_MAX - 4, "x...\n", 5) == 0);
}
END_TEST

START_TEST(a_reader_gets_whole_lines_that_fit)
{
    append("one");   // "1 [t] info: one\n": 16 bytes
    append("two");   // 16
    append("three"); // 18
    uint64_t next;
    long n = logring_read(&ring, 0, out, 40, &next);
    ck_assert_int_eq(n, 32);
    ck_assert_uint_eq(next, 2);
    ck_assert(memcmp(out, "1 [t] info: one\n2 [t] info: two\n", 32) == 0);
    n = logring_read(&ring, next, out, 18, &next);
    ck_assert_int_eq(n, 18);
    ck_assert_uint_eq(next, 3);
    // Room for less than the next line: refused, not cut.
    ck_assert_int_eq(logring_read(&ring, 2, out, 17, &next), FTL_ERR_TOO_LARGE);
    ck_assert_uint_eq(next, 2);
    ck_assert_int_eq(logring_read(&ring, 2, out, 0, &next), FTL_ERR_TOO_LARGE);
}
END_TEST

START_TEST(numbering_may_start_anywhere)
{
    logring_init(&ring, data, SMALL_RING, 500);
    ck_assert_uint_eq(logring_last(&ring), 499);
    append("first");
    uint64_t next;
    read_after(0, &next);
    ck_assert_str_eq(out, "500 [t] info: first\n");
    ck_assert_uint_eq(next, 500);
}
END_TEST

START_TEST(numbers_format_in_decimal)
{
    char text[21];
    size_t n = logring_format_u64(text, 0);
    ck_assert(n == 1 && text[0] == '0');
    n = logring_format_u64(text, UINT64_MAX);
    text[n] = '\0';
    ck_assert_str_eq(text, "18446744073709551615");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("logring");
    TCase *t = tcase_create("ring");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, lines_come_back_numbered_in_order);
    tcase_add_test(t, only_lines_after_the_cursor_come);
    tcase_add_test(t, an_empty_ring_reads_nothing);
    tcase_add_test(t, the_oldest_lines_go_and_the_cursor_jumps);
    tcase_add_test(t, lines_wrap_around_the_end_intact);
    tcase_add_test(t, a_long_line_is_cut_with_an_ellipsis);
    tcase_add_test(t, a_reader_gets_whole_lines_that_fit);
    tcase_add_test(t, numbering_may_start_anywhere);
    tcase_add_test(t, numbers_format_in_decimal);
    suite_add_tcase(s, t);
    return s;
}
