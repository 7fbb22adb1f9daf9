// TCP connections (see connection.h). lwIP calls back into a connection
// through tcp_arg: received data is chained in `received` and handed out by
// READ, with tcp_recved opening the window only for what was read; WRITE
// puts what fits into lwIP's send buffer and keeps the rest, with its
// request, until tcp_sent makes room.
//
// Lifetimes: lwIP frees the pcb on a reset or abort (tcp_err: pcb becomes
// NULL, the connection stays for its channel); the channel's close frees
// the connection, closing the pcb first if it still has one.
#include "connection.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>

#include "lwip/tcp.h"

#include "resolve.h"
#include "socket.h"

struct connection {
    struct socket socket;
    struct tcp_pcb *pcb;   // NULL once lwIP has freed it
    struct pbuf *received; // unread data, or NULL
    bool fin;              // the peer sent FIN: no data after `received`
    int error;             // FTL_ERR_IO after a reset, else 0
    struct ftl_request *read;
    size_t read_len;
    struct ftl_request *write;
    uint8_t *write_data; // what lwIP has not taken yet (a copy)
    size_t write_len, write_done, write_total;
};

static uint8_t read_buffer[SOCKET_IO_MAX];
static unsigned open_count; // connections not freed yet

unsigned connection_count(void)
{
    return open_count;
}

// Completes the waiting READ if it can be: data, end of stream or error.
static void finish_read(struct connection *conn)
{
    if (conn->read == NULL) {
        return;
    }
    struct ftl_request *req = conn->read;
    if (conn->received != NULL) {
        size_t n = conn->received->tot_len;
        if (n > conn->read_len) {
            n = conn->read_len;
        }
        pbuf_copy_partial(conn->received, read_buffer, (u16_t)n, 0);
        conn->received = pbuf_free_header(conn->received, (u16_t)n);
        if (conn->pcb != NULL) {
            tcp_recved(conn->pcb, (u16_t)n); // the window opens by as much
        }
        conn->read = NULL;
        ftl_request_reply_data(req, read_buffer, n);
    } else if (conn->error < 0) {
        conn->read = NULL;
        ftl_request_fail(req, conn->error);
    } else if (conn->fin) {
        conn->read = NULL;
        ftl_request_reply_data(req, NULL, 0); // end of stream
    }
}

// Gives lwIP as much of the waiting WRITE as fits; replies once all is in.
static void push_write(struct connection *conn)
{
    if (conn->write == NULL) {
        return;
    }
    if (conn->error < 0 || conn->pcb == NULL) {
        struct ftl_request *req = conn->write;
        conn->write = NULL;
        free(conn->write_data);
        conn->write_data = NULL;
        ftl_request_fail(req, conn->error < 0 ? conn->error : FTL_ERR_IO);
        return;
    }
    while (conn->write_done < conn->write_len) {
        size_t n = conn->write_len - conn->write_done;
        size_t room = tcp_sndbuf(conn->pcb);
        if (n > room) {
            n = room;
        }
        if (n > 0xffff) {
            n = 0xffff;
        }
        if (n == 0 || tcp_write(conn->pcb, conn->write_data + conn->write_done,
                                (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
            break; // no room (bytes or segments): tcp_sent comes back
        }
        conn->write_done += n;
    }
    tcp_output(conn->pcb);
    if (conn->write_done == conn->write_len) {
        struct ftl_request *req = conn->write;
        conn->write = NULL;
        free(conn->write_data);
        conn->write_data = NULL;
        ftl_request_reply(req, conn->write_total, NULL, 0);
    }
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)pcb;
    (void)err;
    struct connection *conn = arg;
    if (p == NULL) {
        conn->fin = true;
    } else if (conn->received == NULL) {
        conn->received = p;
    } else {
        pbuf_cat(conn->received, p);
    }
    finish_read(conn);
    return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    push_write(arg);
    return ERR_OK;
}

// The pcb is gone (reset by the peer, aborted, or out of retries).
static void on_error(void *arg, err_t err)
{
    struct connection *conn = arg;
    (void)err;
    conn->pcb = NULL;
    conn->error = FTL_ERR_IO;
    if (conn->received != NULL) {
        pbuf_free(conn->received);
        conn->received = NULL;
    }
    finish_read(conn);
    push_write(conn);
}

struct connection *connection_create(struct tcp_pcb *pcb)
{
    struct connection *conn = calloc(1, sizeof(*conn));
    if (conn == NULL) {
        return NULL;
    }
    open_count++;
    conn->socket.kind = SOCKET_CONNECTION;
    conn->pcb = pcb;
    tcp_arg(pcb, conn);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_error);
    tcp_nagle_disable(pcb); // requests and replies, not bulk: no delay
    return conn;
}

