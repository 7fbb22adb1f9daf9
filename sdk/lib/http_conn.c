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

int ftl_http_listen(struct ftl_http_app *app, uint16_t port)
{
    return ftl_tcp_listen(app->loop, port, on_accept, app);
}

int ftl_http_listen_tls(struct ftl_http_app *app, uint16_t port)
{
    return ftl_tls_listen(app->loop, port, on_accept, app);
}
