// Frame links (sdk/lib/link.c) against the fake IPC layer: two links on
// one loop, joined by a channel, as a driver and a stack would be.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/link.h>

#include "fake_ipc.h"
#include "loop_util.h"

static struct ftl_loop *loop;
static struct ftl_link *a, *b; // a sends, b receives (mostly)

static struct {
    int frames; // taken by b, in order
    char last[FTL_LINK_FRAME_MAX + 1];
    int refused; // on_frame calls b refused
    int refuse;  // b refuses while set
    int ready;   // a's on_ready calls
    int closed;  // on_close calls
    char attr[64];
    int attr_error;
} seen;

static int on_frame(struct ftl_link *link, const void *frame, size_t len,
                    void *arg)
{
    (void)link, (void)arg;
    if (seen.refuse) {
        seen.refused++;
        return FTL_ERR_WOULD_BLOCK;
    }
    char expected[16];
    snprintf(expected, sizeof(expected), "frame %d", seen.frames);
    ck_assert_uint_eq(len, strlen(expected));
    ck_assert_mem_eq(frame, expected, len); // in order, intact
    seen.frames++;
    return 0;
}

static void on_ready(struct ftl_link *link, void *arg)
{
    (void)link, (void)arg;
    seen.ready++;
}

static long on_getattr(struct ftl_link *link, const char *name, char *value,
                       size_t max, void *arg)
{
    (void)link, (void)arg;
    if (strcmp(name, "mac") != 0) {
        return FTL_ERR_NOT_FOUND;
    }
    return snprintf(value, max, "52:54:00:12:34:56");
}

static void on_getattr_reply(struct ftl_link *link, int error,
                             const char *value, void *arg)
{
    (void)link, (void)arg;
    seen.attr_error = error;
    snprintf(seen.attr, sizeof(seen.attr), "%s", value);
}

static void on_close(struct ftl_link *link, void *arg)
{
    (void)arg;
    seen.closed++;
    ftl_link_destroy(link);
    if (link == b) {
        b = NULL;
    } else {
        a = NULL;
    }
}

static const struct ftl_link_ops ops = {.on_frame = on_frame,
                                        .on_ready = on_ready,
                                        .on_getattr = on_getattr,
                                        .on_getattr_reply = on_getattr_reply,
                                        .on_close = on_close};

static void setup(void)
{
    fake_ipc_reset();
    memset(&seen, 0, sizeof(seen));
    loop = ftl_loop_create();
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    a = ftl_link_create(loop, ends[0], &ops, NULL);
    b = ftl_link_create(loop, ends[1], &ops, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
}

static void teardown(void)
{
    if (a != NULL) {
        ftl_link_destroy(a);
    }
    if (b != NULL) {
        ftl_link_destroy(b);
    }
    ftl_loop_destroy(loop);
    ck_assert_int_eq(fake_handles_open(), 0);
    fake_ipc_reset();
}

static int send_frame(int n)
{
    char frame[16];
    int len = snprintf(frame, sizeof(frame), "frame %d", n);
    return ftl_link_send(a, frame, (size_t)len);
}

START_TEST(frames_arrive_in_order_and_credits_come_back)
{
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < FTL_LINK_WINDOW; i++) {
            ck_assert_int_eq(send_frame(round * FTL_LINK_WINDOW + i), 0);
        }
        loop_run_pending(loop);
    }
    ck_assert_int_eq(seen.frames, 3 * FTL_LINK_WINDOW);
    ck_assert(ftl_link_can_send(a));
    ck_assert_uint_eq(ftl_link_stats(b)->frames_in, 3 * FTL_LINK_WINDOW);
}
END_TEST

START_TEST(a_sender_without_credit_waits_for_on_ready)
{
    for (int i = 0; i < FTL_LINK_WINDOW; i++) {
        ck_assert_int_eq(send_frame(i), 0);
    }
    ck_assert(!ftl_link_can_send(a));
    ck_assert_int_eq(send_frame(FTL_LINK_WINDOW), FTL_ERR_WOULD_BLOCK);
    ck_assert_int_eq(seen.ready, 0);
    loop_run_pending(loop);
    ck_assert_int_eq(seen.ready, 1); // once, however many credits came
    ck_assert_int_eq(send_frame(FTL_LINK_WINDOW), 0);
    ck_assert_uint_eq(ftl_link_stats(a)->no_credit, 1);
}
END_TEST

START_TEST(a_refused_frame_waits_for_resume_and_nothing_is_lost)
{
    seen.refuse = 1;
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(send_frame(i), 0);
    }
    loop_run_pending(loop);
    ck_assert_int_eq(seen.frames, 0);
    ck_assert_int_eq(seen.refused, 1); // the link stopped at the first
    seen.refuse = 0;
    ftl_link_resume(b);
    loop_run_pending(loop);
    ck_assert_int_eq(seen.frames, 5);
    ck_assert(ftl_link_can_send(a));
}
END_TEST

START_TEST(getattr_travels_beside_the_frames)
{
    ck_assert_int_eq(send_frame(0), 0);
    ck_assert_int_eq(ftl_link_getattr(a, "mac"), 0);
    ck_assert_int_eq(ftl_link_getattr(a, "mac"), FTL_ERR_BUSY);
    loop_run_pending(loop);
    ck_assert_int_eq(seen.attr_error, 0);
    ck_assert_str_eq(seen.attr, "52:54:00:12:34:56");
    ck_assert_int_eq(ftl_link_getattr(a, "speed"), 0);
    loop_run_pending(loop);
    ck_assert_int_eq(seen.attr_error, FTL_ERR_NOT_FOUND);
    ck_assert_int_eq(seen.frames, 1);
}
END_TEST

START_TEST(oversized_frames_are_refused_and_a_gone_peer_is_reported)
{
    char big[FTL_LINK_FRAME_MAX + 1] = {0};
    ck_assert_int_eq(ftl_link_send(a, big, sizeof(big)), FTL_ERR_TOO_LARGE);
    ftl_link_destroy(a);
    a = NULL;
    loop_run_pending(loop);
    ck_assert_int_eq(seen.closed, 1);
    ck_assert_ptr_null(b);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("link");
    TCase *t = tcase_create("link");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, frames_arrive_in_order_and_credits_come_back);
    tcase_add_test(t, a_sender_without_credit_waits_for_on_ready);
    tcase_add_test(t, a_refused_frame_waits_for_resume_and_nothing_is_lost);
    tcase_add_test(t, getattr_travels_beside_the_frames);
    tcase_add_test(t, oversized_frames_are_refused_and_a_gone_peer_is_reported);
    suite_add_tcase(s, t);
    return s;
}
