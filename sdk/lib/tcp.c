// TCP sockets (see ftl/tcp.h, and ftl/tls.h: the same sockets through the
// tls service) over the client helper: one client on the channel to the
// stack's service, one per listener (whose `OPEN accept` calls
// complete with connections) and one per connection (READ and WRITE).
//
// The service channel is opened once, on first use; what asks for it
// before it is there waits in a list. A connection's writes form a queue
// sent one WRITE at a time, in pieces tcpip takes whole (SOCKET_IO_MAX on
// its side). Callbacks may close the connection they are given: a
// connection is freed only when no callback of it is on the stack.
#include <ftl/tcp.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/time.h>

#define WRITE_PIECE_MAX (32u * 1024) // tcpip's largest WRITE
#define ACCEPTS_IN_FLIGHT 4
// A port still held by the listener of an app's previous run (tcpip
// closes it once it has seen that run's channels close) is asked for
// again, this often, for up to this long.
#define LISTEN_RETRY_NS (100 * FTL_MS)
#define LISTEN_RETRIES 50

// A stack that speaks the socket protocol (docs/concepts/networking.md):
// tcpip for plain TCP, tls for TLS (ftl/tls.h). Its service channel is
// opened once, on first use, through the first channel.
typedef void (*service_fn)(int error, void *arg);
struct waiter {
    struct waiter *next;
    service_fn fn;
    void *arg;
};
struct provider {
    const char *service;        // what to OPEN on the first channel
    const char *listen_prefix;  // OPEN PREFIX:PORT for a listener
    const char *connect_prefix; // OPEN PREFIX:HOST:PORT for a connection
    struct ftl_loop *loop;
    struct ftl_client *channel; // NULL until opened
    int error;                  // opening failed
    bool opening;
    struct waiter *waiters;
};
static struct provider tcpip = {.service = "service/tcpip",
                                .listen_prefix = "tcp-listen",
                                .connect_prefix = "tcp"};
static struct provider tls = {.service = "service/tls",
                              .listen_prefix = "tls-listen",
                              .connect_prefix = "tls"};

// The first channel, on which both are opened (one client for both).
static struct ftl_client *parent;

struct chunk {
    struct chunk *next;
    size_t len, sent;
    ftl_conn_write_fn fn;
    void *arg;
    uint8_t data[];
};

struct ftl_conn {
    struct ftl_client *client;
    unsigned running; // callbacks of this connection on the stack
    bool closing, closed;
    bool shutdown_wanted, shutdown_sent;
    int error;
    bool reading;
    bool read_inline; // the data comes in the reply: no buffer of our own
    ftl_conn_read_fn read_fn;
    void *read_arg;
    uint8_t *buffer; // for reads of more than a message body (a loan)
    size_t buffer_size;
    struct chunk *writes, *writes_tail;
    bool writing; // a WRITE is in flight
    size_t pending;
};

struct ftl_tcp_listener {
    struct provider *provider;
    struct ftl_loop *loop;
    struct ftl_client *client; // NULL until listening
    char path[32];
    ftl_tcp_accept_fn fn;
    ftl_tcp_listen_error_fn on_error; // NULL: the loop stops instead
    void *arg;
    struct ftl_loop_timer retry;
    unsigned retries;
    bool asking; // an OPEN of the port is in flight
    bool closed; // by ftl_tcp_listener_close while asking
    // ftl_tcp_listener_pause: while paused, no new accept is asked for
    // (resting counts those not asked), and connections that the accepts
    // already under way bring are held until the owner resumes.
    bool paused;
    unsigned resting;
    struct ftl_conn *held[ACCEPTS_IN_FLIGHT];
    unsigned held_count;
    struct ftl_loop_timer resume; // passes the held ones on, from the loop
};

static void service_ready(struct provider *p, int error)
{
    p->opening = false;
    p->error = error;
    while (p->waiters != NULL) {
        struct waiter *w = p->waiters;
        p->waiters = w->next;
        w->fn(error, w->arg);
        free(w);
    }
}

static void on_service_opened(const struct ftl_result *result, void *arg)
{
    struct provider *p = arg;
    if (result->error == 0) {
        p->channel = ftl_client_create(p->loop, result->handle);
        if (p->channel == NULL) {
            ftl_handle_close(result->handle);
        }
    }
    service_ready(p, result->error < 0     ? result->error
                     : p->channel == NULL ? FTL_ERR_NO_MEMORY
                                          : 0);
}

