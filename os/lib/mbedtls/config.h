// FTL's mbedtls configuration (MBEDTLS_CONFIG_FILE): what the nanoservices
// that do cryptography (tls, random) are built with. mbedtls itself comes
// from build/deps/mbedtls (deps.lock); nothing of it is in the repository.
//
// The rules (docs/guides/tls.md):
// - TLS 1.3 and TLS 1.2 only; no renegotiation (never defined here); no
//   compression (mbedtls 3 has none).
// - Only AEAD ciphers with ephemeral key exchange: AES-GCM and
//   ChaCha20-Poly1305 under ECDHE (TLS 1.2), the TLS 1.3 suites. No CBC,
//   no RSA key exchange, no static DH, no PSK, no SHA-1 signatures.
// - Certificates: ECDSA (P-256, P-384) and RSA, so that a client can check
//   the servers of the public web, whose chains are mostly RSA.
// - Random numbers come only from the FTL random service (PSA's external
//   RNG, os/lib/mbedtls/random.c): there is no fallback seed.
#pragma once

// --- System ---------------------------------------------------------------
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_ERROR_C // mbedtls_strerror, for log lines that say why
#define MBEDTLS_PLATFORM_MEMORY // calloc/free of picolibc, settable
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_HAVE_ASM
// Time: FTL's clock is monotonic (no calendar yet). mbedtls_ms_time() is
// ours (random.c) for TLS 1.3's internal timers; certificate validity
// dates are not checked until the system has a calendar clock
// (MBEDTLS_HAVE_TIME_DATE), which the docs say.
#define MBEDTLS_HAVE_TIME
#define MBEDTLS_PLATFORM_MS_TIME_ALT
#define MBEDTLS_DEPRECATED_REMOVED

// --- Random numbers -------------------------------------------------------
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG
// No MBEDTLS_USE_PSA_CRYPTO: with it, every record is sealed and opened by
// PSA's one-shot psa_aead_encrypt/decrypt, which sets up a GCM context from
// the key each time (AES key expansion, the hash key H = AES(0), a
// calloc) and wipes and frees it after: for a 600-byte HTTP response, more
// work than the encryption itself. Without it the record layer keeps one
// expanded cipher context per direction for the session's life. TLS 1.3's
// handshake (ECDHE, HKDF) goes through PSA either way.
// Every handshake holds PSA keys (its ECDHE key): a key store that grows
// with them, not mbedtls's fixed 32 slots, which ended the 16th concurrent
// handshake.
#define MBEDTLS_PSA_KEY_STORE_DYNAMIC
#define MBEDTLS_CTR_DRBG_C // the DRBGs of the random service and of clients
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_ENTROPY_FORCE_SHA256

// --- Hashes, ciphers, big numbers ----------------------------------------
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C // sha256.c needs it beside SHA-256
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
#define MBEDTLS_HKDF_C
#define MBEDTLS_AES_C
#define MBEDTLS_AESNI_C // AES-NI and PCLMULQDQ, chosen at run time by CPUID
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECDH_C
// X25519 shared secrets by Project Everest's HACL* code (os/lib/mbedtls/
// build.mk): with mbedtls's generic ladder on allocated big numbers, a
// TLS 1.3 handshake took about 24 ms of tls's time under TCG, 16 ms
// with it. (The ephemeral key is still made by the generic ladder: PSA's
// key generation does not use the variant.)
#define MBEDTLS_ECDH_VARIANT_EVEREST_ENABLED
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C // deterministic ECDSA
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15 // RSA signatures of TLS 1.2 and of certificates
#define MBEDTLS_PKCS1_V21 // RSA-PSS, which TLS 1.3 requires for RSA

// --- Keys and certificates ------------------------------------------------
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_OID_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT

// --- TLS ------------------------------------------------------------------
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_ALPN
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
// Records up to 16 KiB each way, as the RFCs require of a server that does
// not negotiate smaller ones.
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 16384

// The cipher suites offered and accepted, in order of preference.
#define MBEDTLS_SSL_CIPHERSUITES                                               \
    MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384,      \
        MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,                               \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                       \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                       \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                 \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,                         \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,                         \
        MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
