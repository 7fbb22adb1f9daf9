// Channel ends, their message queues and their loans. Closing an end (its
// last reference going) tells the peer, which sees PEER_CLOSED once its
// queue is drained; messages and loans still held are dropped, so their
// handles and lenders are released.
#include "channel.h"

#include <ftl/error.h>

#include "heap.h"
#include "hot.h"
#include "lib/string.h"
#include "process.h"

// Messages in flight come from this pool while it lasts (queues are short:
// a request and its reply is the common case), then from the heap. Static,
// so it does not count as heap in use and leak checks stay exact.
#define MESSAGE_POOL_SIZE 256

KERNEL_HOT_DATA static struct message *pool_free;
KERNEL_HOT_DATA static bool pool_ready;
KERNEL_HOT_ARRAY static struct message pool[MESSAGE_POOL_SIZE];

static bool is_pooled(const struct message *msg)
{
    return msg >= pool && msg < pool + MESSAGE_POOL_SIZE;
}

KERNEL_HOT struct message *message_alloc(void)
{
    if (!pool_ready) {
        // Backwards, so the first messages handed out are at the pool's
        // start, on the page of the other hot variables (hot.h).
        for (unsigned i = MESSAGE_POOL_SIZE; i-- > 0;) {
            pool[i].next = pool_free;
            pool_free = &pool[i];
        }
        pool_ready = true;
    }
    struct message *msg = pool_free;
    if (msg != NULL) {
        pool_free = msg->next;
    } else if ((msg = heap_alloc(sizeof(*msg))) == NULL) {
        return NULL;
    }
    // Field by field: zeroing the whole header and inline body would cost
    // more than the rest of a send.
    msg->header.type = 0;
    msg->header.body_len = 0;
    msg->moved = NULL;
    msg->moved_rights = 0;
    msg->lender = NULL;
    msg->next = NULL;
    msg->body = msg->inline_body;
    return msg;
}

int message_alloc_body(struct message *msg, uint32_t body_len)
{
    if (body_len <= MESSAGE_INLINE_BODY) {
        return 0;
    }
    uint8_t *body = heap_alloc(body_len);
    if (body == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    msg->body = body;
    return 0;
}

KERNEL_HOT_MESSAGE void message_free(struct message *msg)
{
    if (msg->moved != NULL) {
        object_put(msg->moved);
    }
    if (msg->lender != NULL) {
        object_put(&msg->lender->object);
    }
    if (msg->body != msg->inline_body) {
        heap_free(msg->body);
    }
    if (is_pooled(msg)) {
        msg->next = pool_free;
        pool_free = msg;
    } else {
        heap_free(msg);
    }
}

static void loan_free(struct loan *loan)
{
    object_put(&loan->lender->object);
    heap_free(loan);
}

static void channel_destroy(struct object *object)
{
    struct channel_end *end = (struct channel_end *)object;
    if (end->peer != NULL) {
        end->peer->peer = NULL;
        waitable_notify(&end->peer->waitable);
    }
    while (end->head != NULL) {
        struct message *msg = end->head;
        end->head = msg->next;
        message_free(msg);
    }
    while (end->loans != NULL) {
        struct loan *loan = end->loans;
        end->loans = loan->next;
        loan_free(loan);
    }
    waitable_detach_all(&end->waitable);
    heap_free(end);
}

int channel_create(struct channel_end **a, struct channel_end **b)
{
    struct channel_end *x = heap_alloc(sizeof(*x));
    struct channel_end *y = heap_alloc(sizeof(*y));
    if (x == NULL || y == NULL) {
        heap_free(x);
        heap_free(y);
        return FTL_ERR_NO_MEMORY;
    }
    object_init(&x->object, OBJECT_CHANNEL, channel_destroy);
    object_init(&y->object, OBJECT_CHANNEL, channel_destroy);
    x->peer = y;
    y->peer = x;
    *a = x;
    *b = y;
    return 0;
}

static void end_loan(struct channel_end *end, uint64_t id)
{
    for (struct loan **link = &end->loans; *link != NULL;
         link = &(*link)->next) {
        if ((*link)->id == id) {
            struct loan *loan = *link;
            *link = loan->next;
            end->loan_count--;
            loan_free(loan);
            return;
        }
    }
}

bool channel_queue_holds_channel(const struct channel_end *end)
{
    for (const struct message *m = end->head; m != NULL; m = m->next) {
        if (m->moved != NULL && m->moved->type == OBJECT_CHANNEL) {
            return true;
        }
    }
    return false;
}

bool channel_has_room(const struct channel_end *end, uint32_t type)
{
    unsigned queued = end->peer->queued;
    return queued < CHANNEL_QUEUE_MAX ||
           (ftl_msg_is_reply(type) && end->replies_owed > 0 &&
            queued < 2 * CHANNEL_QUEUE_MAX);
}

KERNEL_HOT int channel_send(struct channel_end *end, struct message *msg)
{
    struct channel_end *peer = end->peer;
    if (peer == NULL) {
        return FTL_ERR_PEER_CLOSED;
    }
    if (!channel_has_room(end, msg->header.type)) {
        return FTL_ERR_WOULD_BLOCK;
    }
    // Point of no return: nothing below fails.
    if (ftl_msg_is_reply(msg->header.type)) {
        end_loan(end, msg->header.id);
        if (end->replies_owed > 0) {
            end->replies_owed--;
        }
    }
    msg->next = NULL;
    if (peer->tail != NULL) {
        peer->tail->next = msg;
    } else {
        peer->head = msg;
    }
    peer->tail = msg;
    peer->queued++;
    waitable_notify(&peer->waitable);
    return 0;
}

struct message *channel_peek(struct channel_end *end)
{
    return end->head;
}

KERNEL_HOT struct message *channel_take(struct channel_end *end, bool keep_loan)
{
    struct message *msg = end->head;
    if (msg == NULL) {
        return NULL;
    }
    end->head = msg->next;
    if (end->head == NULL) {
        end->tail = NULL;
    }
    end->queued--;
    if (!ftl_msg_is_reply(msg->header.type) &&
        end->replies_owed < CHANNEL_QUEUE_MAX) {
        end->replies_owed++;
    }
    if (msg->lender != NULL && keep_loan &&
        end->loan_count < CHANNEL_LOANS_MAX) {
        struct loan *loan = heap_alloc(sizeof(*loan));
        if (loan != NULL) {
            loan->id = msg->header.id;
            loan->lender = msg->lender; // the reference moves to the loan
            loan->base = msg->header.loan_base;
            loan->len = msg->header.loan_len;
            loan->callee_writes = msg->header.type == FTL_MSG_READ;
            loan->next = end->loans;
            end->loans = loan;
            end->loan_count++;
            msg->lender = NULL;
        }
    }
    return msg;
}

struct loan *channel_find_loan(struct channel_end *end, uint64_t id)
{
    for (struct loan *loan = end->loans; loan != NULL; loan = loan->next) {
        if (loan->id == id) {
            return loan;
        }
    }
    return NULL;
}

bool channel_is_finished(const struct channel_end *end)
{
    return end->peer == NULL && end->head == NULL;
}
