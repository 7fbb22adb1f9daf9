# random, the random-number service (docs/concepts/entropy.md), on
# mbedtls's entropy accumulator and CTR_DRBG (os/lib/mbedtls/build.mk).
$(BUILD)/programs/os/services/random/%.o: PROGRAM_CFLAGS += $(MBEDTLS_INCLUDES)
$(BUILD)/programs/os/services/random/%.o: | $(MBEDTLS_FETCHED)
$(eval $(call program,random,$(addprefix os/services/random/, \
    main.c pool.c drbg.c hwrng.c feed.c reserve.c reads.c), \
    $(MBEDTLS_LIB)))
$(BUILD)/programs/random.elf: FTL_LDFLAGS += $(MBEDTLS_LDFLAGS)
INITFS_PROGRAMS += $(BUILD)/programs/random.elf
