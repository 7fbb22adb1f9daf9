// The transport of an HTTP client call over struct ftl_conn: connects
// with ftl_tcp_connect or, for https://, ftl_tls_connect, then writes the
// request and reads the response in pieces of at most FTL_MSG_BODY_MAX
// bytes (which hold no buffer while they wait). The protocol is
// http_client.c's.
//
// A connect under way cannot be cancelled (ftl/tcp.h has no way to), so a
// call that ends meanwhile (deadline, cancel) abandons it: the transport
// stays until the connect's outcome comes, then closes what it got.
#include "http_client_internal.h"

#include <stdlib.h>

#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/tcp.h>
#include <ftl/tls.h>

struct client_conn {
    struct ftl_http_call *call; // NULL once abandoned
    struct ftl_conn *conn;      // NULL until connected
    bool connecting;
};

static void on_connected(struct ftl_conn *conn, int error, void *arg)
{
    struct client_conn *c = arg;
    c->connecting = false;
    if (!c->call) {
        if (conn) {
            ftl_conn_close(conn);
        }
        free(c);
        return;
    }
    c->conn = conn;
    http_call_connected(c->call, conn ? 0 : (error < 0 ? error : FTL_ERR_IO));
}

static int conn_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                        bool tls, struct ftl_http_call *call, void **t)
{
    struct client_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        return FTL_ERR_NO_MEMORY;
    }
    c->call = call;
    c->connecting = true;
    *t = c;
    int err = tls ? ftl_tls_connect(loop, host, port, on_connected, c)
                  : ftl_tcp_connect(loop, host, port, on_connected, c);
    if (err < 0) {
        *t = NULL;
        free(c);
    }
    return err;
}

static void on_read(struct ftl_conn *conn, const void *data, long len,
                    void *arg)
{
    (void)conn;
    struct client_conn *c = arg;
    http_call_input(c->call, data, len);
}

static int conn_read(void *t)
{
    struct client_conn *c = t;
    return ftl_conn_read(c->conn, FTL_MSG_BODY_MAX, on_read, c);
}

static int conn_write(void *t, const void *data, size_t len)
{
    struct client_conn *c = t;
    return ftl_conn_write(c->conn, data, len, NULL, NULL);
}

static void conn_close(void *t)
{
    struct client_conn *c = t;
    if (c->connecting) {
        c->call = NULL; // freed by on_connected
        return;
    }
    if (c->conn) {
        ftl_conn_close(c->conn);
    }
    free(c);
}

const struct http_client_transport http_client_conn_transport = {
    .connect = conn_connect,
    .read = conn_read,
    .write = conn_write,
    .close = conn_close,
};
