// Split virtqueues (virtio 1.0 section 2.4) with one fixed buffer per
// descriptor: descriptor i always points at buffer i, so a queue needs no
// buffer allocator. Rings and buffers live in one DMA area, laid out as the
// legacy interface demands (used ring on the next 4096-byte boundary), which
// suits the modern interface too.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/handle.h>

// Room per buffer: enough for a virtio-net header and a full Ethernet frame
// (virtio_net), and the most random bytes one request of virtio_rng asks for.
#define VIRTQUEUE_BUFFER_SIZE 2048
#define VIRTQUEUE_SIZE_MAX 256

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

#define VRING_DESC_F_WRITE 2 // the device writes this buffer

#define VRING_USED_F_NO_NOTIFY 1 // used ring flags: the device needs no kick

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtqueue {
    uint16_t index; // of the queue in the device
    uint16_t size;  // descriptors, a power of two
    volatile struct vring_desc *desc;
    volatile uint16_t *avail;       // flags, idx, ring[size], used_event
    volatile uint16_t *used_header; // flags, idx
    volatile struct vring_used_elem *used;
    uint64_t desc_phys, avail_phys, used_phys;
    uint8_t *buffers;
    uint64_t buffers_phys;
    uint16_t avail_idx;                // next avail ring slot (free-running)
    uint16_t last_used;                // next used ring slot to look at
    uint16_t free[VIRTQUEUE_SIZE_MAX]; // free descriptors (a stack)
    uint16_t free_count;
};

// Allocates rings and buffers for a queue of `size` descriptors (a power
// of two, at most VIRTQUEUE_SIZE_MAX) as DMA memory of device; all
// descriptors start free. Errors of ftl_dma_create and ftl_vmarea_map.
int virtqueue_create(struct virtqueue *vq, ftl_handle_t device, uint16_t index,
                     uint16_t size);

// The buffer of descriptor id.
static inline uint8_t *virtqueue_buffer(struct virtqueue *vq, uint16_t id)
{
    return vq->buffers + (uint32_t)id * VIRTQUEUE_BUFFER_SIZE;
}

// Takes a free descriptor; false when none is left.
bool virtqueue_alloc(struct virtqueue *vq, uint16_t *id);

// Offers descriptor id with len bytes to the device (device_writes: a
// receive buffer of the full size). The caller notifies the device.
void virtqueue_push(struct virtqueue *vq, uint16_t id, uint32_t len,
                    bool device_writes);

// Whether the device wants a notification for what was just pushed: not
// while it says so (VRING_USED_F_NO_NOTIFY, set while it is busy with the
// queue anyway). Each notification is a trap into the hypervisor, so a
// burst of frames costs one instead of one each.
static inline bool virtqueue_needs_notify(const struct virtqueue *vq)
{
    // The avail index must be visible before the device's flag is read,
    // or the device could stop looking just after we decided not to kick.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return !(vq->used_header[0] & VRING_USED_F_NO_NOTIFY);
}

// The next buffer the device has finished with: its descriptor and the
// bytes it wrote. False when there is none.
bool virtqueue_pop(struct virtqueue *vq, uint16_t *id, uint32_t *len);

// Returns descriptor id to the free stack.
void virtqueue_free(struct virtqueue *vq, uint16_t id);
