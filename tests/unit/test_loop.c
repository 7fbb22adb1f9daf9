// The event loop (sdk/lib/loop.c) against the fake IPC layer: handle
// callbacks, registrations changed during dispatch, timers, stopping.
#include <check.h>
#include <stdbool.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/loop.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "fake_ipc.h"

static struct ftl_loop *loop;
static ftl_handle_t a[2], b[2]; // two channels for a test to use

static void setup(void)
{
    fake_ipc_reset();
    loop = ftl_loop_create();
    ck_assert_ptr_nonnull(loop);
    ftl_channel_create(a);
    ftl_channel_create(b);
}

static void teardown(void)
{
    ftl_loop_destroy(loop);
    fake_ipc_reset();
}

static void send_write(ftl_handle_t channel, uint64_t id)
{
    struct ftl_msg msg = {.type = FTL_MSG_WRITE, .id = id};
    ck_assert_int_eq(ftl_channel_send(channel, &msg, NULL), 0);
}

// What a handle callback saw; it takes the message and can do one extra
// thing to the loop.
struct seen {
    int messages, closes;
    uint64_t last_id;
    ftl_handle_t remove_other; // removed from inside the callback
    ftl_handle_t add_other;
    struct seen *add_other_seen;
    bool stop;
};

static void on_event(struct ftl_loop *l, const struct ftl_event *event,
                     void *arg);

static void act(struct ftl_loop *l, struct seen *seen)
{
    if (seen->remove_other != FTL_HANDLE_INVALID) {
        ck_assert_int_eq(ftl_loop_remove(l, seen->remove_other), 0);
        seen->remove_other = FTL_HANDLE_INVALID;
    }
    if (seen->add_other != FTL_HANDLE_INVALID) {
        ck_assert_int_eq(
            ftl_loop_add(l, seen->add_other, on_event, seen->add_other_seen),
            0);
        seen->add_other = FTL_HANDLE_INVALID;
    }
    if (seen->stop) {
        ftl_loop_stop(l, 42);
    }
}

static void on_event(struct ftl_loop *l, const struct ftl_event *event,
                     void *arg)
{
    struct seen *seen = arg;
    if (event->kind == FTL_EVENT_MESSAGE) {
        struct ftl_msg msg;
        ck_assert_int_eq(ftl_channel_recv(event->handle, &msg, NULL, 0), 0);
        seen->messages++;
        seen->last_id = msg.id;
    } else if (event->kind == FTL_EVENT_PEER_CLOSED) {
        seen->closes++;
        ftl_loop_remove(l, event->handle);
    }
    act(l, seen);
}

START_TEST(handle_callbacks_get_their_events_until_nothing_is_left)
{
    struct seen seen_a = {0}, seen_b = {0};
    ck_assert_int_eq(ftl_loop_add(loop, a[1], on_event, &seen_a), 0);
    ck_assert_int_eq(ftl_loop_add(loop, b[1], on_event, &seen_b), 0);
    ck_assert_int_eq(ftl_loop_add(loop, b[1], on_event, &seen_b),
                     FTL_ERR_ALREADY_EXISTS);
    send_write(a[0], 1);
    send_write(b[0], 2);
    send_write(b[0], 3);
    ftl_handle_close(a[0]);
    ftl_handle_close(b[0]);
    // Each callback removes its handle on PEER_CLOSED: then nothing is
    // left and run returns 0.
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(seen_a.messages, 1);
    ck_assert_int_eq(seen_a.last_id, 1);
    ck_assert_int_eq(seen_b.messages, 2);
    ck_assert_int_eq(seen_b.last_id, 3);
    ck_assert_int_eq(seen_a.closes + seen_b.closes, 2);
    ck_assert_int_eq(ftl_loop_remove(loop, a[1]), FTL_ERR_NOT_FOUND);
}
END_TEST

START_TEST(a_handle_removed_during_dispatch_gets_no_more_callbacks)
{
    struct seen seen_a = {.remove_other = b[1], .stop = true}, seen_b = {0};
    ftl_loop_add(loop, a[1], on_event, &seen_a);
    ftl_loop_add(loop, b[1], on_event, &seen_b);
    send_write(a[0], 1);
    send_write(b[0], 2);
    ck_assert_int_eq(ftl_loop_run(loop), 42);
    seen_a.stop = false;
    ftl_handle_close(a[0]);
    // b still has its message, but it is no longer watched.
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(seen_b.messages, 0);
    ck_assert_int_eq(seen_a.messages, 1);
}
END_TEST

