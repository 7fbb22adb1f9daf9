// A client's DRBG: one CTR_DRBG (AES-256, NIST SP 800-90A) per channel to
// the random service, seeded from the pool (pool.h) with the channel's
// personalization string, so that no two clients share a generator state
// and one client's reads say nothing about another's. mbedtls reseeds it
// from the pool every MBEDTLS_CTR_DRBG_RESEED_INTERVAL (10,000) requests of
// at most 1,024 bytes.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/ctr_drbg.h"

#include "pool.h"

// Most bytes one drbg_generate call gives: a READ of the protocol.
#define DRBG_GENERATE_MAX 4096

// Bytes of a personalization string.
#define DRBG_PERSONAL_LEN 32

struct drbg {
    mbedtls_ctr_drbg_context ctr;
    bool seeded;
    uint8_t personal[DRBG_PERSONAL_LEN];
};

// An unseeded DRBG with this personalization (DRBG_PERSONAL_LEN bytes:
// what tells channels apart, not a secret).
void drbg_init(struct drbg *d, const uint8_t *personal);

// Seeds d from pool unless it is seeded already. 0; FTL_ERR_WOULD_BLOCK:
// the pool's sources could not give enough entropy now (d stays unseeded);
// FTL_ERR_IO for any other failure of mbedtls.
int drbg_seed(struct drbg *d, struct pool *pool);

// len (at most DRBG_GENERATE_MAX) random bytes into out, seeding first if
// need be. 0; FTL_ERR_WOULD_BLOCK when the seed or a reseed found too little
// entropy (out then holds nothing usable: the caller discards it; the DRBG
// is as before and may be asked again); FTL_ERR_TOO_LARGE; FTL_ERR_IO for
// any other failure of mbedtls.
int drbg_generate(struct drbg *d, struct pool *pool, uint8_t *out, size_t len);

// Wipes the state.
void drbg_free(struct drbg *d);
