// Received frames that the owner could not take yet, copied out of the
// device's receive buffers so that those go back to the device at once.
//
// Without it, a frame the network stack has no credit for keeps its
// receive buffer; the device's 256 buffers then run out within one burst
// and the host drops what comes next (counted by the tap's TX `dropped`),
// each drop a TCP retransmission time-out of 200 ms or more. The backlog
// plays the part of Linux's netdev_max_backlog (1,000 frames): a burst of
// about as many frames as the busiest client has connections is held and
// handed on in order once credits come back. Past it the device's ring is
// the queue again, as before.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Frames held, at most; about 1.5 MiB.
#define RX_BACKLOG_FRAMES 1024
// Past this many frames held, a TCP SYN (a new connection asked for) is
// shed instead of held: see rx_backlog_push.
#define RX_BACKLOG_SYN_LIMIT (RX_BACKLOG_FRAMES / 2)

enum rx_backlog_result {
    RX_BACKLOG_HELD,
    RX_BACKLOG_SHED, // a connection request dropped to keep room
    RX_BACKLOG_FULL, // not held; the caller keeps the frame
};

struct rx_backlog {
    uint8_t (*frames)[2048]; // RX_BACKLOG_FRAMES slots; NULL: none
    uint16_t lens[RX_BACKLOG_FRAMES];
    unsigned head, count;
    uint64_t held_most; // the largest count reached, for GETATTR stats
    uint64_t shed;      // connection requests dropped
};

// Allocates the slots; false when out of memory (the backlog then holds
// nothing, and rx_backlog_push always fails).
bool rx_backlog_init(struct rx_backlog *b);

// Copies a frame in: HELD; FULL when there is no room (or the frame is
// larger than a slot). Once the backlog is half full, a TCP SYN without
// ACK is SHED (dropped, and counted) instead: a backlog that fills is a
// stack that cannot keep up, and the frames of connections that exist
// (their requests, their acknowledgements) then go before new ones. A SYN
// flood thus costs the stack at most half the backlog, and the segments of
// established connections still find room, where without it they were
// dropped with the flood by the host, each drop a retransmission time-out
// (200 ms, doubling). A client whose SYN was shed sends it again in 1 s.
enum rx_backlog_result rx_backlog_push(struct rx_backlog *b, const void *frame,
                                       size_t len);

// Whether frame is an IPv4 TCP segment with SYN set and ACK clear.
bool rx_frame_is_connection_request(const void *frame, size_t len);

// The oldest frame (valid until the next pop) and its length; false when
// empty.
bool rx_backlog_peek(const struct rx_backlog *b, const void **frame,
                     size_t *len);

// Drops the oldest frame.
void rx_backlog_pop(struct rx_backlog *b);

static inline bool rx_backlog_empty(const struct rx_backlog *b)
{
    return b->count == 0;
}
