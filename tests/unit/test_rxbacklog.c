// virtio_net's receive backlog: frames come out in the order they went in,
// across the ring's wrap, whole; a full backlog or an oversized frame is
// refused without disturbing what it holds.
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rxbacklog.h"

static struct rx_backlog backlog;

static void setup(void)
{
    ck_assert(rx_backlog_init(&backlog));
}

static void teardown(void)
{
    free(backlog.frames);
}

// Frame n: n+60 bytes, each the low byte of n.
static void frame_of(unsigned n, uint8_t *out, size_t *len)
{
    *len = 60 + n % 1400;
    memset(out, (int)(n & 0xff), *len);
}

static void expect_next(unsigned n)
{
    uint8_t want[2048];
    size_t want_len;
    frame_of(n, want, &want_len);
    const void *got;
    size_t got_len;
    ck_assert(rx_backlog_peek(&backlog, &got, &got_len));
    ck_assert_uint_eq(got_len, want_len);
    ck_assert(memcmp(got, want, want_len) == 0);
    rx_backlog_pop(&backlog);
}

START_TEST(frames_come_out_in_order_across_the_wrap)
{
    uint8_t f[2048];
    size_t len;
    unsigned in = 0, out = 0;
    // Three quarters in, half out, repeatedly: the slots wrap around.
    for (int round = 0; round < 6; round++) {
        while (in - out < RX_BACKLOG_FRAMES * 3 / 4) {
            frame_of(in++, f, &len);
            ck_assert(rx_backlog_push(&backlog, f, len));
        }
        for (int i = 0; i < RX_BACKLOG_FRAMES / 2; i++) {
            expect_next(out++);
        }
    }
    while (out < in) {
        expect_next(out++);
    }
    ck_assert(rx_backlog_empty(&backlog));
    ck_assert_uint_eq(backlog.held_most, RX_BACKLOG_FRAMES * 3 / 4);
}
END_TEST

START_TEST(a_full_backlog_refuses_and_keeps_what_it_holds)
{
    uint8_t f[2048];
    size_t len;
    for (unsigned n = 0; n < RX_BACKLOG_FRAMES; n++) {
        frame_of(n, f, &len);
        ck_assert(rx_backlog_push(&backlog, f, len));
    }
    frame_of(9999, f, &len);
    ck_assert(!rx_backlog_push(&backlog, f, len));
    for (unsigned n = 0; n < RX_BACKLOG_FRAMES; n++) {
        expect_next(n);
    }
    const void *got;
    ck_assert(!rx_backlog_peek(&backlog, &got, &len));
}
END_TEST

START_TEST(a_frame_larger_than_a_slot_is_refused)
{
    static uint8_t big[4096];
    ck_assert(!rx_backlog_push(&backlog, big, sizeof(big)));
    ck_assert(rx_backlog_empty(&backlog));
    ck_assert(rx_backlog_push(&backlog, big, 2048));
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("rxbacklog");
    TCase *t = tcase_create("ring");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, frames_come_out_in_order_across_the_wrap);
    tcase_add_test(t, a_full_backlog_refuses_and_keeps_what_it_holds);
    tcase_add_test(t, a_frame_larger_than_a_slot_is_refused);
    suite_add_tcase(s, t);
    return s;
}
