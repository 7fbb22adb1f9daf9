// The modern virtio PCI transport (virtio 1.0 section 4.1): vendor-specific
// PCI capabilities say in which memory BAR, at which offset, the common
// configuration, notification area, interrupt status and device
// configuration live. Feature bits are 64 wide (VERSION_1 is bit 32), the
// driver picks queue sizes and gives each ring's address separately.
#include "transport.h"

#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/vmarea.h>

#define PCI_STATUS 0x06
#define PCI_STATUS_CAPABILITIES 0x10
#define PCI_CAPABILITIES 0x34
#define PCI_CAP_VENDOR 0x09

// virtio_pci_cap.cfg_type
enum {
    CAP_COMMON = 1,
    CAP_NOTIFY = 2,
    CAP_ISR = 3,
    CAP_DEVICE = 4,
};

// struct virtio_pci_common_cfg (virtio 1.0 section 4.1.4.3)
enum {
    COMMON_DEVICE_FEATURE_SELECT = 0, // 32 bits
    COMMON_DEVICE_FEATURE = 4,        // 32 bits
    COMMON_DRIVER_FEATURE_SELECT = 8, // 32 bits
    COMMON_DRIVER_FEATURE = 12,       // 32 bits
    COMMON_STATUS = 20,               // 8 bits
    COMMON_QUEUE_SELECT = 22,         // 16 bits
    COMMON_QUEUE_SIZE = 24,           // 16 bits
    COMMON_QUEUE_ENABLE = 28,         // 16 bits
    COMMON_QUEUE_NOTIFY_OFF = 30,     // 16 bits
    COMMON_QUEUE_DESC = 32,           // 64 bits
    COMMON_QUEUE_DRIVER = 40,         // 64 bits
    COMMON_QUEUE_DEVICE = 48,         // 64 bits
};

static volatile uint8_t *reg8(struct virtio_transport *t, unsigned off)
{
    return t->common + off;
}

static volatile uint16_t *reg16(struct virtio_transport *t, unsigned off)
{
    return (volatile uint16_t *)(t->common + off);
}

static volatile uint32_t *reg32(struct virtio_transport *t, unsigned off)
{
    return (volatile uint32_t *)(t->common + off);
}

// 64-bit fields written as two 32-bit halves, low first (section 4.1.3.1
// lets the driver do so).
static void write64(struct virtio_transport *t, unsigned off, uint64_t value)
{
    *reg32(t, off) = (uint32_t)value;
    *reg32(t, off + 4) = (uint32_t)(value >> 32);
}

static void modern_set_status(struct virtio_transport *t, uint8_t status)
{
    *reg8(t, COMMON_STATUS) = status;
}

static uint8_t modern_status(struct virtio_transport *t)
{
    return *reg8(t, COMMON_STATUS);
}

static uint64_t modern_features(struct virtio_transport *t)
{
    *reg32(t, COMMON_DEVICE_FEATURE_SELECT) = 0;
    uint64_t low = *reg32(t, COMMON_DEVICE_FEATURE);
    *reg32(t, COMMON_DEVICE_FEATURE_SELECT) = 1;
    uint64_t high = *reg32(t, COMMON_DEVICE_FEATURE);
    return high << 32 | low;
}

static void modern_set_features(struct virtio_transport *t, uint64_t features)
{
    *reg32(t, COMMON_DRIVER_FEATURE_SELECT) = 0;
    *reg32(t, COMMON_DRIVER_FEATURE) = (uint32_t)features;
    *reg32(t, COMMON_DRIVER_FEATURE_SELECT) = 1;
    *reg32(t, COMMON_DRIVER_FEATURE) = (uint32_t)(features >> 32);
}

static uint16_t modern_queue_max(struct virtio_transport *t, uint16_t index)
{
    *reg16(t, COMMON_QUEUE_SELECT) = index;
    return *reg16(t, COMMON_QUEUE_SIZE);
}

static int modern_queue_enable(struct virtio_transport *t, struct virtqueue *vq)
{
    if (vq->index >= VIRTIO_QUEUES_MAX ||
        modern_queue_max(t, vq->index) < vq->size) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    *reg16(t, COMMON_QUEUE_SIZE) = vq->size;
    write64(t, COMMON_QUEUE_DESC, vq->desc_phys);
    write64(t, COMMON_QUEUE_DRIVER, vq->avail_phys);
    write64(t, COMMON_QUEUE_DEVICE, vq->used_phys);
    t->notify_off[vq->index] = *reg16(t, COMMON_QUEUE_NOTIFY_OFF);
    *reg16(t, COMMON_QUEUE_ENABLE) = 1;
    return 0;
}

