// virtio_net's receive backlog: frames come out in the order they went in,
// across the ring's wrap, whole; a full backlog or an oversized frame is
// refused without disturbing what it holds; past half full, a TCP SYN is
// shed and every other frame still held.
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
            ck_assert_int_eq(rx_backlog_push(&backlog, f, len), RX_BACKLOG_HELD);
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
        ck_assert_int_eq(rx_backlog_push(&backlog, f, len), RX_BACKLOG_HELD);
    }
    frame_of(9999, f, &len);
    ck_assert_int_eq(rx_backlog_push(&backlog, f, len), RX_BACKLOG_FULL);
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
    ck_assert_int_eq(rx_backlog_push(&backlog, big, sizeof(big)),
                     RX_BACKLOG_FULL);
    ck_assert(rx_backlog_empty(&backlog));
    ck_assert_int_eq(rx_backlog_push(&backlog, big, 2048), RX_BACKLOG_HELD);
}
END_TEST

// Ethernet, IPv4 (IHL 5, or 6 with an option), TCP with the given flags.
static size_t tcp_frame(uint8_t *f, uint8_t flags, int ip_words)
{
    memset(f, 0, 128);
    f[12] = 0x08;
    f[13] = 0x00;
    f[14] = (uint8_t)(0x40 | ip_words);
    f[14 + 9] = 6;
    f[14 + ip_words * 4 + 13] = flags;
    return 14 + (size_t)ip_words * 4 + 20;
}

START_TEST(connection_requests_are_told_apart)
{
    uint8_t f[128];
    ck_assert(rx_frame_is_connection_request(f, tcp_frame(f, 0x02, 5)));
    ck_assert(rx_frame_is_connection_request(f, tcp_frame(f, 0x02, 6)));
    ck_assert(!rx_frame_is_connection_request(f, tcp_frame(f, 0x12, 5)));
    ck_assert(!rx_frame_is_connection_request(f, tcp_frame(f, 0x10, 5)));
    size_t len = tcp_frame(f, 0x02, 5);
    f[14 + 9] = 17; // UDP
    ck_assert(!rx_frame_is_connection_request(f, len));
    len = tcp_frame(f, 0x02, 5);
    f[13] = 0x06; // ARP
    ck_assert(!rx_frame_is_connection_request(f, len));
    len = tcp_frame(f, 0x02, 15); // IHL past the frame's end
    ck_assert(!rx_frame_is_connection_request(f, 14 + 40));
    ck_assert(!rx_frame_is_connection_request(f, 20)); // truncated
}
END_TEST

START_TEST(past_half_full_syns_are_shed_and_the_rest_held)
{
    uint8_t syn[128], ack[128], synack[128];
    size_t syn_len = tcp_frame(syn, 0x02, 5);
    size_t ack_len = tcp_frame(ack, 0x10, 5);
    size_t synack_len = tcp_frame(synack, 0x12, 5);
    for (int i = 0; i < RX_BACKLOG_SYN_LIMIT - 1; i++) {
        ck_assert_int_eq(rx_backlog_push(&backlog, ack, ack_len),
                         RX_BACKLOG_HELD);
    }
    ck_assert_int_eq(rx_backlog_push(&backlog, syn, syn_len), RX_BACKLOG_HELD);
    ck_assert_int_eq(rx_backlog_push(&backlog, syn, syn_len), RX_BACKLOG_SHED);
    ck_assert_int_eq(rx_backlog_push(&backlog, synack, synack_len),
                     RX_BACKLOG_HELD);
    ck_assert_int_eq(rx_backlog_push(&backlog, ack, ack_len), RX_BACKLOG_HELD);
    ck_assert_uint_eq(backlog.count, RX_BACKLOG_SYN_LIMIT + 2);
    ck_assert_uint_eq(backlog.shed, 1);
    // Drained below half, a SYN is held again.
    for (int i = 0; i < 3; i++) {
        rx_backlog_pop(&backlog);
    }
    ck_assert_int_eq(rx_backlog_push(&backlog, syn, syn_len), RX_BACKLOG_HELD);
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
    tcase_add_test(t, connection_requests_are_told_apart);
    tcase_add_test(t, past_half_full_syns_are_shed_and_the_rest_held);
    suite_add_tcase(s, t);
    return s;
}
