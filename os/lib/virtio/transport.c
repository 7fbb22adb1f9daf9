// What every virtio driver does with a transport before its device-specific
// part: picking the transport and setting up a queue (virtio 1.0 section
// 3.1.1, steps 1 and 7). The status sequence and the feature bits stay with
// each driver, which knows what it negotiates.
#include "transport.h"

#include <string.h>

#include <ftl/error.h>

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
