# control: the control channel's guest end (docs/reference/control-protocol.md),
# with mbedtls's HMAC-SHA256 (os/lib/mbedtls/build.mk).
$(BUILD)/programs/os/services/control/%.o: PROGRAM_CFLAGS += $(MBEDTLS_INCLUDES)
$(BUILD)/programs/os/services/control/%.o: | $(MBEDTLS_FETCHED)
$(eval $(call program,control,$(addprefix os/services/control/, \
    main.c session.c frame.c uart.c status_json.c), $(MBEDTLS_LIB)))
$(BUILD)/programs/control.elf: FTL_LDFLAGS += $(MBEDTLS_LDFLAGS)
INITFS_PROGRAMS += $(BUILD)/programs/control.elf
