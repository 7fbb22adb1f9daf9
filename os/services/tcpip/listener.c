// TCP listeners (see listener.h): lwIP's accept callback turns each new
// pcb into a connection at once (so data arriving before the app accepts
// is kept by the connection, within the TCP window), then pairs it with
// the oldest waiting accept, or queues it. Half-open connections are
// bounded by halfopen.h, queued ones by TCP_ACCEPT_BACKLOG and all of them
// by TCP_MAX_CONNECTIONS (limits.h).
#include "listener.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>

#include "lwip/tcp.h"

#include "connection.h"
#include "halfopen.h"
#include "limits.h"
#include "refusals.h"
#include "socket.h"

struct listener {
    struct socket socket;
    struct tcp_pcb *pcb;
    struct halfopen_queue halfopen;
    struct connection **ready; // a ring of ready_size
    unsigned ready_size, ready_head, ready_count;
    struct ftl_request *accepts[LISTENER_ACCEPTS_MAX]; // a ring
    unsigned accepts_head, accepts_count;
};

static void hand_over(struct listener *listener)
{
    while (listener->ready_count > 0 && listener->accepts_count > 0) {
        struct connection *conn = listener->ready[listener->ready_head];
        listener->ready_head = (listener->ready_head + 1) % listener->ready_size;
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
    halfopen_established(pcb);
    struct connection *conn = NULL;
    if (listener->ready_count == listener->ready_size) {
        refusals_count(REFUSED_BACKLOG);
    } else if (connection_count() >= tcp_limits.max_connections) {
        refusals_count(REFUSED_CONNECTIONS);
    } else if ((conn = connection_create(pcb)) == NULL) {
        refusals_count(REFUSED_MEMORY);
    }
    if (conn == NULL) {
        tcp_abort(pcb); // refused with a reset, never left hanging
        return ERR_ABRT;
    }
    unsigned tail =
        (listener->ready_head + listener->ready_count) % listener->ready_size;
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
    struct connection **ready =
        calloc(tcp_limits.accept_backlog, sizeof(*ready));
    struct tcp_pcb *pcb = tcp_new();
    if (listener == NULL || ready == NULL || pcb == NULL) {
        free(listener);
        free(ready);
        if (pcb != NULL) {
            tcp_abort(pcb);
        }
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    listener->socket.kind = SOCKET_LISTENER;
    listener->ready = ready;
    listener->ready_size = tcp_limits.accept_backlog;
    ip_set_option(pcb, SOF_REUSEADDR); // a restarted app listens again
    if (tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK) {
        tcp_abort(pcb);
        free(ready);
        free(listener);
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    halfopen_watch(pcb, &listener->halfopen, tcp_limits.syn_backlog);
    // With SO_REUSE the bind above passes a port another listener holds;
    // tcp_listen is what refuses it then (ERR_USE).
    err_t err;
    listener->pcb =
        tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG, &err);
    if (listener->pcb == NULL) {
        tcp_abort(pcb);
        free(ready);
        free(listener);
        ftl_request_fail(req,
                         err == ERR_USE ? FTL_ERR_BUSY : FTL_ERR_NO_MEMORY);
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
        listener->ready_head = (listener->ready_head + 1) % listener->ready_size;
        listener->ready_count--;
    }
    halfopen_abort_all(&listener->halfopen);
    tcp_arg(listener->pcb, NULL);
    tcp_accept(listener->pcb, NULL);
    tcp_close(listener->pcb);
    free(listener->ready);
    free(listener);
}
