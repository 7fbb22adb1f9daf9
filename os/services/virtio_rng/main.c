// virtio_rng: the driver of a virtio entropy device (QEMU's
// `-device virtio-rng-pci`), legacy or modern.
//
// At start it asks its supervisor for its device: OPEN device/0 (the
// transitional device, 1af4:1005), else device/1 (the modern-only one,
// 1af4:1044). Its first channel is served with:
//   OPEN service/virtio_rng (the supervisor forwarding a client's) -> a
//       channel served with READ and GETATTR; as many as asked for.
//   READ len (at most 4,096) -> len bytes from the device, once it has
//       given them all; FTL_ERR_TOO_LARGE beyond 4,096, FTL_ERR_BUSY while
//       READS_MAX reads wait already.
//   GETATTR transport -> legacy|modern; stats -> counters.
//
// A machine without the device (Google Compute Engine, a QEMU run without
// it) is not an error: the driver says so in one info line, answers the
// OPENs that came meanwhile with FTL_ERR_NOT_FOUND and ends with status 0,
// which its spec's restartPolicy (OnFailure) leaves Completed. The random
// service then goes on with the CPU's sources (docs/concepts/entropy.md).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/server.h>

#include "rngdev.h"

// READs waiting for the device at once, from all clients (each holds a
// buffer of RNGDEV_FILL_MAX bytes).
#define READS_MAX 64

enum driver_state {
    DRIVER_PROBING, // asking for the device
    DRIVER_UP,
    DRIVER_ABSENT, // no device: ending
};

// An OPEN that came while the device was still being looked for.
struct held_open {
    struct ftl_request *req;
    struct held_open *next;
};

struct driver {
    struct ftl_loop *loop;
    struct ftl_client *supervisor;
    enum driver_state state;
    struct rngdev dev;
    struct held_open *held;
    unsigned reads; // waiting for the device
};

// The context of client channels (the first channel has none).
static int client_channel;

static struct driver driver;

struct pending_read {
    struct rngdev_fill fill;
    struct ftl_request *req;
    uint8_t buffer[RNGDEV_FILL_MAX];
};

static void on_filled(struct rngdev_fill *fill, void *arg)
{
    struct pending_read *read = arg;
    ftl_request_reply_data(read->req, read->buffer, fill->len);
    memset(read->buffer, 0, fill->len); // the client's bytes are its own
    free(read);
    driver.reads--;
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    (void)offset; // a stream of random bytes has no offsets
    if (ftl_request_context(req) != &client_channel) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    if (len > RNGDEV_FILL_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return;
    }
    if (len == 0) {
        ftl_request_reply_data(req, NULL, 0);
        return;
    }
    if (driver.reads >= READS_MAX) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    struct pending_read *read = malloc(sizeof(*read));
    if (read == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    read->req = req;
    read->fill = (struct rngdev_fill){
        .buffer = read->buffer, .len = len, .done = on_filled, .arg = read};
    driver.reads++;
    rngdev_fill(&driver.dev, &read->fill);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    char value[160];
    int len;
    if (driver.state != DRIVER_UP) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    if (strcmp(name, "transport") == 0) {
        len = snprintf(value, sizeof(value), "%s",
                       rngdev_transport_name(&driver.dev));
    } else if (strcmp(name, "stats") == 0) {
        const struct rngdev_stats *s = &driver.dev.stats;
        len = snprintf(value, sizeof(value),
                       "bytes=%llu buffers=%llu interrupts=%llu reads=%u",
                       (unsigned long long)s->bytes,
                       (unsigned long long)s->buffers,
                       (unsigned long long)s->interrupts, driver.reads);
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    ftl_request_reply(req, 0, value, (size_t)len);
}

static void on_service_open(struct ftl_request *req, const char *name)
{
    (void)name;
    switch (driver.state) {
    case DRIVER_UP:
        ftl_request_reply_channel(req, &client_channel);
        return;
    case DRIVER_ABSENT:
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    case DRIVER_PROBING:
        break;
    }
    struct held_open *h = malloc(sizeof(*h));
    if (h == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    h->req = req;
    h->next = driver.held;
    driver.held = h;
}

// The device is up or known absent: answers the OPENs that waited.
static void answer_held(void)
{
    while (driver.held != NULL) {
        struct held_open *h = driver.held;
        driver.held = h->next;
        on_service_open(h->req, NULL);
        free(h);
    }
}

static void ask_device(unsigned index);

static void on_device(const struct ftl_result *result, void *arg)
{
    unsigned index = (unsigned)(uintptr_t)arg;
    int err = result->error;
    // device/1 may be missing from a spec that lists one device only.
    bool absent = err == FTL_ERR_NOT_FOUND ||
                  (index > 0 && err == FTL_ERR_NOT_ALLOWED);
    if (absent && index == 0) {
        ask_device(1); // the modern-only device, then
        return;
    }
    if (absent) {
        FTL_LOG_INFO("no virtio-rng device: random goes on with the CPU's "
                     "sources");
        driver.state = DRIVER_ABSENT;
        answer_held();
        ftl_loop_stop(driver.loop, 0); // not a failure: nothing to drive
        return;
    }
    if (err == 0) {
        err = rngdev_open(&driver.dev, driver.loop, result->handle);
        if (err < 0) {
            ftl_handle_close(result->handle);
        }
    }
    if (err < 0) {
        FTL_LOG_ERROR("device/%u: %s", index, ftl_error_str(err));
        ftl_loop_stop(driver.loop, 1);
        return;
    }
    driver.state = DRIVER_UP;
    FTL_LOG_INFO("%s transport, %u buffers", rngdev_transport_name(&driver.dev),
                 driver.dev.queue.size);
    answer_held();
}

static void ask_device(unsigned index)
{
    char path[16];
    snprintf(path, sizeof(path), "device/%u", index);
    if (ftl_client_open(driver.supervisor, path, on_device,
                        (void *)(uintptr_t)index) < 0) {
        FTL_LOG_ERROR("cannot ask for %s", path);
        ftl_loop_stop(driver.loop, 1);
    }
}

static const struct ftl_server_ops ops = {.on_read = on_read,
                                          .on_getattr = on_getattr,
                                          .on_service_open = on_service_open};

int main(void)
{
    driver.loop = ftl_loop_create();
    struct ftl_server *server =
        driver.loop != NULL ? ftl_server_create(driver.loop, &ops, NULL)
                            : NULL;
    if (server == NULL ||
        ftl_server_serve(server, ftl_start_info->channel, NULL) < 0) {
        FTL_LOG_ERROR("cannot serve the first channel");
        return 1;
    }
    driver.supervisor = ftl_server_client(server, ftl_start_info->channel);
    if (driver.supervisor == NULL) {
        FTL_LOG_ERROR("cannot ask for the device");
        return 1;
    }
    ask_device(0);
    return ftl_loop_run(driver.loop);
}
