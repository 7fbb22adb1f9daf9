// Port 0 of a virtio console as a byte stream. Receiving: every descriptor
// of receiveq holds a 2 KiB buffer posted for the device to fill (QEMU
// moves up to 4 KiB per read of its socket, so a burst fills a few at
// once, each batch one interrupt), handed on and posted again. Sending:
// bytes go into a backlog that is cut into the buffers of transmitq; QEMU
// takes them as soon as it is notified, so a reply usually leaves before
// send returns, and what does not fit goes on at the next interrupt. No
// call waits for the device: one that stops answering costs the channel,
// never the service. QEMU itself drops what its socket does not take at
// once (a console's output is never throttled there), so the host must
// read each reply as it comes; docs/reference/control-protocol.md.
#include "vcon.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/log.h>
#include <ftl/pci.h>

#include "transport.h"
#include "virtqueue.h"

// Port 0's queues (5.3.2): without MULTIPORT the only ones used.
#define QUEUE_RECEIVE 0
#define QUEUE_TRANSMIT 1
// Bytes waiting to be sent at most: a few of the largest replies (a logs
// reply is about 64 KiB). Past it the device is not taking any, and more
// is dropped rather than held.
#define BACKLOG_MAX (1u << 20)

static struct {
    struct virtio_transport transport;
    struct virtqueue receiveq, transmitq;
    ftl_handle_t device, interrupt;
    channel_receive_fn receive;
    bool sending[VIRTQUEUE_SIZE_MAX]; // per transmit descriptor: the device's
    uint8_t *backlog; // bytes to send, backlog_sent of them in transmitq
    size_t backlog_len, backlog_sent, backlog_cap;
} v;

static void notify(struct virtqueue *vq)
{
    if (virtqueue_needs_notify(vq)) {
        v.transport.ops->notify(&v.transport, vq->index);
    }
}

// Gives the device every free receive buffer.
static void post_receive_buffers(void)
{
    uint16_t id;
    bool posted = false;
    while (virtqueue_alloc(&v.receiveq, &id)) {
        virtqueue_push(&v.receiveq, id, VIRTQUEUE_BUFFER_SIZE, true);
        posted = true;
    }
    if (posted) {
        // QEMU looks at its socket again when buffers come (its
        // handle_input), so this notification restarts a stalled stream.
        notify(&v.receiveq);
    }
}

// Hands the bytes of filled receive buffers on, and posts them again.
static void collect_received(void)
{
    uint16_t id;
    uint32_t written;
    bool reposted = false;
    while (virtqueue_pop(&v.receiveq, &id, &written)) {
        // Never believe more than the buffer holds.
        uint32_t n =
            written < VIRTQUEUE_BUFFER_SIZE ? written : VIRTQUEUE_BUFFER_SIZE;
        if (n > 0 && v.receive != NULL) {
            v.receive(virtqueue_buffer(&v.receiveq, id), n);
        }
        virtqueue_push(&v.receiveq, id, VIRTQUEUE_BUFFER_SIZE, true);
        reposted = true;
    }
    if (reposted) {
        notify(&v.receiveq);
    }
}

// Frees the transmit buffers the device is done with; returns how many.
static unsigned reclaim_sent(void)
{
    uint16_t id;
    uint32_t written;
    unsigned n = 0;
    while (virtqueue_pop(&v.transmitq, &id, &written)) {
        if (!v.sending[id]) {
            continue; // not a buffer we gave: a confused device
        }
        v.sending[id] = false;
        virtqueue_free(&v.transmitq, id);
        n++;
    }
    return n;
}

// Moves backlog bytes into free transmit buffers; returns how many
// buffers it filled.
static unsigned fill_transmit_buffers(void)
{
    unsigned n = 0;
    uint16_t id;
    while (v.backlog_sent < v.backlog_len &&
           virtqueue_alloc(&v.transmitq, &id)) {
        size_t left = v.backlog_len - v.backlog_sent;
        uint32_t len = left < VIRTQUEUE_BUFFER_SIZE ? (uint32_t)left
                                                    : VIRTQUEUE_BUFFER_SIZE;
        memcpy(virtqueue_buffer(&v.transmitq, id), v.backlog + v.backlog_sent,
               len);
        v.sending[id] = true;
        virtqueue_push(&v.transmitq, id, len, false);
        v.backlog_sent += len;
        n++;
    }
    return n;
}

