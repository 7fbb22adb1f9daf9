// The CPU's random-number instructions as entropy sources (hwrng.h).
#include "hwrng.h"

#include <string.h>

#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"

#include "cpu.h"

// Bytes of RDRAND output hashed into each 16 bytes of a reduced poll.
#define REDUCED_INPUT (HWRNG_REDUCTION * 16)
#define REDUCED_OUTPUT 16

static bool rdseed_step(uint64_t *value)
{
    return cpu_rdseed64(value);
}

static bool rdrand_step(uint64_t *value)
{
    return cpu_rdrand64(value);
}

void hwrng_init_rdseed(struct hwrng *h)
{
    *h = (struct hwrng){.name = "rdseed",
                        .step = rdseed_step,
                        .tries = HWRNG_RDSEED_TRIES,
                        .pause = true};
}

void hwrng_init_rdrand(struct hwrng *h)
{
    *h = (struct hwrng){
        .name = "rdrand", .step = rdrand_step, .tries = HWRNG_RDRAND_TRIES};
}

bool hwrng_value(struct hwrng *h, uint64_t *value)
{
    for (unsigned i = 0; i < h->tries; i++) {
        if (i > 0 && h->pause) {
            cpu_pause();
        }
        uint64_t v;
        if (!h->step(&v)) {
            continue;
        }
        if (h->has_last && v == h->last) {
            h->repeats++;
            continue;
        }
        h->last = v;
        h->has_last = true;
        *value = v;
        return true;
    }
    h->failed_values++;
    return false;
}

size_t hwrng_read(struct hwrng *h, uint8_t *out, size_t len)
{
    size_t done = 0;
    while (done < len) {
        uint64_t v;
        if (!hwrng_value(h, &v)) {
            break;
        }
        size_t n = len - done < sizeof(v) ? len - done : sizeof(v);
        memcpy(out + done, &v, n);
        done += n;
    }
    return done;
}

bool hwrng_works(struct hwrng *h)
{
    uint64_t first = 0;
    bool varies = false;
    for (unsigned i = 0; i < 16; i++) {
        uint64_t v;
        if (!hwrng_value(h, &v)) {
            return false;
        }
        if (i == 0) {
            first = v;
        } else if (v != first) {
            varies = true;
        }
    }
    return varies;
}

int hwrng_poll_raw(void *source, unsigned char *out, size_t len, size_t *olen)
{
    size_t want = len < HWRNG_POLL_RAW_MAX ? len : HWRNG_POLL_RAW_MAX;
    *olen = hwrng_read(source, out, want);
    return 0;
}

// One reduced piece: REDUCED_INPUT bytes of RDRAND hashed, the first
// REDUCED_OUTPUT bytes of the digest into out. False if the CPU did not
// deliver them all (then nothing is written).
static bool reduce_one(struct hwrng *h, unsigned char *out)
{
    mbedtls_sha256_context sha;
    unsigned char block[512], digest[32];
    bool ok = true;
    mbedtls_sha256_init(&sha);
    mbedtls_sha256_starts(&sha, 0);
    for (size_t done = 0; ok && done < REDUCED_INPUT; done += sizeof(block)) {
        ok = hwrng_read(h, block, sizeof(block)) == sizeof(block);
        mbedtls_sha256_update(&sha, block, sizeof(block));
    }
    mbedtls_sha256_finish(&sha, digest);
    if (ok) {
        memcpy(out, digest, REDUCED_OUTPUT);
    }
    mbedtls_sha256_free(&sha);
    mbedtls_platform_zeroize(block, sizeof(block));
    mbedtls_platform_zeroize(digest, sizeof(digest));
    return ok;
}

int hwrng_poll_reduced(void *source, unsigned char *out, size_t len,
                       size_t *olen)
{
    size_t want = len < HWRNG_POLL_RAW_MAX ? len : HWRNG_POLL_RAW_MAX;
    *olen = 0;
    while (want - *olen >= REDUCED_OUTPUT && reduce_one(source, out + *olen)) {
        *olen += REDUCED_OUTPUT;
    }
    return 0;
}
