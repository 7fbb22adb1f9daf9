// TCP listeners (see listener.h): lwIP's accept callback turns each new
// pcb into a connection at once (so data arriving before the app accepts
// is kept by the connection, within the TCP window), then pairs it with
// the oldest waiting accept, or queues it.
#include "listener.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>

#include "lwip/tcp.h"

#include "connection.h"
#include "socket.h"

struct listener {
    struct socket socket;
    struct tcp_pcb *pcb;
    struct connection *ready[LISTENER_BACKLOG]; // a ring
    unsigned ready_head, ready_count;
    struct ftl_request *accepts[LISTENER_ACCEPTS_MAX]; // a ring
    unsigned accepts_head, accepts_count;
};

static void hand_over(struct listener *listener)
{
    while (listener->ready_count > 0 && listener->accepts_count > 0) {
        struct connection *conn = listener->ready[listener->ready_head];
        listener->ready_head = (listener->ready_head + 1) % LISTENER_BACKLOG;
        listener->ready_count--;
        struct ftl_request *req = listener->accepts[listener->accepts_head];
        listener->accepts_head =
            (listener->accepts_head + 1) % LISTENER_ACCEPTS_MAX;
        listener->accepts_count--;
        // A failed reply closes the new channel's far end: the connection
        // is then closed through the server's on_close.
        ftl_request_reply_channel(req, conn);
    }
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct listener *listener = arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    struct connection *conn = NULL;
    if (listener->ready_count < LISTENER_BACKLOG) {
        conn = connection_create(pcb);
    }
    if (conn == NULL) {
        tcp_abort(pcb); // backlog full: refuse with a reset
        return ERR_ABRT;
    }
    unsigned tail =
        (listener->ready_head + listener->ready_count) % LISTENER_BACKLOG;
    listener->ready[tail] = conn;
    listener->ready_count++;
    hand_over(listener);
    return ERR_OK;
}

void listener_open(struct ftl_request *req, const char *port_text)
{
    char *end;
    unsigned long port = strtoul(port_text, &end, 10);
    if (*port_text == '\0' || *end != '\0' || port == 0 || port > 65535) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    struct listener *listener = calloc(1, sizeof(*listener));
    struct tcp_pcb *pcb = tcp_new();
    if (listener == NULL || pcb == NULL) {
        free(listener);
        if (pcb != NULL) {
            tcp_abort(pcb);
        }
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    listener->socket.kind = SOCKET_LISTENER;
    ip_set_option(pcb, SOF_REUSEADDR); // a restarted app listens again
    if (tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK) {
        tcp_abort(pcb);
        free(listener);
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    // lwIP's backlog counts half-open connections: as many as it can.
    listener->pcb = tcp_listen_with_backlog(pcb, 0xff);
    if (listener->pcb == NULL) {
        tcp_abort(pcb);
        free(listener);
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    tcp_arg(listener->pcb, listener);
    tcp_accept(listener->pcb, on_accept);
    FTL_LOG_INFO("listening on port %lu", port);
    // If the reply fails, the channel's far end closes and on_close frees
    // the listener.
    ftl_request_reply_channel(req, listener);
}

void listener_accept(struct ftl_request *req, struct listener *listener)
{
    if (listener->accepts_count == LISTENER_ACCEPTS_MAX) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    unsigned tail = (listener->accepts_head + listener->accepts_count) %
                    LISTENER_ACCEPTS_MAX;
    listener->accepts[tail] = req;
    listener->accepts_count++;
    hand_over(listener);
}

void listener_hangup(struct listener *listener)
{
    while (listener->accepts_count > 0) {
        struct ftl_request *req = listener->accepts[listener->accepts_head];
        listener->accepts_head =
            (listener->accepts_head + 1) % LISTENER_ACCEPTS_MAX;
        listener->accepts_count--;
        ftl_request_fail(req, FTL_ERR_PEER_CLOSED);
    }
}

void listener_close(struct listener *listener)
{
    listener_hangup(listener);
    while (listener->ready_count > 0) {
        connection_discard(listener->ready[listener->ready_head]);
        listener->ready_head = (listener->ready_head + 1) % LISTENER_BACKLOG;
        listener->ready_count--;
    }
    tcp_arg(listener->pcb, NULL);
    tcp_accept(listener->pcb, NULL);
    tcp_close(listener->pcb);
    free(listener);
}
