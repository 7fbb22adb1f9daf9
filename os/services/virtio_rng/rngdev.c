// The virtio entropy device: initialisation in the order of virtio 1.0
// section 3.1.1, the request queue (queue 0, the only one, 5.4.2) and the
// interrupt handler that hands filled buffers to their fills.
//
// Fills are served oldest first: each gets buffers of up to
// VIRTQUEUE_BUFFER_SIZE bytes while descriptors are free, so a 4 KiB fill
// rides on two buffers at once and a long queue of fills keeps every
// descriptor busy. A buffer that comes back with fewer bytes than offered
// (the device may do that, 5.4.6.1) leaves its fill short, and the fill
// gets another buffer for the rest. Random bytes need no order, so each
// returned buffer's bytes are simply appended.
#include "rngdev.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/log.h>
#include <ftl/pci.h>

#define QUEUE_REQUEST 0

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg);

const char *rngdev_transport_name(const struct rngdev *dev)
{
    return dev->transport.ops->name;
}


int rngdev_open(struct rngdev *dev, struct ftl_loop *loop, ftl_handle_t device)
{
    memset(dev, 0, sizeof(*dev));
    dev->device = device;
    int err = virtio_transport_open(&dev->transport, device);
    if (err < 0) {
        return err;
    }
    struct virtio_transport *t = &dev->transport;
    virtio_device_begin(t);
    if ((err = virtio_negotiate_no_features(t)) < 0 ||
        (err = virtio_queue_setup(t, &dev->queue, device, QUEUE_REQUEST,
                                  RNGDEV_QUEUE_MAX)) < 0) {
        return virtio_device_fail(t, err);
    }
    dev->interrupt = virtio_device_interrupt(t, device);
    if (dev->interrupt < 0) {
        return dev->interrupt;
    }
    ftl_loop_add(loop, dev->interrupt, on_interrupt, dev);
    virtio_device_ready(t);
    return 0;
}

// Gives the device buffers for the waiting fills, oldest first, as long as
// descriptors are free.
static void offer_buffers(struct rngdev *dev)
{
    bool offered = false;
    for (struct rngdev_fill *f = dev->head; f != NULL; f = f->next) {
        while (f->filled + f->asked < f->len) {
            uint16_t id;
            if (!virtqueue_alloc(&dev->queue, &id)) {
                goto out;
            }
            size_t want = f->len - f->filled - f->asked;
            uint32_t len = want < VIRTQUEUE_BUFFER_SIZE
                               ? (uint32_t)want
                               : VIRTQUEUE_BUFFER_SIZE;
            dev->owner[id] = f;
            dev->asked[id] = len;
            f->asked += len;
            virtqueue_push(&dev->queue, id, len, true);
            offered = true;
        }
    }
out:
    if (offered && virtqueue_needs_notify(&dev->queue)) {
        dev->transport.ops->notify(&dev->transport, QUEUE_REQUEST);
    }
}

void rngdev_fill(struct rngdev *dev, struct rngdev_fill *fill)
{
    fill->filled = 0;
    fill->asked = 0;
    fill->next = NULL;
    if (dev->tail != NULL) {
        dev->tail->next = fill;
    } else {
        dev->head = fill;
    }
    dev->tail = fill;
    offer_buffers(dev);
}

// Takes fill out of the list of waiting fills.
static void unlink_fill(struct rngdev *dev, struct rngdev_fill *fill)
{
    struct rngdev_fill **link = &dev->head;
    struct rngdev_fill *previous = NULL;
    while (*link != fill) {
        previous = *link;
        link = &(*link)->next;
    }
    *link = fill->next;
    if (dev->tail == fill) {
        dev->tail = previous;
    }
}

// Hands the bytes of used buffers to their fills; completes the fills that
// are full.
static void collect(struct rngdev *dev)
{
    uint16_t id;
    uint32_t written;
    while (virtqueue_pop(&dev->queue, &id, &written)) {
        struct rngdev_fill *f = dev->owner[id];
        if (f == NULL) {
            continue; // not a buffer we offered: a confused device
        }
        uint32_t asked = dev->asked[id];
        uint8_t *buffer = virtqueue_buffer(&dev->queue, id);
        // The device says how much it wrote; never believe more than we
        // offered.
        uint32_t n = written < asked ? written : asked;
        memcpy(f->buffer + f->filled, buffer, n);
        memset(buffer, 0, n); // no copy of a client's bytes stays behind
        f->filled += n;
        f->asked -= asked;
        dev->owner[id] = NULL;
        virtqueue_free(&dev->queue, id);
        dev->stats.bytes += n;
        dev->stats.buffers++;
        if (f->filled == f->len) {
            unlink_fill(dev, f);
            f->done(f, f->arg);
        }
    }
}

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg)
{
    (void)loop;
    (void)event;
    struct rngdev *dev = arg;
    dev->stats.interrupts++;
    // Reading the status lowers the device's request (section 4.1.4.5).
    dev->transport.ops->isr(&dev->transport);
    collect(dev);
    ftl_interrupt_ack(dev->interrupt);
    // Buffers used between the look above and the unmask raised their
    // interrupt while the line was masked: look once more.
    collect(dev);
    offer_buffers(dev);
}
