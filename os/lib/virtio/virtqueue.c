// Split virtqueues: ring layout, offering buffers, collecting used ones.
// The rings are shared with the device, so every access goes through
// volatile pointers, and the fences order our buffer writes before the
// index the device reads (virtio 1.0 section 2.4.7.2: "the driver MUST
// perform a suitable memory barrier before the idx update").
#include "virtqueue.h"

#include <string.h>

#include <ftl/dma.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/vmarea.h>

#define RING_ALIGN 4096

static uint64_t align_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) & ~(align - 1);
}

int virtqueue_create(struct virtqueue *vq, ftl_handle_t device, uint16_t index,
                     uint16_t size)
{
    uint64_t desc_bytes = 16ULL * size;
    uint64_t avail_bytes = 6 + 2ULL * size;
    uint64_t used_offset = align_up(desc_bytes + avail_bytes, RING_ALIGN);
    uint64_t used_bytes = 6 + 8ULL * size;
    uint64_t buffers_offset = align_up(used_offset + used_bytes, RING_ALIGN);
    uint64_t total = buffers_offset + (uint64_t)size * VIRTQUEUE_BUFFER_SIZE;

    memset(vq, 0, sizeof(*vq));
    uint64_t phys;
    ftl_handle_t area = ftl_dma_create(device, total, &phys);
    if (area < 0) {
        return area;
    }
    int err = 0;
    uint8_t *base = ftl_vmarea_map(area, FTL_PROT_READ | FTL_PROT_WRITE, &err);
    ftl_handle_close(area); // the mapping keeps the memory
    if (base == NULL) {
        return err;
    }
    vq->index = index;
    vq->size = size;
    vq->desc = (volatile struct vring_desc *)base;
    vq->avail = (volatile uint16_t *)(base + desc_bytes);
    vq->used_header = (volatile uint16_t *)(base + used_offset);
    vq->used = (volatile struct vring_used_elem *)(base + used_offset + 4);
    vq->desc_phys = phys;
    vq->avail_phys = phys + desc_bytes;
    vq->used_phys = phys + used_offset;
    vq->buffers = base + buffers_offset;
    vq->buffers_phys = phys + buffers_offset;
    for (uint16_t i = 0; i < size; i++) {
        vq->desc[i].addr =
            vq->buffers_phys + (uint64_t)i * VIRTQUEUE_BUFFER_SIZE;
        vq->free[i] = size - 1 - i;
    }
    vq->free_count = size;
    return 0;
}

bool virtqueue_alloc(struct virtqueue *vq, uint16_t *id)
{
    if (vq->free_count == 0) {
        return false;
    }
    *id = vq->free[--vq->free_count];
    return true;
}

void virtqueue_free(struct virtqueue *vq, uint16_t id)
{
    vq->free[vq->free_count++] = id;
}

void virtqueue_push(struct virtqueue *vq, uint16_t id, uint32_t len,
                    bool device_writes)
{
    vq->desc[id].len = len;
    vq->desc[id].flags = device_writes ? VRING_DESC_F_WRITE : 0;
    vq->desc[id].next = 0;
    vq->avail[2 + (vq->avail_idx & (vq->size - 1))] = id;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    vq->avail[1] = ++vq->avail_idx;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

bool virtqueue_pop(struct virtqueue *vq, uint16_t *id, uint32_t *len)
{
    if (vq->used_header[1] == vq->last_used) {
        return false;
    }
    // Read the entry only after seeing the index that covers it.
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    volatile struct vring_used_elem *elem =
        &vq->used[vq->last_used & (vq->size - 1)];
    *id = (uint16_t)elem->id;
    *len = elem->len;
    vq->last_used++;
    return *id < vq->size;
}
