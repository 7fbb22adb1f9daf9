// TLS listeners (see listener.h). A listener lives while its app's channel
// is open, and after that until its last handshake in progress has ended.
#include "listener.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/tcp.h>
#include <ftl/time.h>

#include "credentials.h"
#include "limits.h"
#include "session.h"
#include "socket.h"

#define ACCEPTS_MAX 16 // waiting OPEN accept requests per listener

struct tls_listener {
    struct socket socket; // SOCKET_LISTENER
    struct ftl_loop *loop;
    uint16_t port;
    struct ftl_tcp_listener *tcp; // NULL once listening failed or ended
    int error;                    // why listening failed
    bool closed;                  // the app's channel is gone
    unsigned handshaking;
    struct session *ready, **ready_tail; // handshake done, not accepted
    unsigned ready_count;
    struct ftl_request *accepts[ACCEPTS_MAX]; // a ring
    unsigned accepts_head, accepts_count;
    // At the handshake limit with none to evict, the listener is paused
    // (ftl_tcp_listener_pause) and keeps the connection it was given.
    struct ftl_conn *parked;
    struct tls_listener *next; // in the list of ports listened on
};

static struct tls_listener *listeners;
static struct ftl_loop_timer room_timer;

static void on_tcp_accept(struct ftl_conn *conn, void *arg);

// A handshake ended or is answered (so may be evicted): paused listeners
// try their parked connection again. From the loop (a timer), not from
// inside the session code that made the room.
static void on_room(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                    void *arg)
{
    (void)loop;
    (void)timer;
    (void)arg;
    for (struct tls_listener *l = listeners; l != NULL; l = l->next) {
        struct ftl_conn *conn = l->parked;
        if (conn != NULL && l->tcp != NULL) {
            l->parked = NULL;
            ftl_tcp_listener_pause(l->tcp, false);
            on_tcp_accept(conn, l);
        }
    }
}

// Handshakes left waiting for a second are abandoned, which real clients
// do not do: someone is holding handshakes open, the connections queued in
// tcpip behind them are likely theirs too, and a new client would wait for
// all of them to be worked on. For a second after such an eviction, the
// oldest handshake makes room whatever it waits for, so that the queue
// drains at the pace connections come, not at that of key exchanges.
#define SHED_FOR_NS FTL_S
static uint64_t evicted_at; // the last eviction's time; 0: none yet

// While paused, the parked connection is tried again this often too: a
// handshake that has waited long enough for its client may then be
// evicted (session_evict_oldest), which no event announces.
#define ROOM_RETRY_NS (100 * FTL_MS)

void listener_room(struct ftl_loop *loop)
{
    ftl_loop_timer_cancel(loop, &room_timer);
    ftl_loop_timer_start(loop, &room_timer, 0, 0, on_room, NULL);
}

static void unlink_listener(struct tls_listener *listener)
{
    for (struct tls_listener **p = &listeners; *p != NULL; p = &(*p)->next) {
        if (*p == listener) {
            *p = listener->next;
            return;
        }
    }
}

static void free_if_done(struct tls_listener *listener)
{
    if (listener->closed && listener->handshaking == 0) {
        free(listener);
    }
}

static void hand_over(struct tls_listener *listener)
{
    while (listener->ready != NULL && listener->accepts_count > 0) {
        struct session *s = listener->ready;
        listener->ready = *session_next(s);
        if (listener->ready == NULL) {
            listener->ready_tail = &listener->ready;
        }
        listener->ready_count--;
        struct ftl_request *req = listener->accepts[listener->accepts_head];
        listener->accepts_head = (listener->accepts_head + 1) % ACCEPTS_MAX;
        listener->accepts_count--;
        // A failed reply closes the new channel's far end: the session is
        // then destroyed through the server's on_close.
        ftl_request_reply_channel(req, s);
    }
}

static void on_handshake(struct session *s, int error, void *owner)
{
    struct tls_listener *listener = owner;
    listener->handshaking--;
    tls_counts.handshaking--;
    listener_room(listener->loop);
    if (error == FTL_ERR_TIMED_OUT) {
        tls_counts.timed_out++;
    } else if (error == FTL_ERR_LIMIT) {
        tls_counts.evicted++;
    } else if (error < 0) {
        tls_counts.failed++;
    } else {
        tls_counts.handshakes++;
    }
    if (error < 0 || listener->closed ||
        listener->ready_count >= tls_limits.backlog) {
        session_destroy(s);
        free_if_done(listener);
        return;
    }
    *session_next(s) = NULL;
    *listener->ready_tail = s;
    listener->ready_tail = session_next(s);
    listener->ready_count++;
    hand_over(listener);
}

