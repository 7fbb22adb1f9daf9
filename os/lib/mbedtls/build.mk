# mbedtls from build/deps/mbedtls (scripts/fetch-deps.sh, deps.lock),
# compiled with the program flags and FTL's configuration (config.h beside
# this file) into one static library for the services that do cryptography
# (tls, random). random.c, FTL's glue (random numbers for PSA, the clock),
# is part of it.
MBEDTLS_SRC := $(BUILD)/deps/mbedtls
MBEDTLS_LIB := $(BUILD)/mbedtls/libmbedtls.a
MBEDTLS_INCLUDES := -Ios/lib/mbedtls -I$(MBEDTLS_SRC)/include \
                    '-DMBEDTLS_CONFIG_FILE="config.h"'
mbedtls-srcs := aes.c aesni.c asn1parse.c asn1write.c base64.c bignum.c \
    bignum_core.c bignum_mod.c bignum_mod_raw.c block_cipher.c chacha20.c \
    chachapoly.c cipher.c cipher_wrap.c constant_time.c ctr_drbg.c ecdh.c \
    ecdsa.c ecp.c ecp_curves.c ecp_curves_new.c entropy.c entropy_poll.c error.c \
    gcm.c hkdf.c hmac_drbg.c md.c oid.c pem.c pk.c pk_ecc.c pk_wrap.c \
    pkparse.c pkwrite.c platform.c platform_util.c poly1305.c psa_crypto.c \
    psa_crypto_aead.c psa_crypto_cipher.c psa_crypto_client.c \
    psa_crypto_driver_wrappers_no_static.c psa_crypto_ecp.c psa_crypto_ffdh.c \
    psa_crypto_hash.c psa_crypto_mac.c psa_crypto_pake.c psa_crypto_random.c \
    psa_crypto_rsa.c psa_crypto_slot_management.c psa_crypto_storage.c \
    psa_util.c rsa.c rsa_alt_helpers.c sha256.c sha512.c ssl_ciphersuites.c \
    ssl_client.c ssl_debug_helpers_generated.c ssl_msg.c ssl_tls.c \
    ssl_tls12_client.c ssl_tls12_server.c ssl_tls13_client.c \
    ssl_tls13_generic.c ssl_tls13_keys.c ssl_tls13_server.c x509.c \
    x509_crt.c
# X25519 from Project Everest (HACL*), which mbedtls carries in 3rdparty/
# and uses for ECDH on Curve25519 (MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED):
# 64-bit limbs, where mbedtls's generic Montgomery ladder works on
# allocated big numbers.
everest-srcs := everest.c x25519.c Hacl_Curve25519_joined.c
EVEREST_SRC := $(MBEDTLS_SRC)/3rdparty/everest
MBEDTLS_INCLUDES += -I$(EVEREST_SRC)/include
MBEDTLS_OBJS := $(addprefix $(BUILD)/mbedtls/,$(mbedtls-srcs:.c=.o)) \
                $(addprefix $(BUILD)/mbedtls/everest/,$(everest-srcs:.c=.o)) \
                $(BUILD)/mbedtls/ftl/random.o

MBEDTLS_FETCHED := $(BUILD)/deps/mbedtls/.fetched
$(MBEDTLS_FETCHED): deps.lock
	$(Q)scripts/fetch-deps.sh mbedtls >/dev/null && touch $@
$(MBEDTLS_SRC)/library/%.c: $(MBEDTLS_FETCHED) ;
# Made by that rule, they would count as intermediate files, which make
# deletes once the objects are built; the next build after a change of
# config.h then had no sources to compile.
.SECONDARY: $(addprefix $(MBEDTLS_SRC)/library/,$(mbedtls-srcs))
$(EVEREST_SRC)/library/%.c: $(MBEDTLS_FETCHED) ;
.SECONDARY: $(addprefix $(EVEREST_SRC)/library/,$(everest-srcs))

# mbedtls's own code is not ours to warn about. A section per function and
# object, so that a program linked with --gc-sections (MBEDTLS_LDFLAGS)
# carries only the parts it calls.
MBEDTLS_LDFLAGS := -Wl,--gc-sections
$(BUILD)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c os/lib/mbedtls/config.h | $(PICOLIBC_LIBC)
	$(call say,CC,mbedtls/$*.c)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CFLAGS) $(MBEDTLS_INCLUDES) \
	    -ffunction-sections -fdata-sections \
	    -I$(MBEDTLS_SRC)/library -w -MMD -MP -c $< -o $@

$(BUILD)/mbedtls/everest/%.o: $(EVEREST_SRC)/library/%.c os/lib/mbedtls/config.h | $(PICOLIBC_LIBC)
	$(call say,CC,mbedtls/everest/$*.c)
	$(Q)mkdir -p $(@D) && $(CC) $(FTL_CFLAGS) $(MBEDTLS_INCLUDES) \
	    -ffunction-sections -fdata-sections \
	    -I$(MBEDTLS_SRC)/library -I$(EVEREST_SRC)/include/everest \
	    -I$(EVEREST_SRC)/include/everest/kremlib -w -MMD -MP -c $< -o $@

$(BUILD)/mbedtls/ftl/%.o: os/lib/mbedtls/%.c os/lib/mbedtls/config.h $(MBEDTLS_FETCHED) | $(PICOLIBC_LIBC)
	$(call say,CC,$<)
	$(Q)mkdir -p $(@D) && $(CC) $(PROGRAM_CFLAGS) $(MBEDTLS_INCLUDES) \
	    -c $< -o $@

$(MBEDTLS_LIB): $(MBEDTLS_OBJS)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^