// Sends as much of the backlog as the device takes now. QEMU consumes
// transmit buffers while handling the notification, so each round frees
// the buffers for the next; a round that neither frees nor fills any
// leaves the rest to the next interrupt.
static void transmit(void)
{
    while (v.backlog_sent < v.backlog_len) {
        unsigned freed = reclaim_sent();
        unsigned filled = fill_transmit_buffers();
        if (filled > 0) {
            notify(&v.transmitq);
        }
        if (freed == 0 && filled == 0) {
            return;
        }
    }
    v.backlog_len = 0;
    v.backlog_sent = 0;
}

// Appends data to the backlog, first dropping what the device has taken.
static bool backlog_append(const void *data, size_t len)
{
    if (v.backlog_sent > 0) {
        memmove(v.backlog, v.backlog + v.backlog_sent,
                v.backlog_len - v.backlog_sent);
        v.backlog_len -= v.backlog_sent;
        v.backlog_sent = 0;
    }
    if (len > BACKLOG_MAX - v.backlog_len) {
        return false;
    }
    if (v.backlog_len + len > v.backlog_cap) {
        size_t cap = v.backlog_len + len;
        uint8_t *grown = realloc(v.backlog, cap);
        if (grown == NULL) {
            return false;
        }
        v.backlog = grown;
        v.backlog_cap = cap;
    }
    memcpy(v.backlog + v.backlog_len, data, len);
    v.backlog_len += len;
    return true;
}

static void vcon_send(const void *data, size_t len)
{
    if (!backlog_append(data, len)) {
        FTL_LOG_WARN("virtio console not taking bytes: %zu dropped", len);
        return;
    }
    transmit();
}

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg)
{
    (void)loop, (void)event, (void)arg;
    // Reading the status lowers the device's request (section 4.1.4.5).
    v.transport.ops->isr(&v.transport);
    collect_received();
    transmit();
    ftl_interrupt_ack(v.interrupt);
    // Buffers used between the look above and the unmask raised their
    // interrupt while the line was masked: look once more.
    collect_received();
    transmit();
}

static int vcon_start(struct ftl_loop *loop, channel_receive_fn receive)
{
    v.receive = receive;
    int err = ftl_loop_add(loop, v.interrupt, on_interrupt, NULL);
    if (err < 0) {
        return err;
    }
    post_receive_buffers();
    return 0;
}

static const struct channel_ops vcon_ops = {
    .name = "virtio-console",
    .start = vcon_start,
    .send = vcon_send,
};


// Bring-up in the order of section 3.1.1. QEMU marks port 0 open for the
// guest at DRIVER_OK when MULTIPORT is off: no port message is needed.
int vcon_open(ftl_handle_t device, const struct channel_ops **out)
{
    memset(&v, 0, sizeof(v));
    v.device = device;
    struct virtio_transport *t = &v.transport;
    int err = virtio_transport_open(t, device);
    if (err < 0) {
        return err;
    }
    virtio_device_begin(t);
    if ((err = virtio_negotiate_no_features(t)) < 0 ||
        (err = virtio_queue_setup(t, &v.receiveq, device, QUEUE_RECEIVE,
                                  VIRTQUEUE_SIZE_MAX)) < 0 ||
        (err = virtio_queue_setup(t, &v.transmitq, device, QUEUE_TRANSMIT,
                                  VIRTQUEUE_SIZE_MAX)) < 0) {
        return virtio_device_fail(t, err);
    }
    v.interrupt = virtio_device_interrupt(t, device);
    if (v.interrupt < 0) {
        return v.interrupt;
    }
    virtio_device_ready(t);
    FTL_LOG_INFO("virtio console: %s transport, %u receive and %u transmit "
                 "buffers",
                 t->ops->name, v.receiveq.size, v.transmitq.size);
    *out = &vcon_ops;
    return 0;
}
