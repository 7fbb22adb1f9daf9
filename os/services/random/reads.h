// READs of random bytes: answered at once from the client's DRBG when the
// pool can seed or reseed it, else kept waiting, in order of arrival, while
// more entropy may come (virtio_rng connecting, or refilling the reserve),
// else failed with FTL_ERR_IO. Never anything weaker: a READ that cannot
// have bytes from a properly seeded DRBG gets no bytes.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/server.h>

#include "drbg.h"
#include "feed.h"
#include "pool.h"

// Most bytes one READ gets (more: FTL_ERR_TOO_LARGE).
#define READS_LEN_MAX DRBG_GENERATE_MAX

// READs waiting for entropy at once, from all clients (more:
// FTL_ERR_BUSY). Each is small: the bytes are made when it is answered.
#define READS_WAITING_MAX 256

// A client's channel: its DRBG, and how many of its READs wait.
struct client {
    struct drbg drbg;
    unsigned waiting;
};

struct waiting_read;

struct reads {
    struct pool *pool;
    struct feed *feed;
    struct waiting_read *head, *tail; // oldest first
    unsigned waiting;
    uint64_t answered, bytes; // counts, for GETATTR stats
};

void reads_init(struct reads *r, struct pool *pool, struct feed *feed);

// Serves READ req (len bytes, checked here) of client c: answers it,
// keeps it waiting or fails it.
void reads_serve(struct reads *r, struct ftl_request *req, struct client *c,
                 size_t len);

// Answers waiting READs, oldest first, as far as the pool now can; fails
// them all with FTL_ERR_IO once no more entropy can come. To be called
// whenever the feed changed.
void reads_retry(struct reads *r);

// Fails c's waiting READs (its peer is gone), so that its channel can go.
void reads_drop_client(struct reads *r, struct client *c);