START_TEST(a_handle_added_during_dispatch_is_served)
{
    struct seen seen_b = {0};
    struct seen seen_a = {.add_other = b[1], .add_other_seen = &seen_b};
    ftl_loop_add(loop, a[1], on_event, &seen_a);
    send_write(b[0], 7);
    send_write(a[0], 1);
    ftl_handle_close(a[0]);
    ftl_handle_close(b[0]);
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(seen_b.messages, 1);
    ck_assert_int_eq(seen_b.last_id, 7);
}
END_TEST

START_TEST(a_slot_reused_after_removal_reaches_the_new_callback)
{
    struct seen seen_a = {0}, seen_b = {0};
    ftl_loop_add(loop, a[1], on_event, &seen_a);
    ftl_loop_remove(loop, a[1]);
    ftl_loop_add(loop, b[1], on_event, &seen_b); // takes a's old slot
    send_write(b[0], 5);
    ftl_handle_close(b[0]);
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(seen_a.messages, 0);
    ck_assert_int_eq(seen_b.messages, 1);
}
END_TEST

START_TEST(waiting_forever_with_nothing_coming_is_an_error_not_a_spin)
{
    struct seen seen = {0};
    ftl_loop_add(loop, a[1], on_event, &seen);
    // The fake reports a wait that would never end as FTL_ERR_WOULD_BLOCK.
    ck_assert_int_eq(ftl_loop_run(loop), FTL_ERR_WOULD_BLOCK);
}
END_TEST

// Timer callbacks append their number to a log.
struct timer_log {
    int order[16];
    int count;
    struct ftl_loop_timer *cancel; // cancelled by the first callback
    int stop_after;
};

struct numbered_timer {
    struct ftl_loop_timer timer;
    int number;
    struct timer_log *log;
    uint64_t fired_at;
};

static void on_timer(struct ftl_loop *l, struct ftl_loop_timer *timer,
                     void *arg)
{
    struct numbered_timer *t = arg;
    ck_assert_ptr_eq(timer, &t->timer);
    t->fired_at = ftl_clock_ns();
    t->log->order[t->log->count++] = t->number;
    if (t->log->cancel != NULL) {
        ftl_loop_timer_cancel(l, t->log->cancel);
        t->log->cancel = NULL;
    }
    if (t->log->count == t->log->stop_after) {
        ftl_loop_stop(l, 0);
    }
}

START_TEST(timers_run_in_deadline_order_and_not_early)
{
    struct timer_log log = {0};
    static const uint64_t delays[3] = {30 * FTL_MS, 10 * FTL_MS, 20 * FTL_MS};
    struct numbered_timer t[3];
    for (int i = 0; i < 3; i++) {
        t[i] = (struct numbered_timer){.number = i, .log = &log};
        ftl_loop_timer_start(loop, &t[i].timer, delays[i], 0, on_timer, &t[i]);
        ck_assert(ftl_loop_timer_is_armed(&t[i].timer));
    }
    ck_assert_int_eq(ftl_loop_run(loop), 0); // one-shots: then nothing left
    ck_assert_int_eq(log.count, 3);
    ck_assert_int_eq(log.order[0], 1);
    ck_assert_int_eq(log.order[1], 2);
    ck_assert_int_eq(log.order[2], 0);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_ge(t[i].fired_at, delays[i]);
        ck_assert(!ftl_loop_timer_is_armed(&t[i].timer));
    }
}
END_TEST

START_TEST(a_due_timer_cancelled_by_another_does_not_run)
{
    struct timer_log log = {0};
    struct numbered_timer first = {.number = 1, .log = &log};
    struct numbered_timer second = {.number = 2, .log = &log};
    ftl_loop_timer_start(loop, &first.timer, 5 * FTL_MS, 0, on_timer, &first);
    ftl_loop_timer_start(loop, &second.timer, 5 * FTL_MS, 0, on_timer, &second);
    log.cancel = &second.timer; // both due in the same turn
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(log.count, 1);
    ck_assert_int_eq(log.order[0], 1);
}
END_TEST

START_TEST(a_periodic_timer_repeats_until_cancelled)
{
    struct timer_log log = {.stop_after = 4};
    struct numbered_timer tick = {.number = 1, .log = &log};
    ftl_loop_timer_start(loop, &tick.timer, 10 * FTL_MS, 10 * FTL_MS, on_timer,
                         &tick);
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(log.count, 4);
    ck_assert_uint_eq(ftl_clock_ns(), 40 * FTL_MS);
    ck_assert(ftl_loop_timer_is_armed(&tick.timer));
    ftl_loop_timer_cancel(loop, &tick.timer);
    ftl_loop_timer_cancel(loop, &tick.timer); // twice is harmless
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(log.count, 4);
}
END_TEST

