// TCP listeners (see listener.h): lwIP's accept callback turns each new
// pcb into a connection at once (so data arriving before the app accepts
// is kept by the connection, within the TCP window), then pairs it with
// the oldest waiting accept of the port's newest listener, or queues it.
// Half-open connections are bounded by halfopen.h, queued ones by
// TCP_ACCEPT_BACKLOG and all of them by TCP_MAX_CONNECTIONS (limits.h).
//
// A port is one lwIP listening pcb and its queues; the listeners (channels)
// on it are its members. Only new instances of the service that listens
// first may join, and the newest member takes every new connection, so
// that while the supervisor replaces a service (docs/concepts/specs.md,
// "replacing without a gap") the old instance finishes what it has and the
// new one gets the rest; connections queued when a member leaves stay for
// the next one.
#include "listener.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/manifest.h>

#include "lwip/tcp.h"

#include "connection.h"
#include "halfopen.h"
#include "limits.h"
#include "refusals.h"
#include "socket.h"

struct port {
    struct port *next;
    u16_t number;
    char owner[FTL_MANIFEST_NAME_MAX + 1]; // "" (not shared) or a service
    struct tcp_pcb *pcb;
    struct halfopen_queue halfopen;
    struct connection **ready; // a ring of ready_size
    unsigned ready_size, ready_head, ready_count;
    struct listener *members; // newest first
};

struct listener {
    struct socket socket;
    struct port *port;
    struct listener *next_member;
    struct ftl_request *accepts[LISTENER_ACCEPTS_MAX]; // a ring
    unsigned accepts_head, accepts_count;
};

static struct port *ports;

// The newest member takes the queued connections, as long as it has
// accepts waiting; older members get none (they are on their way out).
static void hand_over(struct port *port)
{
    struct listener *listener = port->members;
    while (listener != NULL && port->ready_count > 0 &&
           listener->accepts_count > 0) {
        struct connection *conn = port->ready[port->ready_head];
        port->ready_head = (port->ready_head + 1) % port->ready_size;
        port->ready_count--;
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
    struct port *port = arg;
    if (err != ERR_OK || pcb == NULL) {
        return ERR_VAL;
    }
    halfopen_established(pcb);
    struct connection *conn = NULL;
    if (port->ready_count == port->ready_size) {
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
    unsigned tail = (port->ready_head + port->ready_count) % port->ready_size;
    port->ready[tail] = conn;
    port->ready_count++;
    hand_over(port);
    return ERR_OK;
}

static struct port *port_find(unsigned long number)
{
    for (struct port *p = ports; p != NULL; p = p->next) {
        if (p->number == number) {
            return p;
        }
    }
    return NULL;
}

static void port_free(struct port *port)
{
    if (port->pcb != NULL) {
        tcp_abort(port->pcb);
    }
    free(port->ready);
    free(port);
}

// Listens on number for owner: the port, or NULL with *error set.
static struct port *port_open(unsigned long number, const char *owner,
                              int *error)
{
    struct port *port = calloc(1, sizeof(*port));
    struct tcp_pcb *pcb = tcp_new();
    *error = FTL_ERR_NO_MEMORY;
    if (port == NULL || pcb == NULL) {
        free(port);
        if (pcb != NULL) {
            tcp_abort(pcb);
        }
        return NULL;
    }
    port->number = (u16_t)number;
    snprintf(port->owner, sizeof(port->owner), "%s", owner);
    port->ready_size = tcp_limits.accept_backlog;
    port->ready = calloc(port->ready_size, sizeof(*port->ready));
    port->pcb = pcb;
    if (port->ready == NULL) {
        port_free(port);
        return NULL;
    }
    ip_set_option(pcb, SOF_REUSEADDR); // a restarted app listens again
    if (tcp_bind(pcb, IP_ANY_TYPE, (u16_t)number) != ERR_OK) {
        *error = FTL_ERR_BUSY;
        port_free(port);
        return NULL;
    }
    halfopen_watch(pcb, &port->halfopen, tcp_limits.syn_backlog);
    // With SO_REUSE the bind above passes a port another listener holds;
    // tcp_listen is what refuses it then (ERR_USE).
    err_t err;
    struct tcp_pcb *listening =
        tcp_listen_with_backlog_and_err(pcb, TCP_DEFAULT_LISTEN_BACKLOG, &err);
    if (listening == NULL) {
        *error = err == ERR_USE ? FTL_ERR_BUSY : FTL_ERR_NO_MEMORY;
        port_free(port);
        return NULL;
    }
    port->pcb = listening; // lwIP freed pcb
    tcp_arg(port->pcb, port);
    tcp_accept(port->pcb, on_accept);
    port->next = ports;
    ports = port;
    return port;
}

static void port_close(struct port *port)
{
    for (struct port **p = &ports; *p != NULL; p = &(*p)->next) {
        if (*p == port) {
            *p = port->next;
            break;
        }
    }
    while (port->ready_count > 0) {
        connection_discard(port->ready[port->ready_head]);
        port->ready_head = (port->ready_head + 1) % port->ready_size;
        port->ready_count--;
    }
    halfopen_abort_all(&port->halfopen);
    tcp_arg(port->pcb, NULL);
    tcp_accept(port->pcb, NULL);
    tcp_close(port->pcb);
    port->pcb = NULL;
    port_free(port);
}

void listener_open(struct ftl_request *req, const char *port_text,
                   const char *owner)
{
    char *end;
    unsigned long number = strtoul(port_text, &end, 10);
    if (*port_text == '\0' || *end != '\0' || number == 0 || number > 65535) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    struct listener *listener = calloc(1, sizeof(*listener));
    if (listener == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    struct port *port = port_find(number);
    if (port != NULL && (*owner == '\0' || strcmp(port->owner, owner) != 0)) {
        free(listener);
        ftl_request_fail(req, FTL_ERR_BUSY); // another service's port
        return;
    }
    if (port != NULL) {
        FTL_LOG_INFO("port %lu: a new instance of %s listens; new "
                     "connections go to it",
                     number, owner);
    } else {
        int error;
        port = port_open(number, owner, &error);
        if (port == NULL) {
            free(listener);
            ftl_request_fail(req, error);
            return;
        }
        FTL_LOG_INFO("listening on port %lu", number);
    }
    listener->socket.kind = SOCKET_LISTENER;
    listener->port = port;
    listener->next_member = port->members;
    port->members = listener;
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
    hand_over(listener->port);
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
    struct port *port = listener->port;
    for (struct listener **m = &port->members; *m != NULL;
         m = &(*m)->next_member) {
        if (*m == listener) {
            *m = listener->next_member;
            break;
        }
    }
    free(listener);
    if (port->members == NULL) {
        port_close(port);
    } else {
        hand_over(port); // what was queued goes to the one left
    }
}
