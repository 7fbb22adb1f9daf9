// The virtio network device: initialisation in the order of virtio 1.0
// section 3.1.1, one receive and one transmit queue (queues 0 and 1, no
// multiqueue), and the interrupt handler that collects used buffers.
//
// Receive buffers are all offered at start and offered again as soon as
// their frame is taken, by the owner or into the backlog (rxbacklog.h)
// while the owner cannot take frames. Only when the backlog is full too do
// used buffers stay with us: the device runs out and drops what arrives
// (the wire's own flow control). Transmit descriptors come back when the device is done
// with them, in the interrupt handler.
#include "netdev.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>
#include <ftl/link.h>
#include <ftl/log.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/time.h>

#define VIRTIO_NET_F_MAC (1ULL << 5)
#define QUEUE_RX 0
#define QUEUE_TX 1
// struct virtio_net_hdr: 10 bytes; 12 with VERSION_1 (num_buffers is then
// always there, virtio 1.0 section 5.1.6).
#define HEADER_LEGACY 10
#define HEADER_MODERN 12

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg);

const char *netdev_transport_name(const struct netdev *dev)
{
    return dev->transport.ops->name;
}

// Features: the MAC address if offered, VERSION_1 on the modern transport;
// nothing else (no offloads, no mergeable buffers, no control queue).
static int negotiate(struct netdev *dev)
{
    struct virtio_transport *t = &dev->transport;
    bool modern = t->common != NULL;
    uint64_t offered = t->ops->features(t);
    uint64_t wanted = offered & VIRTIO_NET_F_MAC;
    if (!virtio_transport_has_config(t)) {
        wanted &= ~VIRTIO_NET_F_MAC; // no configuration to read it from
    }
    if (modern) {
        if (!(offered & VIRTIO_F_VERSION_1)) {
            return FTL_ERR_NOT_SUPPORTED;
        }
        wanted |= VIRTIO_F_VERSION_1;
    }
    t->ops->set_features(t, wanted);
    dev->header_len = modern ? HEADER_MODERN : HEADER_LEGACY;
    if (modern) {
        t->ops->set_status(t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                  VIRTIO_STATUS_FEATURES_OK);
        if (!(t->ops->status(t) & VIRTIO_STATUS_FEATURES_OK)) {
            return FTL_ERR_IO;
        }
    }
    // Without a MAC from the device, a locally administered one that
    // differs between boots.
    uint64_t seed = ftl_clock_ns();
    for (unsigned i = 0; i < 6; i++) {
        dev->mac[i] = (wanted & VIRTIO_NET_F_MAC) ? t->ops->config(t, i)
                                                  : (uint8_t)(seed >> (8 * i));
    }
    if (!(wanted & VIRTIO_NET_F_MAC)) {
        dev->mac[0] = 0x02;
    }
    return 0;
}

static void offer_receive_buffer(struct netdev *dev, uint16_t id)
{
    virtqueue_push(&dev->rx, id, VIRTQUEUE_BUFFER_SIZE, true);
}

int netdev_open(struct netdev *dev, struct ftl_loop *loop, ftl_handle_t device,
                const struct netdev_ops *ops, void *owner)
{
    memset(dev, 0, sizeof(*dev));
    dev->device = device;
    dev->loop = loop;
    dev->ops = ops;
    dev->owner = owner;
    int err = virtio_transport_open(&dev->transport, device);
    if (err < 0) {
        return err;
    }
    struct virtio_transport *t = &dev->transport;
    virtio_device_begin(t);
    if ((err = negotiate(dev)) < 0 ||
        (err = virtio_queue_setup(t, &dev->rx, device, QUEUE_RX,
                                  VIRTQUEUE_SIZE_MAX)) < 0 ||
        (err = virtio_queue_setup(t, &dev->tx, device, QUEUE_TX,
                                  VIRTQUEUE_SIZE_MAX)) < 0) {
        return virtio_device_fail(t, err);
    }
    dev->interrupt = virtio_device_interrupt(t, device);
    if (dev->interrupt < 0) {
        return dev->interrupt;
    }
    ftl_loop_add(loop, dev->interrupt, on_interrupt, dev);
    if (!rx_backlog_init(&dev->backlog)) {
        FTL_LOG_WARN("no memory for a receive backlog of %d frames",
                     RX_BACKLOG_FRAMES);
    }
    uint16_t id;
    while (virtqueue_alloc(&dev->rx, &id)) {
        offer_receive_buffer(dev, id);
    }
    virtio_device_ready(t);
    t->ops->notify(t, QUEUE_RX);
    return 0;
}

