// The virtio network device (virtio 1.0 section 5.1) on either transport:
// bring-up, the receive and transmit queues, the interrupt. Frames leave
// and arrive without the virtio-net header; what to do with a received
// frame is the owner's callback, so this file knows nothing of links.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/loop.h>

#include "rxbacklog.h"
#include "transport.h"
#include "virtqueue.h"

struct netdev;

struct netdev_ops {
    // A received frame, valid during the call. Return 0 when taken (or
    // dropped), FTL_ERR_WOULD_BLOCK when it cannot be taken yet: it waits
    // in the backlog (or, that full, in the device) and comes again, in
    // order, after netdev_receive_resume.
    int (*on_receive)(struct netdev *dev, const void *frame, size_t len);
    // The transmit queue has room again after netdev_send found it full.
    void (*on_send_room)(struct netdev *dev);
};

struct netdev_stats {
    uint64_t rx_frames, tx_frames;
    uint64_t rx_backlogged; // frames that waited in the backlog
    uint64_t tx_queue_full;
    uint64_t interrupts;
};

struct netdev {
    struct virtio_transport transport;
    struct virtqueue rx, tx;
    ftl_handle_t device, interrupt;
    uint8_t mac[6];
    size_t header_len; // of struct virtio_net_hdr as negotiated
    struct ftl_loop *loop;
    const struct netdev_ops *ops;
    void *owner;
    struct rx_backlog backlog;
    uint64_t shed_logged_ns; // the last shedding line, 0: none yet
    bool receive_stalled; // rx_held waits for netdev_receive_resume
    uint16_t rx_held;
    uint32_t rx_held_len;
    bool send_waiting; // on_send_room is owed
    struct netdev_stats stats;
};

// Brings up the device behind PCI handle `device` (taken over by dev):
// picks the modern transport if the device has one, else legacy;
// negotiates features; fills the receive queue; takes the interrupt on
// loop. Errors: FTL_ERR_NOT_SUPPORTED (not a usable virtio-net), FTL_ERR_IO
// (the device refused our features), those of the device calls.
int netdev_open(struct netdev *dev, struct ftl_loop *loop, ftl_handle_t device,
                const struct netdev_ops *ops, void *owner);

// Queues one frame for sending (copied). FTL_ERR_WOULD_BLOCK when the
// transmit queue is full (on_send_room follows), FTL_ERR_TOO_LARGE, or
// FTL_ERR_INVALID_ARG for a frame shorter than an Ethernet header, which
// QEMU takes as a broken driver ("virtio-net nothing to send") and stops
// the device for (found by tests/net/ipc_fuzz.c).
#define NETDEV_FRAME_MIN 14
int netdev_send(struct netdev *dev, const void *frame, size_t len);

// Receives again after on_receive returned FTL_ERR_WOULD_BLOCK.
void netdev_receive_resume(struct netdev *dev);

// "legacy" or "modern".
const char *netdev_transport_name(const struct netdev *dev);
