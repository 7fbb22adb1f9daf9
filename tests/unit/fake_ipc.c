// The fake IPC layer of the SDK unit tests (see fake_ipc.h). Handles index
// one table of objects; a channel end holds the queue of messages sent to
// it and the loans of requests it received.
#include "fake_ipc.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/time.h>

#define FAKE_HANDLES 256
#define FAKE_WATCHES 64
#define FAKE_LOANS 128

enum kind { FREE, CHANNEL, SINK };

struct queued {
    struct queued *next;
    struct ftl_msg msg;
    uint8_t body[FTL_MSG_BODY_MAX];
};

struct loan {
    uint64_t id;
    uint8_t *base;
    uint64_t len;
    bool to_caller; // a READ: the callee copies into it
};

struct object {
    enum kind kind;
    // CHANNEL
    int peer; // 0 once the peer is closed
    struct queued *head, *tail;
    int queued;
    struct loan loans[FAKE_LOANS]; // of requests received here (len 0: none)
    // SINK
    struct {
        ftl_handle_t handle; // 0: unused
        uint64_t cookie;
    } watches[FAKE_WATCHES];
    int next_watch; // round-robin start
};

static struct object objects[FAKE_HANDLES];
static uint64_t now_ns;

// No start-up information: a test process has no first channel.
const struct ftl_start_info *ftl_start_info;

void fake_ipc_reset(void)
{
    for (int h = 0; h < FAKE_HANDLES; h++) {
        ftl_handle_close(h);
    }
    memset(objects, 0, sizeof(objects));
    now_ns = 0;
}

void fake_clock_advance(uint64_t ns)
{
    now_ns += ns;
}

int fake_handles_open(void)
{
    int open = 0;
    for (int h = 1; h < FAKE_HANDLES; h++) {
        open += objects[h].kind != FREE;
    }
    return open;
}

uint64_t ftl_clock_ns(void)
{
    return now_ns;
}

static ftl_handle_t handle_alloc(enum kind kind)
{
    for (int h = 1; h < FAKE_HANDLES; h++) {
        if (objects[h].kind == FREE) {
            memset(&objects[h], 0, sizeof(objects[h]));
            objects[h].kind = kind;
            return h;
        }
    }
    return FTL_ERR_LIMIT;
}

static struct object *lookup(ftl_handle_t h, enum kind kind)
{
    if (h <= 0 || h >= FAKE_HANDLES || objects[h].kind != kind) {
        return NULL;
    }
    return &objects[h];
}

int ftl_channel_create(ftl_handle_t ends[2])
{
    ends[0] = handle_alloc(CHANNEL);
    ends[1] = handle_alloc(CHANNEL);
    objects[ends[0]].peer = ends[1];
    objects[ends[1]].peer = ends[0];
    return 0;
}

static struct loan *loan_find(struct object *end, uint64_t id)
{
    for (int i = 0; i < FAKE_LOANS; i++) {
        if (end->loans[i].len > 0 && end->loans[i].id == id) {
            return &end->loans[i];
        }
    }
    return NULL;
}

