// Channels (see sdk/include/ftl/channel.h for the contract seen by
// processes). Each end is a kernel object; a message queued on an end waits
// for that end's owner. Loans (calls with memory copy) are kept on the end
// that received the request, keyed by message id, until the reply.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/message.h>

#include "object.h"
#include "waitable.h"

#define CHANNEL_QUEUE_MAX 64
#define CHANNEL_LOANS_MAX 256

struct process;

// Bodies up to this size live inside the message itself.
#define MESSAGE_INLINE_BODY 64

struct message {
    struct ftl_msg header; // header.handle unused inside the kernel
    struct object *moved;  // the handle's object, or NULL
    uint32_t moved_rights;
    struct process *lender; // READ/WRITE with a loan: the caller
    uint8_t *body;          // header.body_len bytes: inline_body or heap
    struct message *next;
    uint8_t inline_body[MESSAGE_INLINE_BODY];
};

struct loan {
    uint64_t id;
    struct process *lender; // holds a reference
    uint64_t base, len;
    bool callee_writes; // READ: callee copies into the buffer
    struct loan *next;
};

struct channel_end {
    struct object object;
    struct channel_end *peer; // NULL once the peer is gone
    struct message *head, *tail;
    unsigned queued;
    struct loan *loans;
    unsigned loan_count;
    unsigned replies_owed; // requests taken from this end, not answered yet
                           // (at most CHANNEL_QUEUE_MAX)
    struct waitable waitable;
};

// Creates a connected pair, each with one reference. NULL on no memory.
int channel_create(struct channel_end **a, struct channel_end **b);

// Whether a message queued on end carries a channel end. Such an end may not
// be moved itself: any cycle of ends inside each other's queues is closed
// by moving an end whose queue holds the one before it, and a cycle would
// never be freed (nor its messages, nor the lenders they pin).
bool channel_queue_holds_channel(const struct channel_end *end);

// Whether a message of `type` from end fits into its peer's queue: while
// the queue holds fewer than CHANNEL_QUEUE_MAX messages, or, for a reply
// that end owes, while it holds fewer than twice that. So a server's answer
// is not lost because its caller's queue is full of other traffic, and a
// queue still never grows without bound. The peer must exist.
bool channel_has_room(const struct channel_end *end, uint32_t type);

// Queues a message on end's peer. The message (and its body, moved object
// reference, lender reference) belongs to the channel on success; on error
// the caller still owns it. Errors: FTL_ERR_PEER_CLOSED,
// FTL_ERR_WOULD_BLOCK. A reply (ftl_msg_is_reply) ends the loan with the
// same id on `end`.
int channel_send(struct channel_end *end, struct message *msg);

// The first waiting message of end, or NULL.
struct message *channel_peek(struct channel_end *end);

// Removes the first message; a loan it carries is recorded on end (the
// callee) unless `keep_loan` is false. Returns it (the caller frees it with
// message_free) or NULL.
struct message *channel_take(struct channel_end *end, bool keep_loan);

void message_free(struct message *msg);

// A message with room for a body of MESSAGE_INLINE_BODY bytes (msg->body),
// or NULL when out of memory. Its header is the caller's to fill; the rest
// is empty (no handle, no lender). Messages come from a fixed pool first,
// so the common small message costs no heap allocation.
struct message *message_alloc(void);

// Makes room for a body of body_len bytes in a message fresh from
// message_alloc, on the heap if it is larger than the inline body: 0, or
// FTL_ERR_NO_MEMORY (msg unchanged).
int message_alloc_body(struct message *msg, uint32_t body_len);

// The loan for request id received on end, or NULL.
struct loan *channel_find_loan(struct channel_end *end, uint64_t id);

// True if end's peer has closed and nothing waits any more.
bool channel_is_finished(const struct channel_end *end);
