// The CPU's random-number instructions (RDSEED, RDRAND) as entropy sources
// of the pool (pool.h): reading them as Intel's DRNG guide says (check the
// carry flag, retry a bounded number of times, then give up), a repetition
// test on every value, a start-up check, and the two ways their bytes go
// into the pool.
//
// RDSEED returns seed-grade output of the CPU's entropy conditioner and
// goes into the pool as it is. RDRAND returns the output of a DRBG that the
// hardware reseeds at least every 511 128-bit values; to seed a DRBG from
// it, the guide ("Generating Seeds from RDRAND") reduces 512 values to one:
// hwrng_poll_reduced hashes 512 16-byte values into each 16 bytes it
// returns, so every 16 bytes span a hardware reseed. That is the only way
// RDRAND counts as a strong source, which it does only on CPUs without
// RDSEED; beside RDSEED its bytes are mixed in raw, as a weak source.
//
// The instruction is a function pointer, so that the unit tests drive all
// this with fake CPUs (tests/unit/test_entropy.c).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Tries per 64-bit value. RDRAND: the guide's 10; failing ten in a row
// means a broken DRNG, not a busy one. RDSEED may run dry while other
// cores draw on it: more tries, with PAUSE between.
#define HWRNG_RDRAND_TRIES 10
#define HWRNG_RDSEED_TRIES 100

// Most bytes one raw poll returns: one SHA-256 block of the pool's
// accumulator, what one seed step needs.
#define HWRNG_POLL_RAW_MAX 32

// RDRAND values reduced into each 16 bytes of hwrng_poll_reduced.
#define HWRNG_REDUCTION 512

// One instruction as a source.
struct hwrng {
    const char *name;              // "rdseed", "rdrand"
    bool (*step)(uint64_t *value); // one try: true with a value
    unsigned tries;                // per value
    bool pause;                    // PAUSE between tries
    // State of the repetition test and counts, for the logs.
    uint64_t last;
    bool has_last;
    uint64_t failed_values; // values not delivered within `tries`
    uint64_t repeats;       // values equal to the one before (rejected)
};

// The CPU's two sources (steps: the instructions of cpu.h).
void hwrng_init_rdseed(struct hwrng *h);
void hwrng_init_rdrand(struct hwrng *h);

// One value, retried up to h->tries times; a value equal to the previous
// one counts as a failed try (a stuck generator: AMD CPUs have returned
// all ones with CF set). False when every try failed.
bool hwrng_value(struct hwrng *h, uint64_t *value);

// Up to len bytes into out, a value at a time; stops at the first value
// that could not be had. Returns the bytes written.
size_t hwrng_read(struct hwrng *h, uint8_t *out, size_t len);

// The start-up check: 16 values in a row can be had and are not all the
// same. A source that fails it is not used.
bool hwrng_works(struct hwrng *h);

// mbedtls entropy callbacks (mbedtls_entropy_f_source_ptr), p_source the
// struct hwrng. They never fail: *olen is what could be had now (maybe 0),
// and the pool asks again or gives up (pool.h).
// As read, at most HWRNG_POLL_RAW_MAX bytes.
int hwrng_poll_raw(void *source, unsigned char *out, size_t len, size_t *olen);
// Reduced (512 values hashed into each 16 bytes), at most
// HWRNG_POLL_RAW_MAX bytes.
int hwrng_poll_reduced(void *source, unsigned char *out, size_t len,
                       size_t *olen);
