// The feed from virtio_rng: the channel to the driver (OPEN
// service/virtio_rng through the supervisor) and the READs that keep the
// reserve (reserve.h) full. Where there is no device, the driver answers
// the OPEN with an error (or has ended already) and the feed is ABSENT for
// good; where the driver dies, the feed opens it again (the supervisor
// holds the OPEN until it is restarted) and is CONNECTING meanwhile.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/client.h>
#include <ftl/loop.h>

#include "pool.h"
#include "reserve.h"

enum feed_state {
    FEED_CONNECTING, // waiting for the driver's answer
    FEED_UP,
    FEED_ABSENT, // no device: not coming
};

struct feed;
// The state changed, or bytes arrived in the reserve.
typedef void (*feed_fn)(struct feed *feed);

struct feed {
    struct ftl_loop *loop;
    struct ftl_client *supervisor;
    struct ftl_client *driver; // while UP
    struct pool *pool;
    struct reserve reserve;
    enum feed_state state;
    bool reading; // a refill READ is in flight
    uint8_t buffer[RESERVE_BYTES];
    struct ftl_loop_timer retry;
    feed_fn changed;
    uint64_t bytes; // received in all
};

// Opens virtio_rng through supervisor; the reserve becomes a source of
// pool once the driver answers. changed runs from the loop on every change.
// 0, or the error of ftl_client_open (the feed is then ABSENT, and
// changed is not called).
int feed_start(struct feed *feed, struct ftl_loop *loop,
               struct ftl_client *supervisor, struct pool *pool,
               feed_fn changed);

// Whether more bytes may come: connecting, or up (a refill is due or under
// way whenever the reserve has room).
bool feed_may_give(const struct feed *feed);

// Fetches bytes if the reserve has room for a refill; to be called after
// the pool took bytes.
void feed_refill(struct feed *feed);