static void on_tcp_accept(struct ftl_conn *conn, void *arg)
{
    struct tls_listener *listener = arg;
    // Past the limit the oldest handshake waiting for its client makes
    // room, as tcpip's SYN backlog does: whoever holds handshakes open
    // cannot lock new clients out, and a real client answers within a
    // round trip.
    uint64_t now = ftl_clock_ns();
    while (tls_counts.handshaking >= tls_limits.handshakes_max &&
           session_evict_oldest(evicted_at != 0 &&
                                now - evicted_at < SHED_FOR_NS)) {
        evicted_at = now;
    }
    if (tls_counts.handshaking >= tls_limits.handshakes_max) {
        // Every one has a ClientHello waiting for its turn or is young: a
        // burst of real clients. The next ones wait in tcpip's accept
        // queue.
        listener->parked = conn;
        ftl_tcp_listener_pause(listener->tcp, true);
        if (!ftl_loop_timer_is_armed(&room_timer)) {
            ftl_loop_timer_start(listener->loop, &room_timer, ROOM_RETRY_NS,
                                 0, on_room, NULL);
        }
        return;
    }
    listener->handshaking++;
    tls_counts.handshaking++;
    if (session_accept(listener->loop, conn, credentials_server(), on_handshake,
                       listener) == NULL) {
        listener->handshaking--;
        tls_counts.handshaking--;
    }
}

static void fail_accepts(struct tls_listener *listener, int error)
{
    while (listener->accepts_count > 0) {
        struct ftl_request *req = listener->accepts[listener->accepts_head];
        listener->accepts_head = (listener->accepts_head + 1) % ACCEPTS_MAX;
        listener->accepts_count--;
        ftl_request_fail(req, error);
    }
}

static void on_tcp_error(struct ftl_tcp_listener *tcp, int error, void *arg)
{
    struct tls_listener *listener = arg;
    FTL_LOG_WARN("cannot listen on port %u: %s", listener->port,
                 ftl_error_str(error));
    ftl_tcp_listener_close(tcp);
    listener->tcp = NULL;
    if (listener->parked != NULL) {
        ftl_conn_close(listener->parked);
        listener->parked = NULL;
    }
    listener->error = error;
    fail_accepts(listener, error);
}

void listener_open(struct ftl_loop *loop, struct ftl_request *req,
                   const char *port_text)
{
    char *end;
    unsigned long port = strtoul(port_text, &end, 10);
    if (*port_text == '\0' || *end != '\0' || port == 0 || port > 65535) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    if (credentials_server() == NULL) {
        // The reason (no tls/cert.pem, a bad key...) was logged at start.
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    for (struct tls_listener *l = listeners; l != NULL; l = l->next) {
        if (l->port == port) {
            ftl_request_fail(req, FTL_ERR_BUSY);
            return;
        }
    }
    struct tls_listener *listener = calloc(1, sizeof(*listener));
    if (listener == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    listener->socket.kind = SOCKET_LISTENER;
    listener->loop = loop;
    listener->port = (uint16_t)port;
    listener->ready_tail = &listener->ready;
    listener->tcp = ftl_tcp_listener_open(listener->loop, listener->port,
                                          on_tcp_accept, on_tcp_error, listener);
    if (listener->tcp == NULL) {
        free(listener);
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    listener->next = listeners;
    listeners = listener;
    // Listening is known to have failed only later: the accepts fail then.
    ftl_request_reply_channel(req, listener);
}

void listener_accept(struct ftl_request *req, struct tls_listener *listener)
{
    if (listener->tcp == NULL) {
        ftl_request_fail(req, listener->error);
        return;
    }
    if (listener->accepts_count == ACCEPTS_MAX) {
        ftl_request_fail(req, FTL_ERR_BUSY);
        return;
    }
    unsigned tail = (listener->accepts_head + listener->accepts_count) %
                    ACCEPTS_MAX;
    listener->accepts[tail] = req;
    listener->accepts_count++;
    hand_over(listener);
}

void listener_hangup(struct tls_listener *listener)
{
    fail_accepts(listener, FTL_ERR_PEER_CLOSED);
}

void listener_close(struct tls_listener *listener)
{
    unlink_listener(listener);
    if (listener->tcp != NULL) {
        ftl_tcp_listener_close(listener->tcp);
        listener->tcp = NULL;
    }
    while (listener->ready != NULL) {
        struct session *s = listener->ready;
        listener->ready = *session_next(s);
        session_destroy(s);
    }
    if (listener->parked != NULL) {
        ftl_conn_close(listener->parked);
        listener->parked = NULL;
    }
    listener->closed = true;
    free_if_done(listener);
}
