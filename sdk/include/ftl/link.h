// Frame links: a channel that carries network frames both ways between a
// network device driver (virtio_net) and a network stack (tcpip).
//
// Each frame is a WRITE request whose body is the whole Ethernet frame (no
// device header); the receiver answers WRITE_REPLY once it has taken the
// frame, which gives the sender one credit back. At most FTL_LINK_WINDOW
// frames travel unacknowledged in each direction, so a channel queue
// (FTL_CHANNEL_QUEUE_MAX) always holds the other side's frames plus the
// acknowledgements of ours: nothing is lost to a full queue. A receiver
// that cannot take a frame yet (its transmit ring is full) returns
// FTL_ERR_WOULD_BLOCK from on_frame and calls ftl_link_resume later; the
// frame waits in the channel and the sender runs out of credits.
//
// Besides frames, one GETATTR at a time may travel each way (the driver's
// MAC address: `GETATTR mac` -> "52:54:00:12:34:56").
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/loop.h>

// Frames in flight, unacknowledged, in one direction.
#define FTL_LINK_WINDOW 31
// Largest frame: Ethernet header, 1500 bytes of payload, one VLAN tag.
#define FTL_LINK_FRAME_MAX 1518

struct ftl_link;

struct ftl_link_ops {
    // A frame arrived; valid during the call only. Return 0 when taken, or
    // FTL_ERR_WOULD_BLOCK to leave it (and every later one) waiting until
    // ftl_link_resume.
    int (*on_frame)(struct ftl_link *link, const void *frame, size_t len,
                    void *arg);
    // A credit came back after ftl_link_send had none: send again.
    void (*on_ready)(struct ftl_link *link, void *arg);
    // GETATTR name from the other side: write the value (at most max bytes)
    // into value and return its length, or return an FTL_ERR_* code. NULL:
    // every GETATTR fails with FTL_ERR_NOT_SUPPORTED.
    long (*on_getattr)(struct ftl_link *link, const char *name, char *value,
                       size_t max, void *arg);
    // The reply to ftl_link_getattr: value is NUL-terminated, or error < 0.
    void (*on_getattr_reply)(struct ftl_link *link, int error,
                             const char *value, void *arg);
    // The other side is gone. The link is not usable any more: destroy it.
    void (*on_close)(struct ftl_link *link, void *arg);
};

// A link over channel (owned by the link from now on) on loop. ops is kept
// by pointer. NULL when out of memory or the channel cannot be watched (the
// channel is then not taken).
struct ftl_link *ftl_link_create(struct ftl_loop *loop, ftl_handle_t channel,
                                 const struct ftl_link_ops *ops, void *arg);

// Closes the channel and frees the link. Allowed from its callbacks.
void ftl_link_destroy(struct ftl_link *link);

// Sends one frame (copied). FTL_ERR_WOULD_BLOCK when no credit is left
// (on_ready follows when one comes back), FTL_ERR_TOO_LARGE, or the
// channel's errors (FTL_ERR_PEER_CLOSED).
int ftl_link_send(struct ftl_link *link, const void *frame, size_t len);

// Whether ftl_link_send would find a credit.
int ftl_link_can_send(const struct ftl_link *link);

// Takes waiting frames again after on_frame returned FTL_ERR_WOULD_BLOCK.
void ftl_link_resume(struct ftl_link *link);

// Asks the other side for attribute name; on_getattr_reply follows.
// FTL_ERR_BUSY while one is in flight.
int ftl_link_getattr(struct ftl_link *link, const char *name);

// Counters, for GETATTR stats and tests.
struct ftl_link_stats {
    uint64_t frames_in, frames_out;
    uint64_t no_credit; // ftl_link_send found no credit
};
const struct ftl_link_stats *ftl_link_stats(const struct ftl_link *link);
