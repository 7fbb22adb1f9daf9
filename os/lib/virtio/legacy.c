// The legacy virtio PCI transport (virtio 0.9.5, "Virtio PCI Card
// Specification" appendix; virtio 1.0 section 4.1.4.8): registers in I/O
// BAR 0. Feature bits stop at 31, queue sizes are fixed by the device, and
// a queue's rings are given as one page frame number with the used ring on
// the next 4096-byte boundary (virtqueue.c lays them out so).
#include "transport.h"

#include <ftl/error.h>
#include <ftl/ioport.h>
#include <ftl/process.h>

enum {
    LEGACY_DEVICE_FEATURES = 0, // 32 bits
    LEGACY_DRIVER_FEATURES = 4, // 32 bits
    LEGACY_QUEUE_PFN = 8,       // 32 bits
    LEGACY_QUEUE_SIZE = 12,     // 16 bits
    LEGACY_QUEUE_SELECT = 14,   // 16 bits
    LEGACY_QUEUE_NOTIFY = 16,   // 16 bits
    LEGACY_STATUS = 18,         // 8 bits
    LEGACY_ISR = 19,            // 8 bits
    LEGACY_CONFIG = 20,         // device-specific, without MSI-X
};

static void legacy_set_status(struct virtio_transport *t, uint8_t status)
{
    ftl_outb(t->io_base + LEGACY_STATUS, status);
}

static uint8_t legacy_status(struct virtio_transport *t)
{
    return ftl_inb(t->io_base + LEGACY_STATUS);
}

static uint64_t legacy_features(struct virtio_transport *t)
{
    return ftl_inl(t->io_base + LEGACY_DEVICE_FEATURES);
}

static void legacy_set_features(struct virtio_transport *t, uint64_t features)
{
    ftl_outl(t->io_base + LEGACY_DRIVER_FEATURES, (uint32_t)features);
}

static uint16_t legacy_queue_max(struct virtio_transport *t, uint16_t index)
{
    ftl_outw(t->io_base + LEGACY_QUEUE_SELECT, index);
    return ftl_inw(t->io_base + LEGACY_QUEUE_SIZE);
}

static int legacy_queue_enable(struct virtio_transport *t, struct virtqueue *vq)
{
    if (legacy_queue_max(t, vq->index) != vq->size) {
        return FTL_ERR_NOT_SUPPORTED; // legacy sizes are not negotiable
    }
    ftl_outl(t->io_base + LEGACY_QUEUE_PFN, (uint32_t)(vq->desc_phys >> 12));
    return 0;
}

static void legacy_notify(struct virtio_transport *t, uint16_t index)
{
    ftl_outw(t->io_base + LEGACY_QUEUE_NOTIFY, index);
}

static uint8_t legacy_isr(struct virtio_transport *t)
{
    return ftl_inb(t->io_base + LEGACY_ISR);
}

static uint8_t legacy_config(struct virtio_transport *t, unsigned offset)
{
    return ftl_inb((uint16_t)(t->io_base + LEGACY_CONFIG + offset));
}

static const struct virtio_transport_ops legacy_ops = {
    .name = "legacy",
    .set_status = legacy_set_status,
    .status = legacy_status,
    .features = legacy_features,
    .set_features = legacy_set_features,
    .queue_max = legacy_queue_max,
    .queue_enable = legacy_queue_enable,
    .notify = legacy_notify,
    .isr = legacy_isr,
    .config = legacy_config,
};

int virtio_legacy_open(struct virtio_transport *t, ftl_handle_t device,
                       const struct ftl_pci_info *info)
{
    if (!(info->bars[0].flags & FTL_PCI_BAR_IO) || info->bars[0].size < 24) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    ftl_handle_t ports = ftl_pci_ioport(device, 0);
    if (ports < 0) {
        return ports;
    }
    int err = ftl_ioport_enable(ports);
    ftl_handle_close(ports); // the access stays for the process's life
    if (err < 0) {
        return err;
    }
    t->ops = &legacy_ops;
    t->io_base = (uint16_t)info->bars[0].base;
    return 0;
}
