// Channels: bidirectional, bounded, asynchronous message queues between two
// ends. Sending never blocks: a full queue is FTL_ERR_WOULD_BLOCK
// (backpressure, nothing is dropped). A sink says when a message is there
// and describes it; the receiver then takes exactly that message into a
// buffer it chose.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/message.h>

// Most messages waiting in one direction of a channel.
#define FTL_CHANNEL_QUEUE_MAX 64

// Creates a connected pair; ends[0] and ends[1] get handles with READ,
// WRITE, TRANSFER and DUPLICATE rights.
int ftl_channel_create(ftl_handle_t ends[2]);

// Sends msg (and msg->body_len bytes of body). On success the handle in
// msg->handle, if any, has moved to the receiver; on failure the sender
// keeps it. A reply to a request this end received and has not answered
// yet still fits a full queue, into a reserve of FTL_CHANNEL_QUEUE_MAX more.
// Errors: FTL_ERR_PEER_CLOSED, FTL_ERR_WOULD_BLOCK (queue full),
// FTL_ERR_TOO_LARGE (body), FTL_ERR_BAD_HANDLE, FTL_ERR_NOT_ALLOWED (no
// TRANSFER right on the handle to move), FTL_ERR_BAD_ADDRESS.
int ftl_channel_send(ftl_handle_t channel, const struct ftl_msg *msg,
                     const void *body);

// Takes the first waiting message into *msg and body (body_max bytes).
// Returns the body length, FTL_ERR_WOULD_BLOCK when nothing waits (or
// FTL_ERR_PEER_CLOSED when nothing will come any more), FTL_ERR_TOO_LARGE if
// the body does not fit (the message stays), FTL_ERR_LIMIT if its handle
// does not fit in the handle table (the message stays).
long ftl_channel_recv(ftl_handle_t channel, struct ftl_msg *msg, void *body,
                      size_t body_max);

// Drops the first waiting message (and any handle in it).
int ftl_channel_discard(ftl_handle_t channel);

// Calls with memory copy: while request `id` received on `channel` is not
// replied to, copy into (READ) or out of (WRITE) the caller's lent buffer,
// at `offset`. Returns len, or FTL_ERR_NOT_FOUND (no such loan: never lent,
// replied to, or the caller died), FTL_ERR_INVALID_ARG (out of the lent
// bounds, or the wrong direction), FTL_ERR_BAD_ADDRESS.
long ftl_copy_to_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                        const void *src, size_t len);
long ftl_copy_from_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                          void *dst, size_t len);
