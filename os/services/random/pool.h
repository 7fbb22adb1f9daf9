// The entropy pool: one mbedtls entropy accumulator (SHA-256) that mixes
// every source the machine has, and from which each client's DRBG
// (drbg.h) is seeded and reseeded. Sources:
//
//   rdseed      strong, as read (hwrng_poll_raw)
//   rdrand      strong, 512:1 reduced (hwrng_poll_reduced), without RDSEED;
//               weak, as read, beside it
//   virtio_rng  strong, from the reserve (reserve.h), once the driver is
//               there
//
// Every output block of the pool takes at least 32 bytes from strong
// sources, gathered afresh for it (mbedtls_entropy_func), mixed with what
// every other source gave. A pool without a source gives nothing: seeding
// fails, and nothing ever falls back to a fixed or time-based seed.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/entropy.h"

#include "hwrng.h"
#include "reserve.h"

struct pool {
    mbedtls_entropy_context entropy;
    struct hwrng *rdseed, *rdrand; // NULL: not on this CPU, or broken
    struct reserve *virtio;        // NULL: virtio_rng never came
    bool virtio_up;                // its driver answers now
};

// Starts the pool with the CPU's sources that work (NULL: none). The
// caller keeps the hwrng structures alive as long as the pool. 0, or
// FTL_ERR_NO_MEMORY.
int pool_init(struct pool *p, struct hwrng *rdseed, struct hwrng *rdrand);

// virtio_rng is there (up) or gone: its reserve becomes a source the
// first time. Bytes left in the reserve are still used after it goes.
// 0, or FTL_ERR_LIMIT (mbedtls has no room for another source).
int pool_set_virtio(struct pool *p, struct reserve *reserve, bool up);

// Whether any source is there now (the CPU's, or virtio_rng while up).
bool pool_has_source(const struct pool *p);

// "rdseed=1 rdrand=1 virtio_rng=0", what GETATTR sources answers: the
// sources in use now. Returns the length (cut to size - 1).
size_t pool_describe(const struct pool *p, char *out, size_t size);

// The mbedtls entropy function and its argument, for
// mbedtls_ctr_drbg_seed: the DRBG keeps them for its reseeds.
int pool_entropy(void *pool, unsigned char *out, size_t len);

// Frees the accumulator.
void pool_free(struct pool *p);
