// Channel queue and loan bookkeeping (os/kernel/channel.c) on the real heap
// and page allocator: FIFO order, the queue limit, peer-closed state, loans
// recorded on receipt and ended by the reply with the same id, and every
// reference (moved objects, lenders) dropped when an end goes away.
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "bootinfo.h"
#include "channel.h"
#include "heap.h"
#include "page.h"
#include "fake_memory.h"
#include "process.h"

#define MIB (1024 * 1024)

static int notifications;
static int destroyed;

// Sinks are not under test: count the notifications instead.
void waitable_notify(struct waitable *w)
{
    (void)w;
    notifications++;
}

void waitable_detach_all(struct waitable *w)
{
    w->watches = NULL;
}

static void count_destroy(struct object *o)
{
    (void)o;
    destroyed++;
}

static void setup(void)
{
    fake_memory_init(16 * MIB);
    notifications = 0;
    destroyed = 0;
}

static void teardown(void)
{
    fake_memory_free();
}

static struct message *make_message(uint32_t type, uint64_t id)
{
    struct message *msg = message_alloc();
    msg->header.type = type;
    msg->header.id = id;
    return msg;
}

START_TEST(messages_come_out_in_order)
{
    struct channel_end *a, *b;
    ck_assert_int_eq(channel_create(&a, &b), 0);
    for (uint64_t i = 0; i < 10; i++) {
        ck_assert_int_eq(channel_send(a, make_message(FTL_MSG_WRITE, i)), 0);
    }
    ck_assert_uint_eq(b->queued, 10);
    ck_assert_int_eq(notifications, 10);
    for (uint64_t i = 0; i < 10; i++) {
        ck_assert_uint_eq(channel_peek(b)->header.id, i);
        struct message *msg = channel_take(b, true);
        ck_assert_uint_eq(msg->header.id, i);
        message_free(msg);
    }
    ck_assert_ptr_null(channel_peek(b));
    ck_assert_ptr_null(channel_take(b, true));
    object_put(&a->object);
    object_put(&b->object);
}
END_TEST

START_TEST(full_queue_refuses_and_keeps_the_message_with_the_sender)
{
    struct channel_end *a, *b;
    channel_create(&a, &b);
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++) {
        ck_assert_int_eq(channel_send(a, make_message(FTL_MSG_WRITE, i)), 0);
    }
    struct message *extra = make_message(FTL_MSG_WRITE, 99);
    ck_assert_int_eq(channel_send(a, extra), FTL_ERR_WOULD_BLOCK);
    ck_assert_uint_eq(b->queued, CHANNEL_QUEUE_MAX);
    message_free(extra); // still the caller's
    object_put(&a->object);
    object_put(&b->object);
}
END_TEST

// a is the client, b the server. a's queue is full of other traffic when
// b answers: replies b owes still go in, up to a second queue's worth.
START_TEST(owed_replies_fit_a_full_queue)
{
    struct channel_end *a, *b;
    channel_create(&a, &b);
    for (int i = 0; i < 3; i++) {
        channel_send(a, make_message(FTL_MSG_READ, i));
        message_free(channel_take(b, false));
    }
    ck_assert_uint_eq(b->replies_owed, 3);
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++) {
        ck_assert_int_eq(channel_send(b, make_message(FTL_MSG_WRITE, 100 + i)),
                         0);
    }
    struct message *unasked = make_message(FTL_MSG_WRITE, 999);
    ck_assert_int_eq(channel_send(b, unasked), FTL_ERR_WOULD_BLOCK);
    message_free(unasked);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(
            channel_send(b, make_message(FTL_MSG_READ_REPLY, i)), 0);
    }
    ck_assert_uint_eq(a->queued, CHANNEL_QUEUE_MAX + 3);
    struct message *unowed = make_message(FTL_MSG_READ_REPLY, 3);
    ck_assert_int_eq(channel_send(b, unowed), FTL_ERR_WOULD_BLOCK);
    message_free(unowed);
    object_put(&a->object);
    object_put(&b->object);
}
END_TEST

// However many requests it took, a server never fills its caller's queue
// past twice the limit.
START_TEST(owed_replies_are_bounded)
{
    struct channel_end *a, *b;
    channel_create(&a, &b);
    for (int i = 0; i < 3 * CHANNEL_QUEUE_MAX; i++) {
        channel_send(a, make_message(FTL_MSG_READ, i));
        message_free(channel_take(b, false));
    }
    ck_assert_uint_eq(b->replies_owed, CHANNEL_QUEUE_MAX);
    for (int i = 0; i < CHANNEL_QUEUE_MAX; i++) {
        channel_send(b, make_message(FTL_MSG_WRITE, 1000 + i));
    }
    int sent = 0;
    struct message *reply;
    while (channel_send(b, reply = make_message(FTL_MSG_READ_REPLY, sent)) ==
           0) {
        sent++;
    }
    message_free(reply);
    ck_assert_int_eq(sent, CHANNEL_QUEUE_MAX);
    ck_assert_uint_eq(a->queued, 2 * CHANNEL_QUEUE_MAX);
    object_put(&a->object);
    object_put(&b->object);
}
END_TEST

