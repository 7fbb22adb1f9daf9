// Random numbers for mbedtls in a service: one CTR_DRBG (AES-256) per
// process, which is PSA's external RNG, so every key, nonce and ECDHE
// share of TLS comes from it. It is seeded and reseeded only with bytes
// from the random service (os/services/random), handed in with
// crypto_random_feed: until the first seed arrives, and whenever a reseed
// finds too few fed bytes, it fails (PSA_ERROR_INSUFFICIENT_ENTROPY) and
// with it the handshake. There is no fallback seed.
//
// A service keeps the reservoir full: after start and after each feed it
// asks crypto_random_wanted() how many bytes to fetch next.
#pragma once

#include <stdbool.h>
#include <stddef.h>

// Bytes of seed material one (re)seed takes.
#define CRYPTO_RANDOM_SEED_LEN 48

// Adds len bytes from the random service to the reservoir (up to four
// seeds are kept); the first full seed starts the DRBG. Returns 0, or
// FTL_ERR_IO if the DRBG cannot be seeded.
int crypto_random_feed(const void *bytes, size_t len);

// Whether the DRBG is seeded.
bool crypto_random_ready(void);

// How many bytes the reservoir lacks (0: full).
size_t crypto_random_wanted(void);

// len random bytes from the DRBG; 0 or FTL_ERR_IO (not seeded, or a
// reseed without seed material).
int crypto_random(void *out, size_t len);

// The same as a callback of mbedtls's f_rng type (ctx unused).
int crypto_random_rng(void *ctx, unsigned char *out, size_t len);