static void provider_use(struct provider *p, struct ftl_loop *loop,
                         ftl_handle_t channel)
{
    p->loop = loop;
    p->channel = ftl_client_create(loop, channel);
    p->error = p->channel == NULL ? FTL_ERR_NO_MEMORY : 0;
}

void ftl_tcp_use(struct ftl_loop *loop, ftl_handle_t channel)
{
    provider_use(&tcpip, loop, channel);
}

void ftl_tls_use(struct ftl_loop *loop, ftl_handle_t channel)
{
    provider_use(&tls, loop, channel);
}

// Runs fn once the service channel is there (maybe at once), or with the
// error that kept it away.
static int with_service(struct provider *p, struct ftl_loop *loop,
                        service_fn fn, void *arg)
{
    if (p->channel != NULL || p->error < 0) {
        fn(p->error, arg);
        return 0;
    }
    struct waiter *w = malloc(sizeof(*w));
    if (w == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *w = (struct waiter){.next = p->waiters, .fn = fn, .arg = arg};
    p->waiters = w;
    if (p->opening) {
        return 0;
    }
    p->loop = loop;
    p->opening = true;
    if (parent == NULL) {
        parent = ftl_client_create(loop, ftl_start_info->channel);
    }
    int err = parent == NULL ? FTL_ERR_NO_MEMORY
                             : ftl_client_open(parent, p->service,
                                               on_service_opened, p);
    if (err < 0) {
        service_ready(p, err);
    }
    return 0;
}

// Connections.

static struct ftl_conn *conn_create(struct ftl_loop *loop, ftl_handle_t channel)
{
    struct ftl_conn *conn = calloc(1, sizeof(*conn));
    if (conn != NULL) {
        conn->client = ftl_client_create(loop, channel);
    }
    if (conn == NULL || conn->client == NULL) {
        free(conn);
        ftl_handle_close(channel);
        return NULL;
    }
    return conn;
}

struct ftl_conn *ftl_conn_adopt(struct ftl_loop *loop, ftl_handle_t channel)
{
    return conn_create(loop, channel);
}

// Frees a closing connection once nothing of it is in use; true if so.
static bool conn_settle(struct ftl_conn *conn)
{
    if (!conn->closing || conn->running > 0 || conn->closed ||
        (conn->writes != NULL && conn->error == 0)) {
        return false;
    }
    conn->closed = true;
    ftl_client_destroy(conn->client); // FIN in tcpip
    while (conn->writes != NULL) {
        struct chunk *c = conn->writes;
        conn->writes = c->next;
        free(c);
    }
    free(conn->buffer);
    free(conn);
    return true;
}

static void write_next(struct ftl_conn *conn);

static void on_setattr_done(const struct ftl_result *result, void *arg)
{
    (void)result;
    (void)arg;
}

// After the queue drains: a wanted shutdown goes out.
static void maybe_shutdown(struct ftl_conn *conn)
{
    if (conn->shutdown_wanted && !conn->shutdown_sent && conn->writes == NULL &&
        !conn->closing) {
        conn->shutdown_sent = true;
        ftl_client_setattr(conn->client, "shutdown", "write", on_setattr_done,
                           NULL);
    }
}

static void fail_writes(struct ftl_conn *conn, int error)
{
    conn->error = error;
    while (conn->writes != NULL) {
        struct chunk *c = conn->writes;
        conn->writes = c->next;
        if (c->fn != NULL && !conn->closing) {
            c->fn(conn, error, c->arg);
        }
        free(c);
    }
    conn->writes_tail = NULL;
    conn->pending = 0;
}

static void on_written(const struct ftl_result *result, void *arg)
{
    struct ftl_conn *conn = arg;
    conn->writing = false;
    conn->running++;
    if (result->error < 0) {
        fail_writes(conn, result->error);
    } else {
        struct chunk *c = conn->writes;
        c->sent += result->value;
        conn->pending -= result->value;
        if (c->sent >= c->len) {
            conn->writes = c->next;
            if (conn->writes == NULL) {
                conn->writes_tail = NULL;
            }
            if (c->fn != NULL && !conn->closing) {
                c->fn(conn, 0, c->arg);
            }
            free(c);
        }
    }
    conn->running--;
    if (!conn_settle(conn) && !conn->closed) {
        write_next(conn);
        maybe_shutdown(conn);
    }
}

static void write_next(struct ftl_conn *conn)
{
    struct chunk *c = conn->writes;
    if (conn->writing || c == NULL || conn->error < 0) {
        return;
    }
    size_t piece = c->len - c->sent;
    if (piece > WRITE_PIECE_MAX) {
        piece = WRITE_PIECE_MAX;
    }
    int err = ftl_client_write(conn->client, 0, c->data + c->sent, piece,
                               on_written, conn);
    if (err < 0) {
        fail_writes(conn, err);
        conn_settle(conn);
        return;
    }
    conn->writing = true;
}

int ftl_conn_write(struct ftl_conn *conn, const void *data, size_t len,
                   ftl_conn_write_fn fn, void *arg)
{
    if (conn->error < 0 || conn->closing) {
        return FTL_ERR_PEER_CLOSED;
    }
    struct chunk *c = malloc(sizeof(*c) + len);
    if (c == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *c = (struct chunk){.len = len, .fn = fn, .arg = arg};
    memcpy(c->data, data, len);
    if (conn->writes_tail != NULL) {
        conn->writes_tail->next = c;
    } else {
        conn->writes = c;
    }
    conn->writes_tail = c;
    conn->pending += len;
    write_next(conn);
    return 0;
}

size_t ftl_conn_pending(const struct ftl_conn *conn)
{
    return conn->pending;
}

static void on_read_done(const struct ftl_result *result, void *arg)
{
    struct ftl_conn *conn = arg;
    conn->reading = false;
    if (conn->closing) {
        conn_settle(conn);
        return;
    }
    conn->running++;
    long len = result->error < 0 ? result->error
               : conn->read_inline ? (long)result->body_len
                                   : (long)result->value;
    const void *data =
        conn->read_inline ? (const void *)result->body : conn->buffer;
    conn->read_fn(conn, data, len, conn->read_arg);
    conn->running--;
    conn_settle(conn);
}

int ftl_conn_read(struct ftl_conn *conn, size_t max, ftl_conn_read_fn fn,
                  void *arg)
{
    if (conn->reading) {
        return FTL_ERR_BUSY;
    }
    if (conn->closing) {
        return FTL_ERR_PEER_CLOSED;
    }
    // Up to a message body the reply carries the data, received into the
    // client helper's buffer: an idle connection waiting for data holds no
    // buffer of its own. Beyond that tcpip copies into a loan of ours.
    conn->read_inline = max <= FTL_MSG_BODY_MAX;
    if (!conn->read_inline && max > conn->buffer_size) {
        uint8_t *buffer = realloc(conn->buffer, max);
        if (buffer == NULL) {
            return FTL_ERR_NO_MEMORY;
        }
        conn->buffer = buffer;
        conn->buffer_size = max;
    }
    conn->read_fn = fn;
    conn->read_arg = arg;
    int err = ftl_client_read(conn->client, 0,
                              conn->read_inline ? NULL : conn->buffer, max,
                              on_read_done, conn);
    if (err == 0) {
        conn->reading = true;
    }
    return err;
}

void ftl_conn_close(struct ftl_conn *conn)
{
    conn->closing = true;
    conn_settle(conn);
}

int ftl_conn_shutdown(struct ftl_conn *conn)
{
    if (conn->closing || conn->error < 0) {
        return FTL_ERR_PEER_CLOSED;
    }
    conn->shutdown_wanted = true;
    maybe_shutdown(conn);
    return 0;
}

// Listening and connecting.

static void accept_next(struct ftl_tcp_listener *listener);
static void listen_with_service(int error, void *arg);

static void listener_free(struct ftl_tcp_listener *listener)
{
    ftl_loop_timer_cancel(listener->loop, &listener->retry);
    ftl_loop_timer_cancel(listener->loop, &listener->resume);
    for (unsigned i = 0; i < listener->held_count; i++) {
        ftl_conn_close(listener->held[i]);
    }
    if (listener->client != NULL) {
        ftl_client_destroy(listener->client); // tcpip stops listening
    }
    free(listener);
}

// Listening failed or ended (the stack is gone). A plain server cannot go
// on, so its loop stops; a listener with an error callback is told.
static void listen_failed(struct ftl_tcp_listener *listener, int error)
{
    if (listener->on_error != NULL) {
        listener->on_error(listener, error, listener->arg);
        return;
    }
    FTL_LOG_ERROR("cannot listen (%s): %s", listener->path,
                  ftl_error_str(error));
    ftl_loop_stop(listener->loop, 1);
}

// The next accept, unless the owner paused: it is then asked for on resume.
static void accept_again(struct ftl_tcp_listener *listener)
{
    if (listener->paused) {
        listener->resting++;
    } else {
        accept_next(listener);
    }
}

static void on_accepted(const struct ftl_result *result, void *arg)
{
    struct ftl_tcp_listener *listener = arg;
    if (result->error == FTL_ERR_LIMIT || result->error == FTL_ERR_NO_MEMORY) {
        // This connection could not be taken (no handle or memory left for
        // it: tcpip closes it); the next ones may be, once others end.
        accept_again(listener);
        return;
    }
    if (result->error < 0) {
        if (ftl_client_pending(listener->client) == 0) {
            listen_failed(listener, result->error); // once, at the last
        }
        return;
    }
    struct ftl_conn *conn = conn_create(listener->loop, result->handle);
    accept_again(listener);
    if (conn == NULL) {
        return;
    }
    if (listener->paused) {
        // At most one per accept under way: room is there.
        listener->held[listener->held_count++] = conn;
        return;
    }
    listener->fn(conn, listener->arg);
}

static void on_resume(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                      void *arg)
{
    (void)loop;
    (void)timer;
    struct ftl_tcp_listener *listener = arg;
    // The owner may pause again from its callback: what is left then waits
    // for the next resume.
    while (!listener->paused && listener->held_count > 0) {
        struct ftl_conn *conn = listener->held[0];
        listener->held_count--;
        memmove(listener->held, listener->held + 1,
                listener->held_count * sizeof(listener->held[0]));
        listener->fn(conn, listener->arg);
    }
    while (!listener->paused && listener->resting > 0) {
        listener->resting--;
        accept_next(listener);
    }
}

void ftl_tcp_listener_pause(struct ftl_tcp_listener *listener, bool paused)
{
    if (listener->paused == paused) {
        return;
    }
    listener->paused = paused;
    if (!paused) {
        // From the loop, not from inside the owner's code that resumed.
        ftl_loop_timer_start(listener->loop, &listener->resume, 0, 0,
                             on_resume, listener);
    }
}

static void accept_next(struct ftl_tcp_listener *listener)
{
    if (ftl_client_open(listener->client, "accept", on_accepted, listener) <
        0) {
        FTL_LOG_WARN("cannot wait for connections on %s", listener->path);
    }
}

static void on_listen_retry(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                            void *arg)
{
    (void)loop;
    (void)timer;
    listen_with_service(0, arg);
}

static void on_listening(const struct ftl_result *result, void *arg)
{
    struct ftl_tcp_listener *listener = arg;
    listener->asking = false;
    if (listener->closed) {
        if (result->error == 0) {
            ftl_handle_close(result->handle);
        }
        listener_free(listener);
        return;
    }
    if (result->error == FTL_ERR_BUSY && listener->retries < LISTEN_RETRIES) {
        listener->retries++;
        ftl_loop_timer_start(listener->loop, &listener->retry, LISTEN_RETRY_NS,
                             0, on_listen_retry, listener);
        return;
    }
    if (result->error == 0) {
        listener->client = ftl_client_create(listener->loop, result->handle);
    }
    if (listener->client == NULL) {
        bool keep = listener->on_error != NULL; // its owner closes it
        listen_failed(listener,
                      result->error < 0 ? result->error : FTL_ERR_NO_MEMORY);
        if (!keep) {
            free(listener);
        }
        return;
    }
    for (int i = 0; i < ACCEPTS_IN_FLIGHT; i++) {
        accept_next(listener);
    }
}

static void listen_with_service(int error, void *arg)
{
    struct ftl_tcp_listener *listener = arg;
    if (error == 0) {
        error = ftl_client_open(listener->provider->channel, listener->path,
                                on_listening, listener);
    }
    if (error < 0) {
        bool keep = listener->on_error != NULL;
        listen_failed(listener, error);
        if (!keep) {
            free(listener);
        }
        return;
    }
    listener->asking = true;
}

static struct ftl_tcp_listener *
listen_on(struct provider *p, struct ftl_loop *loop, uint16_t port,
          ftl_tcp_accept_fn on_accept, ftl_tcp_listen_error_fn on_error,
          void *arg)
{
    struct ftl_tcp_listener *listener = calloc(1, sizeof(*listener));
    if (listener == NULL) {
        return NULL;
    }
    listener->provider = p;
    listener->loop = loop;
    listener->fn = on_accept;
    listener->on_error = on_error;
    listener->arg = arg;
    snprintf(listener->path, sizeof(listener->path), "%s:%u",
             p->listen_prefix, port);
    if (with_service(p, loop, listen_with_service, listener) < 0) {
        free(listener);
        return NULL;
    }
    return listener;
}

int ftl_tcp_listen(struct ftl_loop *loop, uint16_t port,
                   ftl_tcp_accept_fn on_accept, void *arg)
{
    return listen_on(&tcpip, loop, port, on_accept, NULL, arg) != NULL
               ? 0
               : FTL_ERR_NO_MEMORY;
}

int ftl_tls_listen(struct ftl_loop *loop, uint16_t port,
                   ftl_tcp_accept_fn on_accept, void *arg)
{
    return listen_on(&tls, loop, port, on_accept, NULL, arg) != NULL
               ? 0
               : FTL_ERR_NO_MEMORY;
}

struct ftl_tcp_listener *ftl_tcp_listener_open(struct ftl_loop *loop,
                                               uint16_t port,
                                               ftl_tcp_accept_fn on_accept,
                                               ftl_tcp_listen_error_fn on_error,
                                               void *arg)
{
    return listen_on(&tcpip, loop, port, on_accept, on_error, arg);
}

struct ftl_tcp_listener *ftl_tls_listener_open(struct ftl_loop *loop,
                                               uint16_t port,
                                               ftl_tcp_accept_fn on_accept,
                                               ftl_tcp_listen_error_fn on_error,
                                               void *arg)
{
    return listen_on(&tls, loop, port, on_accept, on_error, arg);
}

void ftl_tcp_listener_close(struct ftl_tcp_listener *listener)
{
    if (listener->asking) {
        listener->closed = true; // freed when the answer comes
        return;
    }
    listener_free(listener);
}

struct connecting {
    struct provider *provider;
    struct ftl_loop *loop;
    ftl_tcp_connect_fn fn;
    void *arg;
    char path[300];
};

static void on_connected(const struct ftl_result *result, void *arg)
{
    struct connecting *c = arg;
    struct ftl_conn *conn = NULL;
    int error = result->error;
    if (error == 0) {
        conn = conn_create(c->loop, result->handle);
        error = conn == NULL ? FTL_ERR_NO_MEMORY : 0;
    }
    c->fn(conn, error, c->arg);
    free(c);
}

static void connect_with_service(int error, void *arg)
{
    struct connecting *c = arg;
    if (error == 0) {
        error = ftl_client_open(c->provider->channel, c->path, on_connected, c);
    }
    if (error < 0) {
        c->fn(NULL, error, c->arg);
        free(c);
    }
}

static int connect_to(struct provider *p, struct ftl_loop *loop,
                      const char *host, uint16_t port, ftl_tcp_connect_fn fn,
                      void *arg)
{
    struct connecting *c = malloc(sizeof(*c));
    if (c == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *c = (struct connecting){.provider = p, .loop = loop, .fn = fn, .arg = arg};
    int n = snprintf(c->path, sizeof(c->path), "%s:%s:%u", p->connect_prefix,
                     host, port);
    if (n < 0 || (size_t)n >= sizeof(c->path)) {
        free(c);
        return FTL_ERR_TOO_LARGE;
    }
    int err = with_service(p, loop, connect_with_service, c);
    if (err < 0) {
        free(c);
    }
    return err;
}

int ftl_tcp_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                    ftl_tcp_connect_fn fn, void *arg)
{
    return connect_to(&tcpip, loop, host, port, fn, arg);
}

int ftl_tls_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                    ftl_tcp_connect_fn fn, void *arg)
{
    return connect_to(&tls, loop, host, port, fn, arg);
}
