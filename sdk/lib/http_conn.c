// The transport of an HTTP session over struct ftl_conn (ftl/tcp.h): reads
// of at most FTL_MSG_BODY_MAX bytes, which hold no buffer while they wait,
// one timer per connection for the idle and request time-outs, and the
// listeners. The protocol itself is http_server.c's.
//
// A client that sends requests but does not read the answers would make
// the answers pile up in the connection's write queue: the next read (so
// the next request) waits until fewer than HTTP_CONN_UNSENT_MAX bytes are
// unsent, and a client that takes longer than the request time-out to
// read them is dropped.
#include "http_internal.h"

#include <stdlib.h>

#include <ftl/drain.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/message.h>
#include <ftl/tls.h>

#define HTTP_CONN_UNSENT_MAX (64 * 1024)

struct http_conn {
    struct ftl_http_app *app;
    struct ftl_conn *conn;
    struct http_session *session;
    struct ftl_loop_timer timer;
    bool timing_request; // the timer is the request's, not the idle one
    bool read_waits;     // for the write queue to drain
    bool read_in_request;
};

static void conn_read(void *t, bool in_request);

static void conn_on_timer(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                          void *arg)
{
    (void)loop;
    (void)timer;
    struct http_conn *c = arg;
    http_session_timeout(c->session);
}

static void conn_on_read(struct ftl_conn *conn, const void *data, long len,
                         void *arg)
{
    (void)conn;
    struct http_conn *c = arg;
    http_session_input(c->session, data, len);
}

static void conn_on_written(struct ftl_conn *conn, int error, void *arg)
{
    (void)conn;
    (void)error; // a broken connection ends the pending read
    struct http_conn *c = arg;
    if (c->read_waits && ftl_conn_pending(c->conn) < HTTP_CONN_UNSENT_MAX) {
        c->read_waits = false;
        conn_read(c, c->read_in_request);
    }
}

// The request time-out runs from a request's first byte to its end, not
// per read, so a client that trickles bytes cannot hold a connection.
static void conn_read(void *t, bool in_request)
{
    struct http_conn *c = t;
    if (ftl_conn_pending(c->conn) >= HTTP_CONN_UNSENT_MAX) {
        ftl_loop_timer_start(c->app->loop, &c->timer, c->app->limits.request_ns,
                             0, conn_on_timer, c);
        c->timing_request = false;
        c->read_waits = true;
        c->read_in_request = in_request;
        return;
    }
    if (!in_request || !c->timing_request) {
        uint64_t ns =
            in_request ? c->app->limits.request_ns : c->app->limits.idle_ns;
        ftl_loop_timer_start(c->app->loop, &c->timer, ns, 0, conn_on_timer, c);
        c->timing_request = in_request;
    }
    int err = ftl_conn_read(c->conn, FTL_MSG_BODY_MAX, conn_on_read, c);
    if (err < 0) {
        http_session_input(c->session, NULL, err);
    }
}

static void conn_hold(void *t)
{
    struct http_conn *c = t;
    ftl_loop_timer_cancel(c->app->loop, &c->timer);
    c->timing_request = false;
}

static int conn_write(void *t, const void *data, size_t len)
{
    struct http_conn *c = t;
    return ftl_conn_write(c->conn, data, len, conn_on_written, c);
}

static void conn_rearm(void *t)
{
    struct http_conn *c = t;
    if (!c->timing_request && !c->read_waits) {
        ftl_loop_timer_start(c->app->loop, &c->timer, c->app->limits.idle_ns,
                             0, conn_on_timer, c);
    }
}

static void conn_close(void *t)
{
    struct http_conn *c = t;
    ftl_loop_timer_cancel(c->app->loop, &c->timer);
    ftl_conn_close(c->conn);
    free(c);
}

static const struct http_transport conn_transport = {
    .read = conn_read,
    .hold = conn_hold,
    .write = conn_write,
    .close = conn_close,
    .rearm = conn_rearm,
};

void ftl_http_serve_conn(struct ftl_http_app *app, struct ftl_conn *conn)
{
    struct http_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        ftl_conn_close(conn);
        return;
    }
    c->app = app;
    c->conn = conn;
    c->session = http_session_create(app, &conn_transport, c);
    if (!c->session) {
        conn_close(c);
        return;
    }
    http_session_start(c->session);
}

static void on_accept(struct ftl_conn *conn, void *arg)
{
    ftl_http_serve_conn(arg, conn);
}

// The app cannot serve without its port: the program ends, and its
// supervisor restarts it (as ftl_tcp_listen does).
static void on_listen_error(struct ftl_tcp_listener *listener, int error,
                            void *arg)
{
    (void)listener;
    struct ftl_http_app *app = arg;
    FTL_LOG_ERROR("cannot listen: %s", ftl_error_str(error));
    ftl_loop_stop(app->loop, 1);
}

static void on_drained(struct ftl_http_app *app)
{
    FTL_LOG_INFO("drained: every connection has ended");
    ftl_loop_stop(app->loop, 0);
}

// The supervisor asks for the end (ftl/drain.h): the ports go first (the
// new instance has them already), then the connections, as each ends.
static void on_drain(void *arg)
{
    struct ftl_http_app *app = arg;
    FTL_LOG_INFO("draining: %lu open connections",
                 (unsigned long)app->stats.connections);
    for (unsigned i = 0; i < app->listener_count; i++) {
        ftl_tcp_listener_close(app->listeners[i]);
    }
    app->listener_count = 0;
    app->drained = on_drained;
    http_app_drain(app);
}

static void unlisten(struct ftl_http_app *app)
{
    for (unsigned i = 0; i < app->listener_count; i++) {
        ftl_tcp_listener_close(app->listeners[i]);
    }
    app->listener_count = 0;
    ftl_drain_cancel(on_drain, app);
}

static int listen_with(struct ftl_http_app *app,
                       struct ftl_tcp_listener *(*open)(
                           struct ftl_loop *, uint16_t, ftl_tcp_accept_fn,
                           ftl_tcp_listen_error_fn, void *),
                       uint16_t port)
{
    if (app->listener_count == HTTP_LISTENERS_MAX) {
        return FTL_ERR_LIMIT;
    }
    if (app->unlisten == NULL) {
        if (ftl_on_drain(on_drain, app) < 0) {
            return FTL_ERR_LIMIT;
        }
        app->unlisten = unlisten;
    }
    struct ftl_tcp_listener *listener =
        open(app->loop, port, on_accept, on_listen_error, app);
    if (listener == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    app->listeners[app->listener_count++] = listener;
    return 0;
}

int ftl_http_listen(struct ftl_http_app *app, uint16_t port)
{
    return listen_with(app, ftl_tcp_listener_open, port);
}

int ftl_http_listen_tls(struct ftl_http_app *app, uint16_t port)
{
    return listen_with(app, ftl_tls_listener_open, port);
}