// Detaches from the pcb and frees everything but the pcb.
static void release(struct connection *conn)
{
    if (conn->pcb != NULL) {
        tcp_arg(conn->pcb, NULL);
        tcp_recv(conn->pcb, NULL);
        tcp_sent(conn->pcb, NULL);
        tcp_err(conn->pcb, NULL);
    }
    if (conn->received != NULL) {
        // Acknowledge unread data: lwIP resets a connection closed with
        // data still unacknowledged in its window.
        if (conn->pcb != NULL) {
            tcp_recved(conn->pcb, conn->received->tot_len);
        }
        pbuf_free(conn->received);
    }
    free(conn->write_data);
    free(conn);
    open_count--;
}

void connection_discard(struct connection *conn)
{
    struct tcp_pcb *pcb = conn->pcb;
    release(conn);
    if (pcb != NULL) {
        tcp_abort(pcb);
    }
}

void connection_close(struct connection *conn)
{
    struct tcp_pcb *pcb = conn->pcb;
    release(conn);
    if (pcb != NULL && tcp_close(pcb) != ERR_OK) {
        tcp_abort(pcb); // out of memory for the FIN
    }
}

void connection_hangup(struct connection *conn)
{
    if (conn->read != NULL) {
        struct ftl_request *req = conn->read;
        conn->read = NULL;
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
    }
    if (conn->write != NULL) {
        struct ftl_request *req = conn->write;
        conn->write = NULL;
        free(conn->write_data);
        conn->write_data = NULL;
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
    }
}

void connection_read(struct ftl_request *req, struct connection *conn,
                     size_t len)
{
    if (conn->read != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    conn->read = req;
    conn->read_len = len < SOCKET_IO_MAX ? len : SOCKET_IO_MAX;
    finish_read(conn);
}

void connection_write(struct ftl_request *req, struct connection *conn,
                      const void *data, size_t len)
{
    if (conn->write != NULL) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    if (len > SOCKET_IO_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return;
    }
    conn->write_data = malloc(len > 0 ? len : 1);
    if (conn->write_data == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    memcpy(conn->write_data, data, len);
    conn->write = req;
    conn->write_len = conn->write_total = len;
    conn->write_done = 0;
    push_write(conn);
}

void connection_getattr(struct ftl_request *req, struct connection *conn,
                        const char *name)
{
    if (conn->pcb == NULL) {
        ftl_request_fail(req, FTL_ERR_IO);
        return;
    }
    bool peer = strcmp(name, "peer") == 0;
    if (!peer && strcmp(name, "local") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    char address[16], text[32];
    ipaddr_ntoa_r(peer ? &conn->pcb->remote_ip : &conn->pcb->local_ip, address,
                  sizeof(address));
    int n = snprintf(text, sizeof(text), "%s:%u", address,
                     peer ? conn->pcb->remote_port : conn->pcb->local_port);
    ftl_request_reply(req, 0, text, (size_t)n);
}

void connection_setattr(struct ftl_request *req, struct connection *conn,
                        const char *name, const char *value)
{
    if (strcmp(name, "shutdown") != 0 || strcmp(value, "write") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    if (conn->pcb == NULL || tcp_shutdown(conn->pcb, 0, 1) != ERR_OK) {
        ftl_request_fail(req, FTL_ERR_IO);
        return;
    }
    ftl_request_reply(req, 0, NULL, 0);
}

// OPEN tcp:HOST:PORT: resolving, then connecting, then the reply.
struct connecting {
    struct ftl_request *req;
    u16_t port;
};

static void connect_failed(void *arg, err_t err)
{
    (void)err;
    struct connecting *c = arg;
    ftl_request_fail(c->req, FTL_ERR_IO); // refused, or no answer
    free(c);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct connecting *c = arg;
    (void)err;
    struct connection *conn = connection_create(pcb);
    if (conn == NULL) {
        tcp_arg(pcb, NULL);
        tcp_err(pcb, NULL);
        tcp_abort(pcb);
        ftl_request_fail(c->req, FTL_ERR_NO_MEMORY);
        free(c);
        return ERR_ABRT;
    }
    ftl_request_reply_channel(c->req, conn);
    free(c);
    return ERR_OK;
}

static void on_resolved(int error, const ip_addr_t *address, void *arg)
{
    struct connecting *c = arg;
    struct tcp_pcb *pcb = error < 0 ? NULL : tcp_new();
    if (pcb == NULL) {
        ftl_request_fail(c->req, error < 0 ? error : FTL_ERR_NO_MEMORY);
        free(c);
        return;
    }
    tcp_arg(pcb, c);
    tcp_err(pcb, connect_failed);
    if (tcp_connect(pcb, address, c->port, on_connected) != ERR_OK) {
        tcp_abort(pcb); // calls connect_failed
    }
}

void connection_connect(struct ftl_request *req, const char *host_port)
{
    char host[256];
    uint16_t port;
    if (resolve_split(host_port, host, sizeof(host), &port) < 0) {
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