int ftl_channel_send(ftl_handle_t channel, const struct ftl_msg *msg,
                     const void *body)
{
    struct object *end = lookup(channel, CHANNEL);
    if (end == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    if (end->peer == 0) {
        return FTL_ERR_PEER_CLOSED;
    }
    if (msg->body_len > FTL_MSG_BODY_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    struct object *peer = &objects[end->peer];
    if (peer->queued == FTL_CHANNEL_QUEUE_MAX) {
        return FTL_ERR_WOULD_BLOCK;
    }
    if (ftl_msg_is_reply(msg->type)) {
        struct loan *loan = loan_find(end, msg->id);
        if (loan != NULL) {
            loan->len = 0; // the reply ends the loan
        }
    }
    struct queued *q = calloc(1, sizeof(*q));
    q->msg = *msg;
    if (msg->body_len > 0) {
        memcpy(q->body, body, msg->body_len);
    }
    if (peer->tail != NULL) {
        peer->tail->next = q;
    } else {
        peer->head = q;
    }
    peer->tail = q;
    peer->queued++;
    return 0;
}

static void queue_pop(struct object *end)
{
    struct queued *q = end->head;
    end->head = q->next;
    if (end->head == NULL) {
        end->tail = NULL;
    }
    end->queued--;
    free(q);
}

long ftl_channel_recv(ftl_handle_t channel, struct ftl_msg *msg, void *body,
                      size_t body_max)
{
    struct object *end = lookup(channel, CHANNEL);
    if (end == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    if (end->head == NULL) {
        return end->peer == 0 ? FTL_ERR_PEER_CLOSED : FTL_ERR_WOULD_BLOCK;
    }
    struct queued *q = end->head;
    if (q->msg.body_len > body_max) {
        return FTL_ERR_TOO_LARGE;
    }
    *msg = q->msg;
    if (q->msg.body_len > 0) {
        memcpy(body, q->body, q->msg.body_len);
    }
    bool is_loan =
        (q->msg.type == FTL_MSG_READ || q->msg.type == FTL_MSG_WRITE) &&
        q->msg.loan_len > 0;
    for (int i = 0; is_loan && i < FAKE_LOANS; i++) {
        if (end->loans[i].len == 0) {
            end->loans[i] =
                (struct loan){.id = q->msg.id,
                              .base = (uint8_t *)(uintptr_t)q->msg.loan_base,
                              .len = q->msg.loan_len,
                              .to_caller = q->msg.type == FTL_MSG_READ};
            break;
        }
    }
    long len = q->msg.body_len;
    queue_pop(end);
    return len;
}

int ftl_channel_discard(ftl_handle_t channel)
{
    struct object *end = lookup(channel, CHANNEL);
    if (end == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    if (end->head == NULL) {
        return FTL_ERR_WOULD_BLOCK;
    }
    queue_pop(end);
    return 0;
}

static long copy_loan(ftl_handle_t channel, uint64_t id, uint64_t offset,
                      size_t len, bool to_caller, struct loan **out)
{
    struct object *end = lookup(channel, CHANNEL);
    if (end == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    struct loan *loan = loan_find(end, id);
    if (loan == NULL || end->peer == 0) {
        return FTL_ERR_NOT_FOUND;
    }
    if (loan->to_caller != to_caller || offset > loan->len ||
        len > loan->len - offset) {
        return FTL_ERR_INVALID_ARG;
    }
    *out = loan;
    return (long)len;
}

long ftl_copy_to_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                        const void *src, size_t len)
{
    struct loan *loan;
    long r = copy_loan(channel, id, offset, len, true, &loan);
    if (r > 0) {
        memcpy(loan->base + offset, src, len);
    }
    return r;
}

long ftl_copy_from_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                          void *dst, size_t len)
{
    struct loan *loan;
    long r = copy_loan(channel, id, offset, len, false, &loan);
    if (r > 0) {
        memcpy(dst, loan->base + offset, len);
    }
    return r;
}

ftl_handle_t ftl_sink_create(void)
{
    return handle_alloc(SINK);
}

int ftl_sink_add(ftl_handle_t sink, ftl_handle_t handle, uint64_t cookie)
{
    struct object *s = lookup(sink, SINK);
    if (s == NULL || lookup(handle, CHANNEL) == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    int free_slot = -1;
    for (int i = 0; i < FAKE_WATCHES; i++) {
        if (s->watches[i].handle == handle) {
            return FTL_ERR_ALREADY_EXISTS;
        }
        if (s->watches[i].handle == 0 && free_slot < 0) {
            free_slot = i;
        }
    }
    if (free_slot < 0) {
        return FTL_ERR_LIMIT;
    }
    s->watches[free_slot].handle = handle;
    s->watches[free_slot].cookie = cookie;
    return 0;
}

int ftl_sink_remove(ftl_handle_t sink, ftl_handle_t handle)
{
    struct object *s = lookup(sink, SINK);
    if (s == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    for (int i = 0; i < FAKE_WATCHES; i++) {
        if (s->watches[i].handle == handle) {
            s->watches[i].handle = 0;
            return 0;
        }
    }
    return FTL_ERR_NOT_FOUND;
}

// The event of a watched channel end, if it has one.
static bool channel_event(ftl_handle_t h, struct ftl_event *event)
{
    struct object *end = &objects[h];
    if (end->head != NULL) {
        event->kind = FTL_EVENT_MESSAGE;
        event->msg = end->head->msg;
        event->msg.handle = end->head->msg.handle != FTL_HANDLE_INVALID;
        return true;
    }
    if (end->peer == 0) {
        event->kind = FTL_EVENT_PEER_CLOSED;
        return true;
    }
    return false;
}

int ftl_sink_wait(ftl_handle_t sink, struct ftl_event *event,
                  uint64_t timeout_ns)
{
    struct object *s = lookup(sink, SINK);
    if (s == NULL) {
        return FTL_ERR_BAD_HANDLE;
    }
    for (int n = 0; n < FAKE_WATCHES; n++) {
        int i = (s->next_watch + n) % FAKE_WATCHES;
        ftl_handle_t h = s->watches[i].handle;
        memset(event, 0, sizeof(*event));
        if (h != 0 && channel_event(h, event)) {
            event->handle = h;
            event->cookie = s->watches[i].cookie;
            s->next_watch = (i + 1) % FAKE_WATCHES;
            return 0;
        }
    }
    if (timeout_ns == FTL_WAIT_FOREVER) {
        return FTL_ERR_WOULD_BLOCK; // in the OS: a hang
    }
    now_ns += timeout_ns;
    return FTL_ERR_TIMED_OUT;
}

static void unwatch_everywhere(ftl_handle_t handle)
{
    for (int h = 1; h < FAKE_HANDLES; h++) {
        if (objects[h].kind == SINK) {
            ftl_sink_remove(h, handle);
        }
    }
}

int ftl_handle_close(ftl_handle_t handle)
{
    if (handle <= 0 || handle >= FAKE_HANDLES || objects[handle].kind == FREE) {
        return FTL_ERR_BAD_HANDLE;
    }
    struct object *o = &objects[handle];
    if (o->kind == CHANNEL) {
        while (o->head != NULL) {
            if (o->head->msg.handle != FTL_HANDLE_INVALID) {
                ftl_handle_close(o->head->msg.handle);
            }
            queue_pop(o);
        }
        if (o->peer != 0) {
            objects[o->peer].peer = 0;
        }
    }
    unwatch_everywhere(handle);
    o->kind = FREE;
    return 0;
}
