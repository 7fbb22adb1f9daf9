// The entropy pool (pool.h): which source goes in how.
#include "pool.h"

#include <stdio.h>

#include <ftl/error.h>

int pool_init(struct pool *p, struct hwrng *rdseed, struct hwrng *rdrand)
{
    *p = (struct pool){.rdseed = rdseed, .rdrand = rdrand};
    mbedtls_entropy_init(&p->entropy); // no default sources in FTL's config
    // Thresholds are 0: no source is required on its own; what is required
    // is 32 strong bytes per output block, from whichever has them.
    int err = 0;
    if (rdseed != NULL) {
        err = mbedtls_entropy_add_source(&p->entropy, hwrng_poll_raw, rdseed, 0,
                                         MBEDTLS_ENTROPY_SOURCE_STRONG);
    }
    if (err == 0 && rdrand != NULL && rdseed != NULL) {
        err = mbedtls_entropy_add_source(&p->entropy, hwrng_poll_raw, rdrand, 0,
                                         MBEDTLS_ENTROPY_SOURCE_WEAK);
    } else if (err == 0 && rdrand != NULL) {
        err = mbedtls_entropy_add_source(&p->entropy, hwrng_poll_reduced,
                                         rdrand, 0,
                                         MBEDTLS_ENTROPY_SOURCE_STRONG);
    }
    return err == 0 ? 0 : FTL_ERR_NO_MEMORY;
}

int pool_set_virtio(struct pool *p, struct reserve *reserve, bool up)
{
    if (up && p->virtio == NULL) {
        if (mbedtls_entropy_add_source(&p->entropy, reserve_poll, reserve, 0,
                                       MBEDTLS_ENTROPY_SOURCE_STRONG) != 0) {
            return FTL_ERR_LIMIT;
        }
        p->virtio = reserve;
    }
    p->virtio_up = up && p->virtio != NULL;
    return 0;
}

bool pool_has_source(const struct pool *p)
{
    return p->rdseed != NULL || p->rdrand != NULL || p->virtio_up;
}

size_t pool_describe(const struct pool *p, char *out, size_t size)
{
    int len = snprintf(out, size, "rdseed=%d rdrand=%d virtio_rng=%d",
                       p->rdseed != NULL, p->rdrand != NULL, p->virtio_up);
    if (len < 0) {
        return 0;
    }
    return (size_t)len < size ? (size_t)len : size - 1;
}

int pool_entropy(void *pool, unsigned char *out, size_t len)
{
    struct pool *p = pool;
    return mbedtls_entropy_func(&p->entropy, out, len);
}

void pool_free(struct pool *p)
{
    mbedtls_entropy_free(&p->entropy);
}
