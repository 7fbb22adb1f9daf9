// IPC system calls (see syscall_ipc.h and sdk/include/ftl/channel.h,
// sink.h). Each decodes and checks everything (handles with rights, the
// message header, body size and pointers, the handle to move, the loan's
// range) before the point of no return, channel_send(); after it nothing
// fails, so a failed send leaves the sender exactly as it was.
#include "syscall_ipc.h"

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/sink.h>

#include "arch/x64/cpu.h"
#include "channel.h"
#include "clock.h"
#include "heap.h"
#include "hot.h"
#include "panic.h"
#include "process.h"
#include "sched.h"
#include "sink.h"
#include "timer.h"
#include "usercopy.h"

#define COPY_CHUNK 4096
#define CHANNEL_RIGHTS                                                         \
    (FTL_RIGHT_READ | FTL_RIGHT_WRITE | FTL_RIGHT_TRANSFER |                   \
     FTL_RIGHT_DUPLICATE)

static struct handle_table *handles(void)
{
    return &sched_current()->process->handles;
}

static int lookup_channel(uint64_t h, uint32_t rights, struct channel_end **out)
{
    // Through a struct object pointer, not a cast of out (a channel_end
    // pointer stored through a struct object ** breaks strict aliasing,
    // which link-time optimization can see across files); *out is always
    // written, NULL on an error.
    struct object *object = NULL;
    int err =
        handle_lookup(handles(), (handle_t)h, OBJECT_CHANNEL, rights, &object);
    *out = (struct channel_end *)object;
    return err;
}

long sys_channel_create(uint64_t uends)
{
    struct channel_end *a, *b;
    int err = channel_create(&a, &b);
    if (err < 0) {
        return err;
    }
    handle_t ends[2];
    ends[0] = handle_add(handles(), &a->object, CHANNEL_RIGHTS);
    ends[1] = ends[0] < 0 ? ends[0]
                          : handle_add(handles(), &b->object, CHANNEL_RIGHTS);
    object_put(&a->object);
    object_put(&b->object);
    if (ends[1] >= 0) {
        err = copy_to_process(uends, ends, sizeof(ends));
    } else {
        err = ends[1];
    }
    if (err < 0) {
        if (ends[0] >= 0) {
            handle_close(handles(), ends[0]);
        }
        if (ends[1] >= 0) {
            handle_close(handles(), ends[1]);
        }
    }
    return err;
}

