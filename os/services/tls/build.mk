# tls: TLS for apps (main.c), on mbedtls (os/lib/mbedtls/build.mk).
$(BUILD)/programs/os/services/tls/%.o: PROGRAM_CFLAGS += $(MBEDTLS_INCLUDES)
$(BUILD)/programs/os/services/tls/%.o: | $(MBEDTLS_FETCHED)
$(eval $(call program,tls,$(addprefix os/services/tls/, \
    main.c session.c listener.c connect.c credentials.c files.c limits.c), \
    $(MBEDTLS_LIB)))
$(BUILD)/programs/tls.elf: FTL_LDFLAGS += $(MBEDTLS_LDFLAGS)
INITFS_PROGRAMS += $(BUILD)/programs/tls.elf
