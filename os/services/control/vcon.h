// The control channel on port 0 of a virtio console (virtio 1.0 section
// 5.3): QEMU's `-device virtio-serial-pci,max_ports=1 -device
// virtconsole,chardev=...`, on either virtio transport. Without the
// MULTIPORT feature, port 0 is the device's first two queues and nothing
// else: no control queue, no port messages.
#pragma once

#include <ftl/handle.h>

#include "channel.h"

// Brings up the device behind PCI handle `device` (which it then owns) and
// returns its channel in *out. Errors: FTL_ERR_NOT_SUPPORTED (not a usable
// virtio console), FTL_ERR_IO (the device refused our features), those of
// the device calls.
int vcon_open(ftl_handle_t device, const struct channel_ops **out);