int netdev_send(struct netdev *dev, const void *frame, size_t len)
{
    if (len > VIRTQUEUE_BUFFER_SIZE - dev->header_len) {
        return FTL_ERR_TOO_LARGE;
    }
    if (len < NETDEV_FRAME_MIN) {
        return FTL_ERR_INVALID_ARG;
    }
    uint16_t id;
    if (!virtqueue_alloc(&dev->tx, &id)) {
        dev->send_waiting = true;
        dev->stats.tx_queue_full++;
        return FTL_ERR_WOULD_BLOCK;
    }
    uint8_t *buffer = virtqueue_buffer(&dev->tx, id);
    memset(buffer, 0, dev->header_len); // no offloads: an all-zero header
    memcpy(buffer + dev->header_len, frame, len);
    virtqueue_push(&dev->tx, id, (uint32_t)(dev->header_len + len), false);
    if (virtqueue_needs_notify(&dev->tx)) {
        dev->transport.ops->notify(&dev->transport, QUEUE_TX);
    }
    dev->stats.tx_frames++;
    return 0;
}

// Hands frames held in the backlog to the owner, oldest first, until none
// is left (true) or the owner cannot take more (false).
static bool drain_backlog(struct netdev *dev)
{
    const void *frame;
    size_t len;
    while (rx_backlog_peek(&dev->backlog, &frame, &len)) {
        if (dev->ops->on_receive(dev, frame, len) == FTL_ERR_WOULD_BLOCK) {
            return false;
        }
        rx_backlog_pop(&dev->backlog);
        dev->stats.rx_frames++;
    }
    return true;
}

// At most one line a second while connection requests are shed.
static void report_shedding(struct netdev *dev)
{
    uint64_t now = ftl_clock_ns();
    if (dev->shed_logged_ns != 0 && now - dev->shed_logged_ns < 1000000000) {
        return;
    }
    dev->shed_logged_ns = now;
    FTL_LOG_WARN("stack behind by %u frames: shedding new connection "
                 "requests (%llu in all)",
                 dev->backlog.count, (unsigned long long)dev->backlog.shed);
}

// One frame from the device: to the owner, or into the backlog when the
// owner cannot take it or frames wait there already (order is kept).
// False when neither could take it: its buffer stays with us.
static bool hand_on(struct netdev *dev, const uint8_t *frame, size_t len)
{
    if (rx_backlog_empty(&dev->backlog)) {
        if (dev->ops->on_receive(dev, frame, len) != FTL_ERR_WOULD_BLOCK) {
            dev->stats.rx_frames++;
            return true;
        }
    }
    switch (rx_backlog_push(&dev->backlog, frame, len)) {
    case RX_BACKLOG_HELD:
        dev->stats.rx_backlogged++;
        return true;
    case RX_BACKLOG_SHED:
        report_shedding(dev);
        return true; // dropped: its buffer goes back to the device
    case RX_BACKLOG_FULL:
        break;
    }
    return false;
}

// Hands used receive buffers on and offers them again, until none is left
// or both the owner and the backlog are full.
static void receive(struct netdev *dev)
{
    drain_backlog(dev);
    bool offered = false;
    for (;;) {
        uint16_t id;
        uint32_t len;
        if (dev->receive_stalled) {
            id = dev->rx_held;
            len = dev->rx_held_len;
        } else if (!virtqueue_pop(&dev->rx, &id, &len)) {
            break;
        }
        if (len > dev->header_len && len <= VIRTQUEUE_BUFFER_SIZE) {
            const uint8_t *frame = virtqueue_buffer(&dev->rx, id);
            if (!hand_on(dev, frame + dev->header_len,
                         len - dev->header_len)) {
                dev->receive_stalled = true;
                dev->rx_held = id;
                dev->rx_held_len = len;
                break;
            }
        }
        dev->receive_stalled = false;
        offer_receive_buffer(dev, id);
        offered = true;
    }
    if (offered && virtqueue_needs_notify(&dev->rx)) {
        dev->transport.ops->notify(&dev->transport, QUEUE_RX);
    }
}

void netdev_receive_resume(struct netdev *dev)
{
    if (dev->receive_stalled || !rx_backlog_empty(&dev->backlog)) {
        receive(dev);
    }
}

static void reclaim_sent(struct netdev *dev)
{
    uint16_t id;
    uint32_t len;
    bool freed = false;
    while (virtqueue_pop(&dev->tx, &id, &len)) {
        virtqueue_free(&dev->tx, id);
        freed = true;
    }
    if (freed && dev->send_waiting) {
        dev->send_waiting = false;
        dev->ops->on_send_room(dev);
    }
}

static void on_interrupt(struct ftl_loop *loop, const struct ftl_event *event,
                         void *arg)
{
    (void)loop;
    (void)event;
    struct netdev *dev = arg;
    dev->stats.interrupts++;
    // Reading the status lowers the device's request (section 4.1.4.5).
    dev->transport.ops->isr(&dev->transport);
    reclaim_sent(dev);
    if (!dev->receive_stalled) {
        receive(dev);
    }
    ftl_interrupt_ack(dev->interrupt);
    // Buffers the device used between the looks above and the unmask may
    // have raised their interrupt while the line was masked: look once
    // more, so that none waits for the next interrupt.
    reclaim_sent(dev);
    if (!dev->receive_stalled) {
        receive(dev);
    }
}
