// The virtio PCI transports: how the driver reaches a device's status,
// feature bits, queues, interrupt status and configuration. Two
// implementations: legacy (virtio 0.9.5, one I/O port BAR; QEMU's
// `disable-modern=on`) and modern (virtio 1.0 section 4.1, vendor-specific
// PCI capabilities pointing into memory BARs). The rest of the driver sees
// only these operations.
//
// Shared by the virtio drivers (os/services/virtio_net, virtio_rng), which
// compile these files in with -Ios/lib/virtio (os/lib/virtio/build.mk).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/pci.h>

#include "virtqueue.h"

// Device status bits (virtio 1.0 section 2.1).
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_FAILED 128

#define VIRTIO_F_VERSION_1 (1ULL << 32)

struct virtio_transport;

struct virtio_transport_ops {
    const char *name; // "legacy" or "modern"
    void (*set_status)(struct virtio_transport *t, uint8_t status);
    uint8_t (*status)(struct virtio_transport *t);
    uint64_t (*features)(struct virtio_transport *t);
    void (*set_features)(struct virtio_transport *t, uint64_t features);
    // Most descriptors queue `index` may have (0: no such queue).
    uint16_t (*queue_max)(struct virtio_transport *t, uint16_t index);
    // Gives the device the rings of vq (whose size it must accept) and
    // enables the queue. FTL_ERR_NOT_SUPPORTED if the size is not one the
    // device takes.
    int (*queue_enable)(struct virtio_transport *t, struct virtqueue *vq);
    void (*notify)(struct virtio_transport *t, uint16_t index);
    // Reads and clears the interrupt status (bit 0: a queue was used).
    uint8_t (*isr)(struct virtio_transport *t);
    // A byte of the device-specific configuration (0 on a modern device
    // that has none: virtio_transport_has_config).
    uint8_t (*config)(struct virtio_transport *t, unsigned offset);
};

#define VIRTIO_QUEUES_MAX 2

struct virtio_transport {
    const struct virtio_transport_ops *ops;
    uint16_t io_base; // legacy: the I/O BAR's first port
    // modern: the structures the capabilities point at; device is NULL
    // for a device type without a device-specific configuration (virtio
    // 1.0 section 4.1.4.6 asks for that capability only of types that
    // have one, such as virtio-net; virtio-rng has none)
    volatile uint8_t *common, *isr, *device, *notify;
    uint32_t notify_multiplier;
    uint16_t notify_off[VIRTIO_QUEUES_MAX];
};

// Opens the transport of device: the modern one if the device has its
// capabilities (QEMU's transitional devices do, so they run modern), else
// the legacy one. t is filled in. Errors: FTL_ERR_NOT_SUPPORTED (neither
// transport), those of ftl_pci_info and the mapping calls.
int virtio_transport_open(struct virtio_transport *t, ftl_handle_t device);

// A driver's bring-up (virtio 1.0 section 3.1.1) in the steps every FTL
// virtio driver shares. virtio_device_begin resets the device and sets
// ACKNOWLEDGE and DRIVER; the driver then negotiates features and sets up
// its queues (virtio_device_fail on an error there). virtio_device_interrupt
// lets the device write the queues (bus mastering) and makes its interrupt;
// virtio_device_ready sets DRIVER_OK, after which the device may use them.
void virtio_device_begin(struct virtio_transport *t);

// Marks the device FAILED (the driver gave up on it) and returns err.
int virtio_device_fail(struct virtio_transport *t, int err);

// Returns the interrupt handle, or an error after marking the device FAILED.
ftl_handle_t virtio_device_interrupt(struct virtio_transport *t,
                                     ftl_handle_t device);

void virtio_device_ready(struct virtio_transport *t);

// Feature negotiation for a device whose own feature bits the driver
// does not want (virtio-rng has none, the console's are not needed):
// only VERSION_1, which the modern transport requires, then FEATURES_OK
// on the modern transport. Errors: FTL_ERR_NOT_SUPPORTED (a modern device
// without VERSION_1), FTL_ERR_IO (the device refused FEATURES_OK).
int virtio_negotiate_no_features(struct virtio_transport *t);

// Creates queue `index` with as many descriptors as the device allows, at
// most size_max (a power of two up to VIRTQUEUE_SIZE_MAX), on DMA memory of
// device, and gives it to the device. Errors: FTL_ERR_NOT_SUPPORTED (no
// such queue, or a size that is not a power of two), those of
// virtqueue_create and queue_enable.
int virtio_queue_setup(struct virtio_transport *t, struct virtqueue *vq,
                       ftl_handle_t device, uint16_t index, uint16_t size_max);

// Opens the legacy transport of device (its I/O BAR 0). Errors:
// FTL_ERR_NOT_SUPPORTED (no I/O BAR), those of ftl_ioport_enable.
int virtio_legacy_open(struct virtio_transport *t, ftl_handle_t device,
                       const struct ftl_pci_info *info);

// Whether the device-specific configuration can be read: always on the
// legacy transport (it follows the common registers), on the modern one
// when the device has the capability.
static inline bool virtio_transport_has_config(const struct virtio_transport *t)
{
    return t->common == NULL || t->device != NULL;
}

// Opens the modern transport from the device's capabilities. Errors:
// FTL_ERR_NOT_SUPPORTED (no virtio 1.0 capabilities), mapping errors.
int virtio_modern_open(struct virtio_transport *t, ftl_handle_t device,
                       const struct ftl_pci_info *info);