static void modern_notify(struct virtio_transport *t, uint16_t index)
{
    volatile uint16_t *doorbell =
        (volatile uint16_t *)(t->notify +
                              t->notify_off[index] * t->notify_multiplier);
    *doorbell = index;
}

static uint8_t modern_isr(struct virtio_transport *t)
{
    return *t->isr;
}

static uint8_t modern_config(struct virtio_transport *t, unsigned offset)
{
    return t->device != NULL ? t->device[offset] : 0;
}

static const struct virtio_transport_ops modern_ops = {
    .name = "modern",
    .set_status = modern_set_status,
    .status = modern_status,
    .features = modern_features,
    .set_features = modern_set_features,
    .queue_max = modern_queue_max,
    .queue_enable = modern_queue_enable,
    .notify = modern_notify,
    .isr = modern_isr,
    .config = modern_config,
};

// BAR mappings, each made once however many capabilities point into it.
struct bar_maps {
    volatile uint8_t *base[FTL_PCI_BARS];
};

static volatile uint8_t *map_region(struct bar_maps *maps, ftl_handle_t device,
                                    const struct ftl_pci_info *info,
                                    unsigned bar, uint32_t offset,
                                    uint32_t length)
{
    if (bar >= FTL_PCI_BARS || (info->bars[bar].flags & FTL_PCI_BAR_IO) ||
        offset > info->bars[bar].size ||
        length > info->bars[bar].size - offset) {
        return NULL;
    }
    if (maps->base[bar] == NULL) {
        ftl_handle_t area = ftl_pci_map_bar(device, bar);
        if (area < 0) {
            return NULL;
        }
        maps->base[bar] =
            ftl_vmarea_map(area, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
        ftl_handle_close(area);
        if (maps->base[bar] == NULL) {
            return NULL;
        }
    }
    return maps->base[bar] + offset;
}

static long config_read(ftl_handle_t device, unsigned offset, unsigned width)
{
    return ftl_pci_config_read(device, offset, width);
}

// Maps the region of the vendor capability at `cap`; records it in t.
static void take_capability(struct virtio_transport *t, struct bar_maps *maps,
                            ftl_handle_t device,
                            const struct ftl_pci_info *info, unsigned cap)
{
    long type = config_read(device, cap + 3, 1);
    long bar = config_read(device, cap + 4, 1);
    long offset = config_read(device, cap + 8, 4);
    long length = config_read(device, cap + 12, 4);
    if (type < 0 || bar < 0 || offset < 0 || length < 0) {
        return;
    }
    volatile uint8_t **slot = NULL;
    switch (type) {
    case CAP_COMMON:
        slot = &t->common;
        break;
    case CAP_NOTIFY:
        slot = &t->notify;
        t->notify_multiplier = (uint32_t)config_read(device, cap + 16, 4);
        break;
    case CAP_ISR:
        slot = &t->isr;
        break;
    case CAP_DEVICE:
        slot = &t->device;
        break;
    default:
        return; // PCI configuration access and later types: not used
    }
    if (*slot == NULL) { // the first of a type is the preferred one (4.1.4)
        *slot = map_region(maps, device, info, (unsigned)bar, (uint32_t)offset,
                           (uint32_t)length);
    }
}

int virtio_modern_open(struct virtio_transport *t, ftl_handle_t device,
                       const struct ftl_pci_info *info)
{
    long status = config_read(device, PCI_STATUS, 2);
    if (status < 0 || !(status & PCI_STATUS_CAPABILITIES)) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    struct bar_maps maps = {0};
    long cap = config_read(device, PCI_CAPABILITIES, 1) & 0xfc;
    // At most 48 capabilities fit in 192 bytes: a bound against a loop.
    for (int i = 0; i < 48 && cap >= 0x40; i++) {
        if (config_read(device, (unsigned)cap, 1) == PCI_CAP_VENDOR) {
            take_capability(t, &maps, device, info, (unsigned)cap);
        }
        cap = config_read(device, (unsigned)cap + 1, 1) & 0xfc;
    }
    // The device configuration is optional (transport.h); the rest is not.
    if (t->common == NULL || t->notify == NULL || t->isr == NULL) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    t->ops = &modern_ops;
    return 0;
}
