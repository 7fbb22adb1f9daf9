// The process's DRBG for mbedtls (random.h), and the clock mbedtls asks
// for (MBEDTLS_PLATFORM_MS_TIME_ALT).
#include "random.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/loop.h>
#include <ftl/time.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/platform_time.h"
#include "mbedtls/platform_util.h"
#include "psa/crypto.h"

#define RESERVOIR_SEEDS 4

static mbedtls_ctr_drbg_context drbg;
static bool seeded;
static unsigned char reservoir[RESERVOIR_SEEDS * CRYPTO_RANDOM_SEED_LEN];
static size_t reservoir_len;

// The DRBG's entropy callback: seed material from the reservoir, oldest
// first, or a failure when there is not enough (never a weaker seed).
static int take_seed(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    if (len > reservoir_len) {
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    }
    memcpy(out, reservoir, len);
    memmove(reservoir, reservoir + len, reservoir_len - len);
    reservoir_len -= len;
    mbedtls_platform_zeroize(reservoir + reservoir_len, len);
    return 0;
}

int crypto_random_feed(const void *bytes, size_t len)
{
    size_t room = sizeof(reservoir) - reservoir_len;
    if (len > room) {
        len = room;
    }
    memcpy(reservoir + reservoir_len, bytes, len);
    reservoir_len += len;
    if (seeded || reservoir_len < CRYPTO_RANDOM_SEED_LEN) {
        return 0;
    }
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_ctr_drbg_set_entropy_len(&drbg, CRYPTO_RANDOM_SEED_LEN);
    // The nonce comes from the seed material too (entropy_len * 3/2 in
    // all): ask for a whole seed and no separate nonce.
    mbedtls_ctr_drbg_set_nonce_len(&drbg, 0);
    if (mbedtls_ctr_drbg_seed(&drbg, take_seed, NULL, NULL, 0) != 0) {
        mbedtls_ctr_drbg_free(&drbg);
        return FTL_ERR_IO;
    }
    seeded = true;
    return 0;
}

bool crypto_random_ready(void)
{
    return seeded;
}

size_t crypto_random_wanted(void)
{
    return sizeof(reservoir) - reservoir_len;
}

int crypto_random(void *out, size_t len)
{
    if (!seeded) {
        return FTL_ERR_IO;
    }
    unsigned char *p = out;
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len
                                                      : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        if (mbedtls_ctr_drbg_random(&drbg, p, n) != 0) {
            return FTL_ERR_IO;
        }
        p += n;
        len -= n;
    }
    return 0;
}

int crypto_random_rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    return crypto_random(out, len) == 0 ? 0
                                        : MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
}

psa_status_t mbedtls_psa_external_get_random(
    mbedtls_psa_external_random_context_t *context, uint8_t *output,
    size_t output_size, size_t *output_length)
{
    (void)context;
    if (crypto_random(output, output_size) != 0) {
        *output_length = 0;
        return PSA_ERROR_INSUFFICIENT_ENTROPY;
    }
    *output_length = output_size;
    return PSA_SUCCESS;
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)(ftl_clock_ns() / FTL_MS);
}
