# virtio_rng, the virtio entropy device's driver (docs/concepts/entropy.md),
# on the shared virtio transports of os/lib/virtio.
$(BUILD)/programs/os/services/virtio_rng/%.o: PROGRAM_CFLAGS += $(VIRTIO_INCLUDES)
$(eval $(call program,virtio_rng,$(addprefix os/services/virtio_rng/, \
    main.c rngdev.c) $(VIRTIO_SRCS)))
INITFS_PROGRAMS += $(BUILD)/programs/virtio_rng.elf
