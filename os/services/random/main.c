// random: random numbers for the system's services, from every entropy
// source the machine has (docs/concepts/entropy.md).
//
// At start it looks for RDSEED and RDRAND (CPUID, then a start-up check of
// each) and opens service/virtio_rng (feed.h); all of them go into one
// entropy pool (pool.h). Its first channel is served with:
//   OPEN service/random (the supervisor forwarding a client's) -> a channel
//       of the client's own, with a DRBG of its own (drbg.h), seeded from
//       the pool there and then if the pool can, else at the first READ.
//   GETATTR sources -> "rdseed=1 rdrand=1 virtio_rng=0": the sources in
//       use (answered once virtio_rng has said whether it is there);
//       stats -> counters. Both on any channel.
// A client's channel is served with:
//   READ len (at most 4,096) -> len bytes from its DRBG (reads.h);
//       FTL_ERR_TOO_LARGE beyond 4,096; FTL_ERR_IO when no entropy source
//       works, and then always (no fallback seed, ever).
// When there is no source at all, one error line says so.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/server.h>
#include <ftl/time.h>

#include "cpu.h"
#include "drbg.h"
#include "feed.h"
#include "hwrng.h"
#include "pool.h"
#include "reads.h"

// A GETATTR that came before virtio_rng answered.
struct held_getattr {
    struct ftl_request *req;
    struct held_getattr *next;
};

struct service {
    struct ftl_loop *loop;
    struct ftl_server *server;
    struct hwrng rdseed, rdrand;
    struct pool pool;
    struct feed feed;
    struct reads reads;
    struct held_getattr *held;
    bool sources_said; // the sources line (or the error line) is out
    uint64_t opened;   // clients so far: each one's personalization
    unsigned clients;  // open now
};

static struct service service;

// A CPU source that CPUID announces and that passes the start-up check;
// NULL otherwise.
static struct hwrng *probe_cpu_source(struct hwrng *h, bool announced)
{
    if (!announced) {
        return NULL;
    }
    if (!hwrng_works(h)) {
        FTL_LOG_WARN("%s: announced by CPUID but fails the start-up check "
                     "(%llu values missing, %llu repeated): not used",
                     h->name, (unsigned long long)h->failed_values,
                     (unsigned long long)h->repeats);
        return NULL;
    }
    return h;
}

