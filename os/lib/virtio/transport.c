// What every virtio driver does with a transport around its device-specific
// part: picking the transport, the status steps of the bring-up, setting up
// a queue, bus mastering and the interrupt (virtio 1.0 section 3.1.1). The
// feature bits stay with each driver, which knows what it negotiates.
#include "transport.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/interrupt.h>

int virtio_transport_open(struct virtio_transport *t, ftl_handle_t device)
{
    struct ftl_pci_info info;
    int err = ftl_pci_info(device, &info);
    if (err < 0) {
        return err;
    }
    memset(t, 0, sizeof(*t));
    if (virtio_modern_open(t, device, &info) == 0) {
        return 0;
    }
    memset(t, 0, sizeof(*t));
    return virtio_legacy_open(t, device, &info);
}

int virtio_queue_setup(struct virtio_transport *t, struct virtqueue *vq,
                       ftl_handle_t device, uint16_t index, uint16_t size_max)
{
    uint16_t max = t->ops->queue_max(t, index);
    uint16_t size = max < size_max ? max : size_max;
    if (size == 0 || (size & (size - 1)) != 0) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    int err = virtqueue_create(vq, device, index, size);
    if (err < 0) {
        return err;
    }
    return t->ops->queue_enable(t, vq);
}

void virtio_device_begin(struct virtio_transport *t)
{
    t->ops->set_status(t, 0); // reset
    t->ops->set_status(t, VIRTIO_STATUS_ACKNOWLEDGE);
    t->ops->set_status(t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
}

int virtio_device_fail(struct virtio_transport *t, int err)
{
    t->ops->set_status(t, VIRTIO_STATUS_FAILED);
    return err;
}

ftl_handle_t virtio_device_interrupt(struct virtio_transport *t,
                                     ftl_handle_t device)
{
    int err = ftl_pci_set_bus_master(device, 1);
    if (err < 0) {
        return virtio_device_fail(t, err);
    }
    ftl_handle_t interrupt = ftl_interrupt_create(device, 0);
    if (interrupt < 0) {
        return virtio_device_fail(t, interrupt);
    }
    return interrupt;
}

void virtio_device_ready(struct virtio_transport *t)
{
    t->ops->set_status(t, t->ops->status(t) | VIRTIO_STATUS_DRIVER_OK);
}

int virtio_negotiate_no_features(struct virtio_transport *t)
{
    bool modern = t->common != NULL;
    uint64_t offered = t->ops->features(t);
    if (modern && !(offered & VIRTIO_F_VERSION_1)) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    t->ops->set_features(t, modern ? VIRTIO_F_VERSION_1 : 0);
    if (modern) {
        t->ops->set_status(t, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                                  VIRTIO_STATUS_FEATURES_OK);
        if (!(t->ops->status(t) & VIRTIO_STATUS_FEATURES_OK)) {
            return FTL_ERR_IO;
        }
    }
    return 0;
}
