// virtio_net: the driver of a virtio network device, legacy or modern.
//
// At start it asks its supervisor for its device (OPEN device/0, the
// grant of its spec's first `devices` entry) and brings it up. Its first
// channel is served with:
//   OPEN service/virtio_net (the supervisor forwarding a client's) -> a
//       frame link channel (ftl/link.h): one Ethernet frame per WRITE,
//       each way. One link at a time (FTL_ERR_BUSY otherwise); while none
//       is open, received frames are dropped.
//   GETATTR mac -> "52:54:00:12:34:56"; transport -> legacy|modern;
//       stats -> counters.
// docs/concepts/networking.md has the whole picture.
#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/link.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/server.h>

#include "netdev.h"

struct driver {
    struct ftl_loop *loop;
    struct netdev dev;
    bool up;
    struct ftl_link *link; // to the network stack, or NULL
};

static struct driver driver;

static void format_mac(const uint8_t *mac, char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
             mac[3], mac[4], mac[5]);
}

// Attribute value into out (max bytes); length or an error.
static long attribute(const char *name, char *out, size_t max)
{
    if (!driver.up) {
        return FTL_ERR_NOT_FOUND;
    }
    if (strcmp(name, "mac") == 0) {
        char mac[18];
        format_mac(driver.dev.mac, mac);
        return snprintf(out, max, "%s", mac);
    }
    if (strcmp(name, "transport") == 0) {
        return snprintf(out, max, "%s", netdev_transport_name(&driver.dev));
    }
    if (strcmp(name, "stats") == 0) {
        const struct netdev_stats *s = &driver.dev.stats;
        return snprintf(out, max,
                        "rx_frames=%llu rx_backlogged=%llu "
                        "rx_backlog_most=%llu rx_shed_syn=%llu "
                        "tx_frames=%llu "
                        "tx_queue_full=%llu interrupts=%llu",
                        (unsigned long long)s->rx_frames,
                        (unsigned long long)s->rx_backlogged,
                        (unsigned long long)driver.dev.backlog.held_most,
                        (unsigned long long)driver.dev.backlog.shed,
                        (unsigned long long)s->tx_frames,
                        (unsigned long long)s->tx_queue_full,
                        (unsigned long long)s->interrupts);
    }
    return FTL_ERR_NOT_FOUND;
}

// Device to stack.
static int on_receive(struct netdev *dev, const void *frame, size_t len)
{
    (void)dev;
    if (driver.link == NULL) {
        return 0; // nobody listens: dropped
    }
    int err = ftl_link_send(driver.link, frame, len);
    return err == FTL_ERR_WOULD_BLOCK ? err : 0;
}

static void on_send_room(struct netdev *dev)
{
    (void)dev;
    if (driver.link != NULL) {
        ftl_link_resume(driver.link);
    }
}

static const struct netdev_ops netdev_ops = {.on_receive = on_receive,
                                             .on_send_room = on_send_room};

// Stack to device.
static int on_frame(struct ftl_link *link, const void *frame, size_t len,
                    void *arg)
{
    (void)link;
    (void)arg;
    int err = netdev_send(&driver.dev, frame, len);
    return err == FTL_ERR_WOULD_BLOCK ? err : 0; // a bad frame is dropped
}

static void on_link_ready(struct ftl_link *link, void *arg)
{
    (void)link;
    (void)arg;
    netdev_receive_resume(&driver.dev);
}

static long on_link_getattr(struct ftl_link *link, const char *name,
                            char *value, size_t max, void *arg)
{
    (void)link;
    (void)arg;
    return attribute(name, value, max);
}

static void on_link_close(struct ftl_link *link, void *arg)
{
    (void)arg;
    FTL_LOG_INFO("network stack gone; dropping frames until the next link");
    ftl_link_destroy(link);
    driver.link = NULL;
    netdev_receive_resume(&driver.dev);
}

static const struct ftl_link_ops link_ops = {.on_frame = on_frame,
                                             .on_ready = on_link_ready,
                                             .on_getattr = on_link_getattr,
                                             .on_close = on_link_close};

static void on_service_open(struct ftl_request *req, const char *name)
{
    (void)name;
    if (!driver.up) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    if (driver.link != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    ftl_handle_t ends[2];
    int err = ftl_channel_create(ends);
    if (err < 0) {
        ftl_request_fail(req, err);
        return;
    }
    driver.link = ftl_link_create(driver.loop, ends[0], &link_ops, NULL);
    if (driver.link == NULL) {
        ftl_handle_close(ends[0]);
        ftl_handle_close(ends[1]);
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    ftl_request_reply_handle(req, ends[1]);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    char value[256];
    long len = attribute(name, value, sizeof(value));
    if (len < 0) {
        ftl_request_fail(req, (int)len);
    } else {
        ftl_request_reply(req, 0, value, (size_t)len);
    }
}

static void on_device(const struct ftl_result *result, void *arg)
{
    (void)arg;
    int err = result->error;
    if (err == 0) {
        err = netdev_open(&driver.dev, driver.loop, result->handle, &netdev_ops,
                          NULL);
        if (err < 0) {
            ftl_handle_close(result->handle);
        }
    }
    if (err < 0) {
        FTL_LOG_ERROR("device: %s", ftl_error_str(err));
        ftl_loop_stop(driver.loop, 1); // no device, no driver
        return;
    }
    driver.up = true;
    char mac[18];
    format_mac(driver.dev.mac, mac);
    FTL_LOG_INFO("%s transport, mac %s", netdev_transport_name(&driver.dev),
                 mac);
}

static const struct ftl_server_ops control_ops = {
    .on_getattr = on_getattr, .on_service_open = on_service_open};

int main(void)
{
    driver.loop = ftl_loop_create();
    struct ftl_server *control =
        ftl_server_create(driver.loop, &control_ops, NULL);
    if (driver.loop == NULL || control == NULL ||
        ftl_server_serve(control, ftl_start_info->channel, NULL) < 0) {
        FTL_LOG_ERROR("cannot serve the first channel");
        return 1;
    }
    struct ftl_client *supervisor =
        ftl_server_client(control, ftl_start_info->channel);
    if (supervisor == NULL ||
        ftl_client_open(supervisor, "device/0", on_device, NULL) < 0) {
        FTL_LOG_ERROR("cannot ask for the device");
        return 1;
    }
    return ftl_loop_run(driver.loop);
}