START_TEST(closing_an_end_drops_its_queue_and_tells_the_peer)
{
    struct channel_end *a, *b;
    channel_create(&a, &b);
    struct object moved;
    object_init(&moved, OBJECT_VMAREA, count_destroy);
    struct message *msg = make_message(FTL_MSG_OPEN_REPLY, 1);
    msg->moved = &moved; // the message holds the only reference
    channel_send(a, msg);
    ck_assert(!channel_is_finished(a));
    object_put(&b->object); // b had the message queued
    ck_assert_int_eq(destroyed, 1);
    ck_assert_ptr_null(a->peer);
    ck_assert(channel_is_finished(a));
    struct message *late = make_message(FTL_MSG_WRITE, 2);
    ck_assert_int_eq(channel_send(a, late), FTL_ERR_PEER_CLOSED);
    message_free(late);
    object_put(&a->object);
}
END_TEST

static struct process *fake_lender(void)
{
    struct process *p = heap_alloc(sizeof(*p));
    object_init(&p->object, OBJECT_PROCESS, count_destroy);
    return p;
}

static struct message *lending_request(uint32_t type, uint64_t id,
                                       struct process *lender)
{
    struct message *msg = make_message(type, id);
    msg->header.loan_base = 0x1000;
    msg->header.loan_len = 100;
    msg->lender = lender;
    object_get(&lender->object);
    return msg;
}

START_TEST(loans_start_on_receipt_and_end_with_the_reply)
{
    struct channel_end *caller, *callee;
    channel_create(&caller, &callee);
    struct process *lender = fake_lender();
    channel_send(caller, lending_request(FTL_MSG_READ, 5, lender));
    channel_send(caller, lending_request(FTL_MSG_WRITE, 6, lender));
    ck_assert_ptr_null(channel_find_loan(callee, 5)); // not received yet
    message_free(channel_take(callee, true));
    message_free(channel_take(callee, true));
    struct loan *read = channel_find_loan(callee, 5);
    struct loan *write = channel_find_loan(callee, 6);
    ck_assert_ptr_nonnull(read);
    ck_assert_ptr_nonnull(write);
    ck_assert(read->callee_writes);
    ck_assert(!write->callee_writes);
    ck_assert_uint_eq(read->base, 0x1000);
    ck_assert_uint_eq(read->len, 100);
    ck_assert_ptr_null(channel_find_loan(caller, 5)); // callee side only
    // A reply with another id ends nothing; with id 5 it ends loan 5.
    channel_send(callee, make_message(FTL_MSG_READ_REPLY, 7));
    ck_assert_ptr_nonnull(channel_find_loan(callee, 5));
    channel_send(callee, make_message(FTL_MSG_ERROR_REPLY, 5));
    ck_assert_ptr_null(channel_find_loan(callee, 5));
    ck_assert_ptr_nonnull(channel_find_loan(callee, 6));
    ck_assert_int_eq(destroyed, 0); // the lender is still referenced
    object_put(&callee->object);    // loan 6 goes with the end
    object_put(&caller->object);
    object_put(&lender->object);
    ck_assert_int_eq(destroyed, 1);
    heap_free(lender);
}
END_TEST

START_TEST(discarded_requests_lend_nothing)
{
    struct channel_end *caller, *callee;
    channel_create(&caller, &callee);
    struct process *lender = fake_lender();
    channel_send(caller, lending_request(FTL_MSG_READ, 1, lender));
    message_free(channel_take(callee, false));
    ck_assert_ptr_null(channel_find_loan(callee, 1));
    object_put(&lender->object);
    ck_assert_int_eq(destroyed, 1); // nobody else held it
    object_put(&caller->object);
    object_put(&callee->object);
    heap_free(lender);
}
END_TEST

START_TEST(everything_is_freed)
{
    uint64_t free_before = page_free_count();
    struct heap_stats before, after;
    heap_get_stats(&before);
    for (int round = 0; round < 50; round++) {
        struct channel_end *a, *b;
        channel_create(&a, &b);
        struct process *lender = fake_lender();
        for (int i = 0; i < 20; i++) {
            struct message *msg = lending_request(FTL_MSG_READ, i, lender);
            msg->body = heap_alloc(100);
            msg->header.body_len = 100;
            channel_send(a, msg);
        }
        for (int i = 0; i < 10; i++) {
            message_free(channel_take(b, true));
        }
        object_put(&a->object);
        object_put(&b->object);
        object_put(&lender->object);
        heap_free(lender);
    }
    heap_get_stats(&after);
    ck_assert_uint_eq(after.bytes_in_use, before.bytes_in_use);
    ck_assert_uint_eq(page_free_count(), free_before);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("channel");
    TCase *t = tcase_create("bookkeeping");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, messages_come_out_in_order);
    tcase_add_test(t, full_queue_refuses_and_keeps_the_message_with_the_sender);
    tcase_add_test(t, owed_replies_fit_a_full_queue);
    tcase_add_test(t, owed_replies_are_bounded);
    tcase_add_test(t, closing_an_end_drops_its_queue_and_tells_the_peer);
    tcase_add_test(t, loans_start_on_receipt_and_end_with_the_reply);
    tcase_add_test(t, discarded_requests_lend_nothing);
    tcase_add_test(t, everything_is_freed);
    suite_add_tcase(s, t);
    return s;
}
