// UDP sockets (see udp_socket.h): lwIP's receive callback queues each
// datagram with its sender, a waiting READ takes the oldest.
#include "udp_socket.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>

#include "lwip/udp.h"

#include "resolve.h"
#include "socket.h"

struct datagram {
    struct pbuf *p;
    ip_addr_t from;
    u16_t port;
};

struct udp_socket {
    struct socket socket;
    struct udp_pcb *pcb; // NULL once a new instance took the port
    char owner[32];      // the service that opened it, "" if not known
    bool bound;          // replies go to the last sender
    ip_addr_t peer;  // where WRITE sends
    u16_t peer_port; // 0: nobody yet (bound, nothing read)
    struct datagram queue[UDP_SOCKET_QUEUE_MAX]; // a ring
    unsigned head, count;
    struct ftl_request *read;
    size_t read_len;
};

static void finish_read(struct udp_socket *s)
{
    if (s->read == NULL || s->count == 0) {
        return;
    }
    struct datagram *d = &s->queue[s->head];
    s->head = (s->head + 1) % UDP_SOCKET_QUEUE_MAX;
    s->count--;
    static uint8_t data[UDP_SOCKET_DATAGRAM_MAX];
    size_t n = d->p->tot_len;
    if (n > s->read_len) {
        n = s->read_len;
    }
    if (n > sizeof(data)) {
        n = sizeof(data);
    }
    pbuf_copy_partial(d->p, data, (u16_t)n, 0);
    pbuf_free(d->p);
    if (s->bound) {
        s->peer = d->from;
        s->peer_port = d->port;
    }
    struct ftl_request *req = s->read;
    s->read = NULL;
    ftl_request_reply_data(req, data, n);
}

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
                    const ip_addr_t *from, u16_t port)
{
    (void)pcb;
    struct udp_socket *s = arg;
    if (s->count == UDP_SOCKET_QUEUE_MAX) {
        pbuf_free(s->queue[s->head].p); // the oldest goes
        s->head = (s->head + 1) % UDP_SOCKET_QUEUE_MAX;
        s->count--;
    }
    struct datagram *d = &s->queue[(s->head + s->count) % UDP_SOCKET_QUEUE_MAX];
    d->p = p;
    d->from = *from;
    d->port = port;
    s->count++;
    finish_read(s);
}

static struct udp_socket *socket_create(void)
{
    struct udp_socket *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        return NULL;
    }
    s->socket.kind = SOCKET_UDP;
    s->pcb = udp_new();
    if (s->pcb == NULL) {
        free(s);
        return NULL;
    }
    udp_recv(s->pcb, on_recv, s);
    return s;
}

static void socket_free(struct udp_socket *s)
{
    if (s->pcb != NULL) {
        udp_remove(s->pcb);
    }
    while (s->count > 0) {
        pbuf_free(s->queue[s->head].p);
        s->head = (s->head + 1) % UDP_SOCKET_QUEUE_MAX;
        s->count--;
    }
    free(s);
}

struct connecting {
    struct ftl_request *req;
    u16_t port;
};

static void on_resolved(int error, const ip_addr_t *address, void *arg)
{
    struct connecting *c = arg;
    struct udp_socket *s = error < 0 ? NULL : socket_create();
    if (s == NULL) {
        ftl_request_fail(c->req, error < 0 ? error : FTL_ERR_NO_MEMORY);
    } else if (udp_connect(s->pcb, address, c->port) != ERR_OK) {
        socket_free(s);
        ftl_request_fail(c->req, FTL_ERR_IO);
    } else {
        s->peer = *address;
        s->peer_port = c->port;
        ftl_request_reply_channel(c->req, s);
    }
    free(c);
}

// The bound socket of ours on port, or NULL.
static struct udp_socket *bound_on(u16_t port)
{
    for (struct udp_pcb *pcb = udp_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->local_port == port && pcb->recv == on_recv) {
            struct udp_socket *s = pcb->recv_arg;
            return s->bound ? s : NULL;
        }
    }
    return NULL;
}

// A new instance of the service that holds s's port takes it: s keeps
// what it had queued, and nothing more comes to it.
static void take_over(struct udp_socket *s, u16_t port)
{
    FTL_LOG_INFO("udp port %u: a new instance of %s takes it", port,
                 s->owner);
    udp_remove(s->pcb);
    s->pcb = NULL;
    if (s->count == 0) {
        udp_socket_hangup(s); // a READ waiting would wait for good
    }
}

void udp_socket_open(struct ftl_request *req, const char *spec, bool bound,
                     const char *owner)
{
    if (bound) {
        long port = resolve_port(spec);
        struct udp_socket *s = port < 0 ? NULL : socket_create();
        if (s == NULL) {
            ftl_request_fail(req, port < 0 ? (int)port : FTL_ERR_NO_MEMORY);
            return;
        }
        snprintf(s->owner, sizeof(s->owner), "%s", owner);
        struct udp_socket *holder = bound_on((u16_t)port);
        if (holder != NULL && *owner != '\0' &&
            strcmp(holder->owner, owner) == 0) {
            take_over(holder, (u16_t)port);
        }
        if (udp_bind(s->pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK) {
            socket_free(s);
            ftl_request_fail(req, FTL_ERR_BUSY);
            return;
        }
        s->bound = true;
        ftl_request_reply_channel(req, s);
        return;
    }
    char host[256];
    uint16_t port;
    if (resolve_split(spec, host, sizeof(host), &port) < 0) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    struct connecting *c = malloc(sizeof(*c));
    if (c == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    c->req = req;
    c->port = port;
    resolve(host, on_resolved, c);
}

void udp_socket_read(struct ftl_request *req, struct udp_socket *s, size_t len)
{
    if (s->read != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    if (s->pcb == NULL && s->count == 0) {
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED); // the port went on
        return;
    }
    s->read = req;
    s->read_len = len;
    finish_read(s);
}

void udp_socket_write(struct ftl_request *req, struct udp_socket *s,
                      const void *data, size_t len)
{
    if (len > UDP_SOCKET_DATAGRAM_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return;
    }
    if (s->pcb == NULL) {
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
        return;
    }
    if (s->peer_port == 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (p == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    pbuf_take(p, data, (u16_t)len);
    err_t err = udp_sendto(s->pcb, p, &s->peer, s->peer_port);
    pbuf_free(p);
    if (err != ERR_OK) {
        ftl_request_fail(req, err == ERR_MEM ? FTL_ERR_NO_MEMORY : FTL_ERR_IO);
        return;
    }
    ftl_request_reply(req, len, NULL, 0);
}

void udp_socket_getattr(struct ftl_request *req, struct udp_socket *s,
                        const char *name)
{
    if (strcmp(name, "peer") != 0 || s->peer_port == 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    char address[16], text[32];
    ipaddr_ntoa_r(&s->peer, address, sizeof(address));
    int n = snprintf(text, sizeof(text), "%s:%u", address, s->peer_port);
    ftl_request_reply(req, 0, text, (size_t)n);
}

void udp_socket_hangup(struct udp_socket *s)
{
    if (s->read != NULL) {
        struct ftl_request *req = s->read;
        s->read = NULL;
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
    }
}

void udp_socket_close(struct udp_socket *s)
{
    socket_free(s);
}
