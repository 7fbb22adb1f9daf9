// tcpip: the TCP/IP stack (lwIP, NO_SYS, raw API) as a nanoservice.
//
// At start it opens service/virtio_net through its supervisor: a frame
// link to the driver (ftl/link.h), on which the network interface takes its
// address by DHCP, or statically from NET_ADDRESS ("10.0.2.15/24"),
// NET_GATEWAY and NET_DNS in the environment. Its first channel is served
// with:
//   OPEN service/tcpip (the supervisor forwarding an app's) -> a service
//       channel for the app.
//   GETATTR address -> the interface's configuration.
//   GETATTR stats -> open connections and refusals (refusals.h).
// A service channel is served with OPEN tcp-listen:PORT, OPEN
// tcp:HOST:PORT (listener.h, connection.h), OPEN udp:HOST:PORT and OPEN
// udp-bind:PORT (udp_socket.h), GETATTR resolve:HOST, address and stats.
// Its limits come from the environment (limits.h). Programs of the system
// reach each other's listeners at 127.0.0.1 (loopback.h).
// docs/concepts/networking.md has the whole picture.
//
// lwIP's timers run from one loop timer; everything else happens in
// callbacks of the loop, so lwIP is only ever entered from one thread.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/loop.h>
#include <ftl/process.h>
#include <ftl/server.h>
#include <ftl/time.h>

#include "lwip/init.h"
#include "lwip/ip_addr.h"
#include "lwip/timeouts.h"

#include "addrwait.h"
#include "connection.h"
#include "limits.h"
#include "listener.h"
#include "loopback.h"
#include "netif.h"
#include "refusals.h"
#include "resolve.h"
#include "socket.h"
#include "udp_socket.h"

#define TIMER_PERIOD_NS (50 * FTL_MS)

static struct ftl_loop *loop;
static struct socket control = {SOCKET_CONTROL};

// lwIP's clock (sys.h): milliseconds, wrapping.
u32_t sys_now(void)
{
    return (u32_t)(ftl_clock_ns() / FTL_MS);
}

static void on_lwip_timer(struct ftl_loop *l, struct ftl_loop_timer *timer,
                          void *arg)
{
    (void)l;
    (void)timer;
    (void)arg;
    sys_check_timeouts();
}

static void on_resolved(int error, const ip_addr_t *address, void *arg)
{
    struct ftl_request *req = arg;
    if (error < 0) {
        ftl_request_fail(req, error);
        return;
    }
    char text[16];
    ipaddr_ntoa_r(address, text, sizeof(text));
    ftl_request_reply(req, 0, text, strlen(text));
}

// OPEN of sockets, on control and service channels alike (owner: the
// app's name, "" on the control channel); false if path names no socket.
static bool open_socket(struct ftl_request *req, const char *path,
                        const char *owner)
{
    if (strncmp(path, "tcp-listen:", 11) == 0) {
        listener_open(req, path + 11, owner);
    } else if (strncmp(path, "tcp:", 4) == 0) {
        connection_connect(req, path + 4);
    } else if (strncmp(path, "udp:", 4) == 0) {
        udp_socket_open(req, path + 4, false, owner);
    } else if (strncmp(path, "udp-bind:", 9) == 0) {
        udp_socket_open(req, path + 9, true, owner);
    } else {
        return false;
    }
    return true;
}

static void on_open(struct ftl_request *req, const char *path)
{
    struct socket *socket = ftl_request_context(req);
    switch (socket->kind) {
    case SOCKET_CONTROL:
    case SOCKET_SERVICE:
        if (!open_socket(req, path,
                         socket->kind == SOCKET_SERVICE
                             ? ((struct service_socket *)socket)->owner
                             : "")) {
            ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        }
        return;
    case SOCKET_LISTENER:
        listener_accept(req, (struct listener *)socket);
        return;
    default:
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    }
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    (void)offset; // a stream has no offsets
    struct socket *socket = ftl_request_context(req);
    if (socket->kind == SOCKET_CONNECTION) {
        connection_read(req, (struct connection *)socket, len);
    } else if (socket->kind == SOCKET_UDP) {
        udp_socket_read(req, (struct udp_socket *)socket, len);
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    }
}