// Re-arms itself with no delay; on its third run it sends a message.
struct busy_timer {
    struct ftl_loop_timer timer;
    int runs;
    ftl_handle_t send_on;
};

static void rearm_at_once(struct ftl_loop *l, struct ftl_loop_timer *timer,
                          void *arg)
{
    struct busy_timer *busy = arg;
    if (++busy->runs == 3) {
        send_write(busy->send_on, 1);
    }
    ftl_loop_timer_start(l, timer, 0, 0, rearm_at_once, arg);
}

START_TEST(a_timer_rearmed_with_no_delay_cannot_starve_handles)
{
    struct busy_timer busy = {.send_on = a[0]};
    ftl_loop_timer_start(loop, &busy.timer, 0, 0, rearm_at_once, &busy);
    struct seen seen = {.stop = true};
    ftl_loop_add(loop, a[1], on_event, &seen);
    // Were the timer run again in the same turn, run would never return.
    ck_assert_int_eq(ftl_loop_run(loop), 42);
    ck_assert_int_eq(seen.messages, 1);
    ck_assert_int_eq(busy.runs, 3);
    ftl_loop_timer_cancel(loop, &busy.timer);
}
END_TEST

START_TEST(stopping_from_a_timer_keeps_the_other_due_timers)
{
    struct timer_log log = {.stop_after = 1};
    struct numbered_timer first = {.number = 1, .log = &log};
    struct numbered_timer second = {.number = 2, .log = &log};
    ftl_loop_timer_start(loop, &first.timer, FTL_MS, 0, on_timer, &first);
    ftl_loop_timer_start(loop, &second.timer, FTL_MS, 0, on_timer, &second);
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(log.count, 1);
    ck_assert(ftl_loop_timer_is_armed(&second.timer));
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(log.count, 2);
    ck_assert_int_eq(log.order[1], 2);
}
END_TEST

// Idle work that sends a message on its first run: that message must be
// served before idle work runs again, and the loop ends once the work is
// cleared and nothing else is left.
struct idle_work {
    int runs;
    int messages_seen[4]; // by the handle callback, at each run
    int left;
    struct seen *seen;
};

static void on_idle(struct ftl_loop *l, void *arg)
{
    struct idle_work *work = arg;
    work->messages_seen[work->runs++] = work->seen->messages;
    if (work->runs == 1) {
        send_write(a[0], 7);
    }
    if (--work->left == 0) {
        ftl_loop_idle(l, NULL, NULL);
        ftl_loop_remove(l, a[1]);
    }
}

START_TEST(idle_work_runs_only_when_no_event_waits)
{
    struct seen seen = {0};
    ftl_loop_add(loop, a[1], on_event, &seen);
    send_write(a[0], 1);
    send_write(a[0], 2);
    struct idle_work work = {.left = 3, .seen = &seen};
    ftl_loop_idle(loop, on_idle, &work);
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert_int_eq(work.runs, 3);
    ck_assert_int_eq(seen.messages, 3);
    ck_assert_int_eq(seen.last_id, 7);
    // The two waiting messages ran before any idle work, and the one sent
    // by the first run before the second.
    ck_assert_int_eq(work.messages_seen[0], 2);
    ck_assert_int_eq(work.messages_seen[1], 3);
    ck_assert_int_eq(work.messages_seen[2], 3);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("loop");
    TCase *t = tcase_create("loop");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, handle_callbacks_get_their_events_until_nothing_is_left);
    tcase_add_test(t, a_handle_removed_during_dispatch_gets_no_more_callbacks);
    tcase_add_test(t, a_handle_added_during_dispatch_is_served);
    tcase_add_test(t, a_slot_reused_after_removal_reaches_the_new_callback);
    tcase_add_test(t,
                   waiting_forever_with_nothing_coming_is_an_error_not_a_spin);
    tcase_add_test(t, timers_run_in_deadline_order_and_not_early);
    tcase_add_test(t, a_due_timer_cancelled_by_another_does_not_run);
    tcase_add_test(t, a_periodic_timer_repeats_until_cancelled);
    tcase_add_test(t, a_timer_rearmed_with_no_delay_cannot_starve_handles);
    tcase_add_test(t, stopping_from_a_timer_keeps_the_other_due_timers);
    tcase_add_test(t, idle_work_runs_only_when_no_event_waits);
    suite_add_tcase(s, t);
    return s;
}
