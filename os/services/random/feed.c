// The feed from virtio_rng (feed.h).
#include "feed.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/log.h>
#include <ftl/time.h>

#include "mbedtls/platform_util.h"

// After a refill that failed for another reason than the driver's end.
#define RETRY_NS (100 * FTL_MS)

static void open_driver(struct feed *feed);

static void set_state(struct feed *feed, enum feed_state state)
{
    feed->state = state;
    if (pool_set_virtio(feed->pool, &feed->reserve, state == FEED_UP) < 0) {
        FTL_LOG_ERROR("virtio_rng: no room for another entropy source");
    }
    feed->changed(feed);
}

static void on_retry(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                     void *arg)
{
    (void)loop, (void)timer;
    feed_refill(arg);
}

static void on_refilled(const struct ftl_result *result, void *arg)
{
    struct feed *feed = arg;
    feed->reading = false;
    if (result->error == FTL_ERR_PEER_CLOSED) {
        // The driver ended (restarted by the supervisor, or it found its
        // device gone): ask for it again.
        FTL_LOG_WARN("virtio_rng went away: opening it again");
        ftl_client_destroy(feed->driver);
        feed->driver = NULL;
        set_state(feed, FEED_CONNECTING);
        open_driver(feed);
        return;
    }
    if (result->error < 0) {
        FTL_LOG_WARN("virtio_rng: read: %s", ftl_error_str(result->error));
        ftl_loop_timer_start(feed->loop, &feed->retry, RETRY_NS, 0, on_retry,
                             feed);
        return;
    }
    size_t got = (size_t)result->value;
    reserve_put(&feed->reserve, feed->buffer, got);
    mbedtls_platform_zeroize(feed->buffer, got);
    feed->bytes += got;
    feed_refill(feed);
    feed->changed(feed);
}

void feed_refill(struct feed *feed)
{
    size_t want = reserve_wanted(&feed->reserve);
    if (feed->state != FEED_UP || feed->reading || want == 0 ||
        ftl_loop_timer_is_armed(&feed->retry)) {
        return;
    }
    if (want > sizeof(feed->buffer)) {
        want = sizeof(feed->buffer);
    }
    if (ftl_client_read(feed->driver, 0, feed->buffer, want, on_refilled,
                        feed) == 0) {
        feed->reading = true;
    }
}

static void on_open(const struct ftl_result *result, void *arg)
{
    struct feed *feed = arg;
    if (result->error < 0) {
        // virtio_rng logs why (no device); nothing will come.
        set_state(feed, FEED_ABSENT);
        return;
    }
    feed->driver = ftl_client_create(feed->loop, result->handle);
    if (feed->driver == NULL) {
        ftl_handle_close(result->handle);
        FTL_LOG_ERROR("virtio_rng: out of memory");
        set_state(feed, FEED_ABSENT);
        return;
    }
    set_state(feed, FEED_UP);
    feed_refill(feed);
}

static void open_driver(struct feed *feed)
{
    if (ftl_client_open(feed->supervisor, "service/virtio_rng", on_open,
                        feed) < 0) {
        FTL_LOG_ERROR("cannot ask for virtio_rng");
        set_state(feed, FEED_ABSENT);
    }
}

int feed_start(struct feed *feed, struct ftl_loop *loop,
               struct ftl_client *supervisor, struct pool *pool,
               feed_fn changed)
{
    memset(feed, 0, sizeof(*feed));
    feed->loop = loop;
    feed->supervisor = supervisor;
    feed->pool = pool;
    feed->changed = changed;
    feed->state = FEED_CONNECTING;
    int err = ftl_client_open(supervisor, "service/virtio_rng", on_open, feed);
    if (err < 0) {
        feed->state = FEED_ABSENT;
    }
    return err;
}

bool feed_may_give(const struct feed *feed)
{
    return feed->state != FEED_ABSENT;
}
