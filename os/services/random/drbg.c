// A client's DRBG (drbg.h).
#include "drbg.h"

#include <string.h>

#include <ftl/error.h>

#include "mbedtls/platform_util.h"

void drbg_init(struct drbg *d, const uint8_t *personal)
{
    memset(d, 0, sizeof(*d));
    mbedtls_ctr_drbg_init(&d->ctr);
    memcpy(d->personal, personal, DRBG_PERSONAL_LEN);
}

int drbg_seed(struct drbg *d, struct pool *pool)
{
    if (d->seeded) {
        return 0;
    }
    // A failed seed leaves a half-set context: start from a clean one each
    // time. The default entropy length (32 bytes) and nonce (16 bytes) give
    // AES-256's full 256-bit strength (ctr_drbg.h).
    mbedtls_ctr_drbg_free(&d->ctr);
    mbedtls_ctr_drbg_init(&d->ctr);
    int err = mbedtls_ctr_drbg_seed(&d->ctr, pool_entropy, pool, d->personal,
                                    DRBG_PERSONAL_LEN);
    if (err == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED) {
        return FTL_ERR_WOULD_BLOCK;
    }
    if (err != 0) {
        return FTL_ERR_IO;
    }
    d->seeded = true;
    return 0;
}

int drbg_generate(struct drbg *d, struct pool *pool, uint8_t *out, size_t len)
{
    if (len > DRBG_GENERATE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    int err = drbg_seed(d, pool);
    if (err < 0) {
        return err;
    }
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST
                       ? len
                       : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        err = mbedtls_ctr_drbg_random(&d->ctr, out, n);
        if (err == MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED) {
            return FTL_ERR_WOULD_BLOCK; // a reseed found too little
        }
        if (err != 0) {
            return FTL_ERR_IO;
        }
        out += n;
        len -= n;
    }
    return 0;
}

void drbg_free(struct drbg *d)
{
    mbedtls_ctr_drbg_free(&d->ctr); // wipes the context
    mbedtls_platform_zeroize(d, sizeof(*d));
}
