// The life of a connection, as a state machine:
//   READING     waiting for (the rest of) a request. The idle time-out
//               runs while nothing of the next request has come, the
//               header time-out once its first byte has.
//   RESPONDING  the answer is being written (or, for /status, fetched).
//               Nothing more is read until it is sent, so a client that
//               sends faster than it reads is slowed to our pace;
//               pipelined requests wait in the buffer.
// After a response, keep-alive goes back to READING; else the connection
// closes once the response is out.
#include "session.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/message.h>

#include "http.h"
#include "response.h"
#include "routes.h"

enum session_state { READING, RESPONDING };

struct session {
    struct ftl_loop *loop;
    struct ftl_conn *conn;
    struct server_stats *stats;
    struct ftl_loop_timer timer;
    enum session_state state;
    bool keep_alive;
    size_t len;      // bytes in buf
    size_t consumed; // bytes of buf the request being answered takes
    char *buf;       // SESSION_REQUEST_MAX bytes while len > 0, else NULL
};

static uint64_t idle_ns = SESSION_IDLE_NS;
static uint64_t header_ns = SESSION_HEADER_NS;

void session_set_timeouts(uint64_t idle, uint64_t header)
{
    idle_ns = idle;
    header_ns = header;
}

static void read_more(struct session *s);
static void process(struct session *s);

static void session_end(struct session *s)
{
    ftl_loop_timer_cancel(s->loop, &s->timer);
    ftl_conn_close(s->conn);
    s->stats->connections--;
    free(s->buf);
    free(s);
}

// The response is with tcpip: the next request, or the end.
static void on_sent(struct ftl_conn *conn, int error, void *arg)
{
    (void)conn;
    struct session *s = arg;
    if (error < 0 || !s->keep_alive) {
        session_end(s);
        return;
    }
    memmove(s->buf, s->buf + s->consumed, s->len - s->consumed);
    s->len -= s->consumed;
    s->consumed = 0;
    if (s->len == 0) {
        // Between requests a connection holds no buffer: many idle
        // keep-alive clients cost little.
        free(s->buf);
        s->buf = NULL;
    }
    s->state = READING;
    process(s); // a pipelined request may be complete already
}

// Answers with an error status and closes afterwards.
static void fail(struct session *s, int status, const char *extra)
{
    s->state = RESPONDING;
    s->keep_alive = false;
    ftl_loop_timer_cancel(s->loop, &s->timer);
    if (response_error(s->conn, status, false, false, extra, on_sent, s) < 0) {
        session_end(s);
    }
}

static void on_timeout(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                       void *arg)
{
    (void)loop;
    (void)timer;
    struct session *s = arg;
    if (s->len == 0) {
        session_end(s); // idle: nothing to say
    } else {
        fail(s, 408, NULL); // a head that did not finish in time
    }
}

static void on_answered(void *arg, const struct response *r)
{
    struct session *s = arg;
    if (response_send(s->conn, r, on_sent, s) < 0) {
        session_end(s);
    }
}

// Takes the complete request at the start of buf, if there is one.
static void process(struct session *s)
{
    if (s->len == 0) {
        read_more(s);
        return;
    }
    size_t head = http_head_length(s->buf, s->len);
    if (head == 0) {
        int status = http_check_start(s->buf, s->len);
        if (status != 0) {
            fail(s, status, NULL);
        } else if (s->len == SESSION_REQUEST_MAX) {
            fail(s, 413, NULL); // the head alone is over the limit
        } else {
            read_more(s);
        }
        return;
    }
    struct http_request req;
    int status = http_parse(s->buf, head, &req);
    if (status != 0) {
        fail(s, status, NULL);
        return;
    }
    if (req.chunked) {
        fail(s, 400, NULL); // no request here has a chunked body
        return;
    }
    long long body = req.content_length > 0 ? req.content_length : 0;
    if (body > (long long)(SESSION_REQUEST_MAX - head)) {
        fail(s, 413, NULL);
        return;
    }
    if (s->len < head + (size_t)body) {
        read_more(s); // the body (ignored, but read) is still coming
        return;
    }
    ftl_loop_timer_cancel(s->loop, &s->timer);
    s->consumed = head + (size_t)body;
    s->keep_alive = req.keep_alive;
    s->state = RESPONDING;
    s->stats->requests++;
    routes_answer(&req, s->stats, on_answered, s);
}

static void on_read(struct ftl_conn *conn, const void *data, long len,
                    void *arg)
{
    (void)conn;
    struct session *s = arg;
    if (len <= 0) {
        session_end(s); // the client closed, or the connection broke
        return;
    }
    if (s->len == 0) {
        s->buf = malloc(SESSION_REQUEST_MAX);
        if (s->buf == NULL) {
            session_end(s);
            return;
        }
        // The first bytes of a request: from now on it must finish soon.
        ftl_loop_timer_start(s->loop, &s->timer, header_ns, 0, on_timeout, s);
    }
    memcpy(s->buf + s->len, data, (size_t)len);
    s->len += (size_t)len;
    process(s);
}

static void read_more(struct session *s)
{
    if (s->len == 0) {
        ftl_loop_timer_start(s->loop, &s->timer, idle_ns, 0, on_timeout, s);
    }
    // Pieces of a message body at most: a read waiting for an idle client
    // holds no buffer (ftl/tcp.h).
    size_t room = SESSION_REQUEST_MAX - s->len;
    if (ftl_conn_read(s->conn, room < FTL_MSG_BODY_MAX ? room : FTL_MSG_BODY_MAX,
                      on_read, s) < 0) {
        session_end(s);
    }
}

void session_start(struct ftl_loop *loop, struct ftl_conn *conn,
                   struct server_stats *stats)
{
    struct session *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        ftl_conn_close(conn);
        return;
    }
    s->loop = loop;
    s->conn = conn;
    s->stats = stats;
    stats->connections++;
    stats->accepted++;
    read_more(s);
}