static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    (void)offset;
    struct socket *socket = ftl_request_context(req);
    if (socket->kind == SOCKET_CONNECTION) {
        connection_write(req, (struct connection *)socket, data, len);
    } else if (socket->kind == SOCKET_UDP) {
        udp_socket_write(req, (struct udp_socket *)socket, data, len);
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    }
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    struct socket *socket = ftl_request_context(req);
    if (socket->kind == SOCKET_CONNECTION) {
        connection_getattr(req, (struct connection *)socket, name);
    } else if (socket->kind == SOCKET_UDP) {
        udp_socket_getattr(req, (struct udp_socket *)socket, name);
    } else if (socket->kind != SOCKET_CONTROL &&
               socket->kind != SOCKET_SERVICE) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    } else if (strncmp(name, "resolve:", 8) == 0) {
        resolve(name + 8, on_resolved, req);
    } else if (strcmp(name, "address") == 0) {
        char text[256];
        size_t len = netif_describe(text, sizeof(text));
        ftl_request_reply(req, netif_is_ready(), text, len);
    } else if (strcmp(name, "stats") == 0) {
        char text[256];
        size_t len = refusals_describe(text, sizeof(text));
        ftl_request_reply(req, 0, text, len);
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
    }
}

static void on_setattr(struct ftl_request *req, const char *name,
                       const char *value)
{
    struct socket *socket = ftl_request_context(req);
    if (socket->kind == SOCKET_CONNECTION) {
        connection_setattr(req, (struct connection *)socket, name, value);
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
    }
}

// An app's channel, which the supervisor asked for on the app's behalf.
static void on_service_open(struct ftl_request *req, const char *name)
{
    (void)name;
    struct service_socket *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    s->socket.kind = SOCKET_SERVICE;
    const char *owner = ftl_service_opener();
    snprintf(s->owner, sizeof(s->owner), "%s", owner != NULL ? owner : "");
    // If the reply fails, on_close frees it.
    ftl_request_reply_channel(req, s);
}

static void on_link(const struct ftl_result *result, void *arg)
{
    (void)arg;
    int err = result->error;
    if (err == 0) {
        struct netif_config config = {.address = getenv("NET_ADDRESS"),
                                      .gateway = getenv("NET_GATEWAY"),
                                      .dns = getenv("NET_DNS")};
        err = netif_attach(loop, result->handle, &config);
    }
    if (err < 0) {
        FTL_LOG_ERROR("no link to virtio_net: %s", ftl_error_str(err));
        ftl_loop_stop(loop, 1);
    }
}

static void on_hangup(struct ftl_server *server, void *context)
{
    (void)server;
    struct socket *socket = context;
    if (socket->kind == SOCKET_CONNECTION) {
        connection_hangup((struct connection *)socket);
    } else if (socket->kind == SOCKET_LISTENER) {
        listener_hangup((struct listener *)socket);
    } else if (socket->kind == SOCKET_UDP) {
        udp_socket_hangup((struct udp_socket *)socket);
    }
}

static void on_close(struct ftl_server *server, void *context)
{
    (void)server;
    struct socket *socket = context;
    if (socket->kind == SOCKET_CONNECTION) {
        connection_close((struct connection *)socket);
    } else if (socket->kind == SOCKET_LISTENER) {
        listener_close((struct listener *)socket);
    } else if (socket->kind == SOCKET_UDP) {
        udp_socket_close((struct udp_socket *)socket);
    } else if (socket->kind == SOCKET_SERVICE) {
        free(socket);
    }
}

static const struct ftl_server_ops ops = {.on_open = on_open,
                                          .on_read = on_read,
                                          .on_write = on_write,
                                          .on_getattr = on_getattr,
                                          .on_setattr = on_setattr,
                                          .on_hangup = on_hangup,
                                          .on_close = on_close,
                                          .on_service_open = on_service_open};

int main(void)
{
    srand((unsigned)ftl_clock_ns()); // lwIP's ports and sequence numbers
    tcp_limits_load();
    lwip_init();
    loop = ftl_loop_create();
    addrwait_init(loop);
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    if (loop == NULL || server == NULL || loopback_init(loop) < 0 ||
        ftl_server_serve(server, ftl_start_info->channel, &control) < 0) {
        FTL_LOG_ERROR("cannot serve the first channel");
        return 1;
    }
    struct ftl_client *supervisor =
        ftl_server_client(server, ftl_start_info->channel);
    if (supervisor == NULL ||
        ftl_client_open(supervisor, "service/virtio_net", on_link, NULL) < 0) {
        FTL_LOG_ERROR("cannot ask for virtio_net");
        return 1;
    }
    static struct ftl_loop_timer timer;
    ftl_loop_timer_start(loop, &timer, TIMER_PERIOD_NS, TIMER_PERIOD_NS,
                         on_lwip_timer, NULL);
    return ftl_loop_run(loop);
}
