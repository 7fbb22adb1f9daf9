// The reserve of bytes from virtio_rng: the device answers asynchronously,
// the pool asks synchronously (mbedtls polls its sources from inside a
// seed or reseed), so bytes are fetched ahead into this reserve and the
// pool's poll takes from it. The owner refills it (READs to virtio_rng)
// whenever reserve_wanted says it has room for a refill.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Bytes held at most: 64 DRBG seeds (64 bytes each: 32 of entropy, and a
// 16-byte nonce that the pool also gives a whole block for).
#define RESERVE_BYTES 4096

// Most bytes one poll takes: one block of the pool's accumulator.
#define RESERVE_POLL_MAX 32

struct reserve {
    uint8_t bytes[RESERVE_BYTES];
    size_t len;
};

// Adds up to len bytes (what fits; the rest is dropped, wiped by the
// caller). Returns the bytes taken.
size_t reserve_put(struct reserve *r, const void *data, size_t len);

// Takes up to len bytes out, newest first, and wipes their place. Returns
// the bytes taken.
size_t reserve_take(struct reserve *r, void *out, size_t len);

// Bytes to fetch now: 0 while the reserve is more than half full, else its
// room (so refills come in large pieces).
size_t reserve_wanted(const struct reserve *r);

// The mbedtls entropy callback (mbedtls_entropy_f_source_ptr), p_source
// the reserve: at most RESERVE_POLL_MAX bytes, maybe none. Never fails.
int reserve_poll(void *source, unsigned char *out, size_t len, size_t *olen);
