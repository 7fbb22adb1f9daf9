// The virtio entropy device (virtio 1.0 section 5.4) on either transport:
// bring-up, its one queue (requestq) and the interrupt. The driver offers
// buffers that the device writes; each comes back with some random bytes
// ("one or more", 5.4.6.1: it may fill less than the whole buffer). A fill
// request of the owner is served by as many buffers as it takes, in the
// order requests arrive; what a fill is for is the owner's business.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/loop.h>

#include "transport.h"
#include "virtqueue.h"

// Largest fill: one READ of the driver's protocol.
#define RNGDEV_FILL_MAX 4096

// Descriptors the driver uses at most (QEMU's device has 8).
#define RNGDEV_QUEUE_MAX 64

struct rngdev_fill;
typedef void (*rngdev_fill_fn)(struct rngdev_fill *fill, void *arg);

// One request for len random bytes into buffer (both the owner's, valid
// until done runs). The fields below `arg` are the device's.
struct rngdev_fill {
    uint8_t *buffer;
    size_t len; // 1 to RNGDEV_FILL_MAX
    rngdev_fill_fn done;
    void *arg;
    size_t filled; // bytes the device has written so far
    size_t asked;  // bytes in buffers the device holds for this fill
    struct rngdev_fill *next;
};

struct rngdev_stats {
    uint64_t bytes, buffers, interrupts;
};

struct rngdev {
    struct virtio_transport transport;
    struct virtqueue queue;
    ftl_handle_t device, interrupt;
    struct rngdev_fill *head, *tail; // fills not done yet, oldest first
    struct rngdev_fill *owner[RNGDEV_QUEUE_MAX]; // per descriptor in use
    uint32_t asked[RNGDEV_QUEUE_MAX];            // bytes offered with it
    struct rngdev_stats stats;
};

// Brings up the device behind PCI handle `device` (taken over by dev): the
// modern transport if it has one, else legacy; no feature but VERSION_1
// (modern); the request queue; the interrupt on loop. Errors:
// FTL_ERR_NOT_SUPPORTED (not a usable virtio-rng), FTL_ERR_IO (the device
// refused our features), those of the device calls.
int rngdev_open(struct rngdev *dev, struct ftl_loop *loop,
                ftl_handle_t device);

// Queues fill (len 1 to RNGDEV_FILL_MAX): fill->done runs from the loop
// once fill->len bytes are in fill->buffer, never from inside this call.
void rngdev_fill(struct rngdev *dev, struct rngdev_fill *fill);

// "legacy" or "modern".
const char *rngdev_transport_name(const struct rngdev *dev);
