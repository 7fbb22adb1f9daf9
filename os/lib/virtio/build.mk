# The virtio PCI transports (transport.c, legacy.c, modern.c) and split
# virtqueues (virtqueue.c), shared by the virtio drivers: each lists
# VIRTIO_SRCS among its sources and adds VIRTIO_INCLUDES to its objects'
# flags, e.g.
#   $(BUILD)/programs/os/services/NAME/%.o: PROGRAM_CFLAGS += $(VIRTIO_INCLUDES)
VIRTIO_INCLUDES := -Ios/lib/virtio
VIRTIO_SRCS := $(addprefix os/lib/virtio/,transport.c legacy.c modern.c \
               virtqueue.c)