// Checks the header of a message before it goes: body size, type, the
// loan's range, the handle to move (which stays with the sender until the
// send cannot fail any more), and the peer's queue.
static int message_check(const struct ftl_msg *header,
                         const struct channel_end *end)
{
    if (header->body_len > FTL_MSG_BODY_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    if (header->type < FTL_MSG_OPEN || header->type > FTL_MSG_ERROR_REPLY) {
        return FTL_ERR_INVALID_ARG;
    }
    bool lends = header->loan_len > 0;
    if (lends && header->type != FTL_MSG_READ &&
        header->type != FTL_MSG_WRITE) {
        return FTL_ERR_INVALID_ARG;
    }
    struct process *sender = sched_current()->process;
    if (lends && !vm_range_is_owned(&sender->space, header->loan_base,
                                    header->loan_len)) {
        return FTL_ERR_BAD_ADDRESS;
    }
    if (header->handle != FTL_HANDLE_INVALID) {
        struct object *moved;
        int err = handle_lookup(handles(), header->handle, OBJECT_NONE,
                                FTL_RIGHT_TRANSFER, &moved);
        if (err < 0) {
            return err;
        }
        // A channel end inside its own queue would never be freed.
        if (moved == &end->object ||
            (end->peer != NULL && moved == &end->peer->object)) {
            return FTL_ERR_INVALID_ARG;
        }
        // Nor two or more inside each other's (syscall_fuzz seed 2004).
        if (moved->type == OBJECT_CHANNEL &&
            channel_queue_holds_channel((struct channel_end *)moved)) {
            return FTL_ERR_BUSY;
        }
    }
    if (end->peer == NULL) {
        return FTL_ERR_PEER_CLOSED;
    }
    if (!channel_has_room(end, header->type)) {
        return FTL_ERR_WOULD_BLOCK;
    }
    return 0;
}

// The header is copied straight into the message (a message from the
// pool shares the page of the other hot variables), then checked, then the
// body follows it: a copy window refills under TCG every page it touches,
// and one on the kernel stack would be one more.
KERNEL_HOT_MESSAGE long sys_channel_send(uint64_t h, uint64_t umsg,
                                         uint64_t ubody)
{
    struct channel_end *end;
    int err = lookup_channel(h, FTL_RIGHT_WRITE, &end);
    if (err < 0) {
        return err;
    }
    struct message *msg = message_alloc();
    if (msg == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    const struct ftl_msg *header = &msg->header;
    err = copy_from_process(&msg->header, umsg, sizeof(msg->header));
    if (err == 0) {
        err = message_check(header, end);
    }
    if (err == 0) {
        err = message_alloc_body(msg, header->body_len);
    }
    if (err == 0) {
        err = copy_from_process(msg->body, ubody, header->body_len);
    }
    if (err < 0) {
        message_free(msg);
        return err;
    }
    if (header->loan_len > 0) {
        msg->lender = sched_current()->process;
        object_get(&msg->lender->object);
    }
    if (header->handle != FTL_HANDLE_INVALID) {
        // Checked above; removing cannot fail now.
        handle_remove(handles(), header->handle, &msg->moved,
                      &msg->moved_rights);
    }
    // The peer and the room in its queue were checked above, under the
    // same lock: past the handle's removal the send cannot fail.
    err = channel_send(end, msg);
    ASSERT(err == 0);
    return 0;
}

KERNEL_HOT_MESSAGE long sys_channel_recv(uint64_t h, uint64_t umsg,
                                         uint64_t ubody, uint64_t body_max)
{
    struct channel_end *end;
    int err = lookup_channel(h, FTL_RIGHT_READ, &end);
    if (err < 0) {
        return err;
    }
    struct message *msg = channel_peek(end);
    if (msg == NULL) {
        return end->peer == NULL ? FTL_ERR_PEER_CLOSED : FTL_ERR_WOULD_BLOCK;
    }
    if (msg->header.body_len > body_max) {
        return FTL_ERR_TOO_LARGE;
    }
    // The header goes out as it is in the message, with the receiver's
    // handle in place of the sender's (the kernel keeps the object in
    // msg->moved): copied from the message pool, not from a copy on the
    // kernel stack, a page fewer to refill under TCG.
    msg->header.handle = FTL_HANDLE_INVALID;
    if (msg->moved != NULL) {
        handle_t moved = handle_add(handles(), msg->moved, msg->moved_rights);
        if (moved < 0) {
            return moved; // the message stays queued
        }
        msg->header.handle = moved;
    }
    err = copy_pair_to_process(umsg, &msg->header, sizeof(msg->header), ubody,
                               msg->body, msg->header.body_len);
    if (err < 0) {
        if (msg->moved != NULL) {
            // Drops the table's reference; the message keeps its own.
            handle_close(handles(), msg->header.handle);
        }
        return err;
    }
    uint32_t body_len = msg->header.body_len;
    channel_take(end, true);
    message_free(msg); // drops the message's own reference to the moved
    return (long)body_len;
}

long sys_channel_discard(uint64_t h)
{
    struct channel_end *end;
    int err = lookup_channel(h, FTL_RIGHT_READ, &end);
    if (err < 0) {
        return err;
    }
    struct message *msg = channel_take(end, false);
    if (msg == NULL) {
        return FTL_ERR_WOULD_BLOCK;
    }
    message_free(msg);
    return 0;
}

// Finds the live loan for a copy of len bytes at offset in the direction
// asked.
static int lookup_loan(uint64_t h, uint64_t id, uint64_t offset, uint64_t len,
                       bool callee_writes, struct loan **out)
{
    struct channel_end *end;
    int err = lookup_channel(h, FTL_RIGHT_READ, &end);
    if (err < 0) {
        return err;
    }
    struct loan *loan = channel_find_loan(end, id);
    if (loan == NULL || loan->lender->state == PROCESS_EXITED) {
        return FTL_ERR_NOT_FOUND;
    }
    if (loan->callee_writes != callee_writes || offset > loan->len ||
        len > loan->len - offset) {
        return FTL_ERR_INVALID_ARG;
    }
    *out = loan;
    return 0;
}

// Copies between the running process and a lender through a bounce buffer,
// a chunk at a time (the lender's space is not the current one).
static long copy_loan(uint64_t h, uint64_t id, uint64_t offset, uint64_t local,
                      uint64_t len, bool to_caller)
{
    struct loan *loan;
    int err = lookup_loan(h, id, offset, len, to_caller, &loan);
    if (err < 0) {
        return err;
    }
    // One buffer serves every copy: copies run under the kernel lock and
    // never block or switch threads.
    static uint8_t bounce[COPY_CHUNK];
    uint64_t done = 0;
    while (done < len && err == 0) {
        uint64_t chunk = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;
        uint64_t remote = loan->base + offset + done;
        if (to_caller) {
            err = copy_from_process(bounce, local + done, chunk);
            if (err == 0) {
                err = vm_copy_to_space(&loan->lender->space, remote, bounce,
                                       chunk);
            }
        } else {
            err =
                vm_copy_from_space(&loan->lender->space, remote, bounce, chunk);
            if (err == 0) {
                err = copy_to_process(local + done, bounce, chunk);
            }
        }
        done += chunk;
    }
    return err < 0 ? err : (long)len;
}

long sys_copy_to_caller(uint64_t h, uint64_t id, uint64_t offset, uint64_t usrc,
                        uint64_t len)
{
    return copy_loan(h, id, offset, usrc, len, true);
}

long sys_copy_from_caller(uint64_t h, uint64_t id, uint64_t offset,
                          uint64_t udst, uint64_t len)
{
    return copy_loan(h, id, offset, udst, len, false);
}

long sys_sink_create(void)
{
    struct sink *sink = sink_create();
    if (sink == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    handle_t h =
        handle_add(handles(), &sink->object, FTL_RIGHT_READ | FTL_RIGHT_WRITE);
    object_put(&sink->object);
    return h;
}

long sys_sink_add(uint64_t hsink, uint64_t h, uint64_t cookie)
{
    struct object *sink, *object;
    int err = handle_lookup(handles(), (handle_t)hsink, OBJECT_SINK,
                            FTL_RIGHT_WRITE, &sink);
    if (err == 0) {
        err = handle_lookup(handles(), (handle_t)h, OBJECT_NONE, FTL_RIGHT_READ,
                            &object);
    }
    if (err < 0) {
        return err;
    }
    struct waitable *waitable = sink_waitable_of(object);
    if (waitable == NULL) {
        return FTL_ERR_INVALID_ARG; // not something a sink can watch
    }
    return sink_add((struct sink *)sink, object, waitable, (int32_t)h, cookie);
}

long sys_sink_remove(uint64_t hsink, uint64_t h)
{
    struct object *sink, *object;
    int err = handle_lookup(handles(), (handle_t)hsink, OBJECT_SINK,
                            FTL_RIGHT_WRITE, &sink);
    if (err == 0) {
        err = handle_lookup(handles(), (handle_t)h, OBJECT_NONE, 0, &object);
    }
    if (err < 0) {
        return err;
    }
    return sink_remove((struct sink *)sink, object);
}

// Aligned so that its entry and its busy return addresses do not share a
// slot of QEMU's jump cache with each other or the system call path's
// (scripts/jump-cache-collisions.sh; at 16 bytes, a user-to-kernel round
// trip looked two of them up again every time).
KERNEL_HOT_WAIT __attribute__((aligned(64))) long
sys_sink_wait(uint64_t hsink, uint64_t uevent, uint64_t timeout_ns)
{
    struct object *sink;
    int err = handle_lookup(handles(), (handle_t)hsink, OBJECT_SINK,
                            FTL_RIGHT_READ, &sink);
    if (err < 0) {
        return err;
    }
    uint64_t deadline;
    if (timeout_ns == 0) {
        deadline = UINT64_MAX; // just look
    } else if (timeout_ns == UINT64_MAX) {
        deadline = 0; // forever
    } else {
        deadline = clock_now_ns() + timeout_ns;
    }
    object_get(sink); // the handle may be closed while we wait
    err = sink_wait((struct sink *)sink, &cpu_current()->wait_event, deadline);
    object_put(sink);
    if (err < 0) {
        return err;
    }
    return copy_to_process(uevent, &cpu_current()->wait_event,
                           sizeof(struct ftl_event));
}

long sys_timer_create(void)
{
    struct timer *t = timer_create();
    if (t == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    handle_t h =
        handle_add(handles(), &t->object,
                   FTL_RIGHT_READ | FTL_RIGHT_WRITE | FTL_RIGHT_TRANSFER);
    object_put(&t->object);
    return h;
}

long sys_timer_set(uint64_t h, uint64_t deadline_ns, uint64_t period_ns)
{
    struct object *t;
    int err = handle_lookup(handles(), (handle_t)h, OBJECT_TIMER,
                            FTL_RIGHT_WRITE, &t);
    if (err < 0) {
        return err;
    }
    if (period_ns != 0 && period_ns < FTL_TIMER_PERIOD_MIN) {
        return FTL_ERR_INVALID_ARG;
    }
    timer_set((struct timer *)t, deadline_ns, period_ns);
    return 0;
}
