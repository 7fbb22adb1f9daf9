# control: the control channel's guest end (docs/reference/control-protocol.md),
# with mbedtls's HMAC-SHA256 (os/lib/mbedtls/build.mk) and, for the virtio
# console, the shared virtio transports (os/lib/virtio/build.mk).
$(BUILD)/programs/os/services/control/%.o: PROGRAM_CFLAGS += $(MBEDTLS_INCLUDES) $(VIRTIO_INCLUDES)
$(BUILD)/programs/os/services/control/%.o: | $(MBEDTLS_FETCHED)
$(eval $(call program,control,$(addprefix os/services/control/, \
    main.c session.c apply_relay.c frame.c uart.c uart_channel.c vcon.c status_json.c) \
    $(VIRTIO_SRCS), $(MBEDTLS_LIB)))
$(BUILD)/programs/control.elf: FTL_LDFLAGS += $(MBEDTLS_LDFLAGS)
INITFS_PROGRAMS += $(BUILD)/programs/control.elf