static void answer_getattr(struct ftl_request *req, const char *name)
{
    char value[160];
    size_t len;
    if (strcmp(name, "sources") == 0) {
        len = pool_describe(&service.pool, value, sizeof(value));
    } else if (strcmp(name, "stats") == 0) {
        int n = snprintf(value, sizeof(value),
                         "clients=%u opened=%llu reads=%llu bytes=%llu "
                         "waiting=%u virtio_bytes=%llu",
                         service.clients, (unsigned long long)service.opened,
                         (unsigned long long)service.reads.answered,
                         (unsigned long long)service.reads.bytes,
                         service.reads.waiting,
                         (unsigned long long)service.feed.bytes);
        len = n < 0 ? 0 : (size_t)n;
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    ftl_request_reply(req, 0, value, len);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    if (strcmp(name, "sources") != 0 ||
        service.feed.state != FEED_CONNECTING) {
        answer_getattr(req, name);
        return;
    }
    struct held_getattr *h = malloc(sizeof(*h));
    if (h == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    *h = (struct held_getattr){.req = req, .next = service.held};
    service.held = h;
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    (void)offset; // a stream of random bytes has no offsets
    struct client *c = ftl_request_context(req);
    if (c == NULL) { // the first channel serves no bytes
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    reads_serve(&service.reads, req, c, len);
}

// What tells this client's DRBG from every other's: the service's name,
// the number of the channel since start and the time it was opened.
static void personalization(uint8_t out[DRBG_PERSONAL_LEN])
{
    memset(out, 0, DRBG_PERSONAL_LEN);
    uint64_t serial = ++service.opened, now = ftl_clock_ns();
    memcpy(out, "ftl/random", 10);
    memcpy(out + 16, &serial, sizeof(serial));
    memcpy(out + 24, &now, sizeof(now));
}

static void on_service_open(struct ftl_request *req, const char *name)
{
    (void)name;
    struct client *c = malloc(sizeof(*c));
    if (c == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    uint8_t personal[DRBG_PERSONAL_LEN];
    personalization(personal);
    drbg_init(&c->drbg, personal);
    c->waiting = 0;
    // Seeded now if the pool can; if not (virtio_rng not there yet, or no
    // source at all), its first READ tries again or fails.
    drbg_seed(&c->drbg, &service.pool);
    feed_refill(&service.feed);
    ftl_handle_t ends[2];
    int err = ftl_channel_create(ends);
    if (err == 0 && (err = ftl_server_serve(service.server, ends[0], c)) < 0) {
        ftl_handle_close(ends[0]);
        ftl_handle_close(ends[1]);
    }
    if (err < 0) {
        drbg_free(&c->drbg);
        free(c);
        ftl_request_fail(req, err);
        return;
    }
    service.clients++;
    // If this reply fails, ends[1] is closed: the channel goes, on_close
    // frees c.
    ftl_request_reply_handle(req, ends[1]);
}

static void on_hangup(struct ftl_server *server, void *context)
{
    (void)server;
    if (context != NULL) {
        reads_drop_client(&service.reads, context);
    }
}

static void on_close(struct ftl_server *server, void *context)
{
    (void)server;
    struct client *c = context;
    if (c == NULL) {
        ftl_loop_stop(service.loop, 1); // the supervisor is gone
        return;
    }
    drbg_free(&c->drbg);
    free(c);
    service.clients--;
}

// Once virtio_rng has answered: the sources line, or the error line when
// there is none (each once), and the GETATTRs that waited for it.
static void say_sources(void)
{
    if (service.feed.state == FEED_CONNECTING) {
        return;
    }
    if (!service.sources_said) {
        service.sources_said = true;
        char text[64];
        pool_describe(&service.pool, text, sizeof(text));
        if (pool_has_source(&service.pool)) {
            FTL_LOG_INFO("sources: %s", text);
        } else {
            FTL_LOG_ERROR("no entropy source (no RDSEED/RDRAND, no "
                          "virtio-rng): refusing to give random numbers");
        }
    }
    while (service.held != NULL) {
        struct held_getattr *h = service.held;
        service.held = h->next;
        answer_getattr(h->req, "sources");
        free(h);
    }
}

static void on_feed_changed(struct feed *feed)
{
    (void)feed;
    say_sources();
    reads_retry(&service.reads);
}

static const struct ftl_server_ops ops = {.on_read = on_read,
                                          .on_getattr = on_getattr,
                                          .on_hangup = on_hangup,
                                          .on_close = on_close,
                                          .on_service_open = on_service_open};

int main(void)
{
    hwrng_init_rdseed(&service.rdseed);
    hwrng_init_rdrand(&service.rdrand);
    struct hwrng *rdseed = probe_cpu_source(&service.rdseed, cpu_has_rdseed());
    struct hwrng *rdrand = probe_cpu_source(&service.rdrand, cpu_has_rdrand());
    service.loop = ftl_loop_create();
    service.server = service.loop != NULL
                         ? ftl_server_create(service.loop, &ops, NULL)
                         : NULL;
    if (service.server == NULL || pool_init(&service.pool, rdseed, rdrand) < 0 ||
        ftl_server_serve(service.server, ftl_start_info->channel, NULL) < 0) {
        FTL_LOG_ERROR("cannot serve the first channel");
        return 1;
    }
    reads_init(&service.reads, &service.pool, &service.feed);
    struct ftl_client *supervisor =
        ftl_server_client(service.server, ftl_start_info->channel);
    if (supervisor == NULL ||
        feed_start(&service.feed, service.loop, supervisor, &service.pool,
                   on_feed_changed) < 0) {
        FTL_LOG_WARN("cannot ask for virtio_rng: going on without it");
        say_sources();
    }
    return ftl_loop_run(service.loop);
}
