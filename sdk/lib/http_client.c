// The life of one HTTP client request, a call: its bytes are made at once
// from the request, then a connection is opened through the transport,
// the bytes written, and the response read into a reply (http_reply.c)
// until it is complete, the stream ends, an error, the deadline or a
// cancel. The connection and its reads are the transport's
// (http_client_conn.c over ftl/tcp.h).
//
// Every path out goes through call_finish, which marks the call done
// before anything else, closes the transport (so that nothing of it comes
// back) and then calls the callback: it runs exactly once, and never
// after a cancel. An outcome that the transport reports while the call
// is still being started (ftl_tcp_connect can fail at once) is passed on
// from the loop, so that the callback never runs inside ftl_http_request.
#include "http_client_internal.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

enum call_state { CALL_STARTING, CALL_CONNECTING, CALL_EXCHANGING, CALL_DONE };

struct ftl_http_call {
    struct ftl_loop *loop;
    const struct http_client_transport *tp;
    void *t; // the transport's, NULL once closed
    ftl_http_reply_fn fn;
    void *arg;
    enum call_state state;
    struct ftl_loop_timer deadline;
    struct ftl_loop_timer soon; // passes on an outcome of the start
    int early_error;            // that outcome
    char *request;              // the bytes to send, until written
    size_t request_len;
    struct ftl_http_reply reply;
};

static void call_free(struct ftl_http_call *call)
{
    http_reply_free(&call->reply);
    free(call->request);
    free(call);
}

static void call_close(struct ftl_http_call *call)
{
    call->state = CALL_DONE;
    ftl_loop_timer_cancel(call->loop, &call->deadline);
    ftl_loop_timer_cancel(call->loop, &call->soon);
    if (call->t) {
        call->tp->close(call->t);
        call->t = NULL;
    }
}

static void call_finish(struct ftl_http_call *call, int error)
{
    call_close(call);
    call->fn(error == 0 ? &call->reply : NULL, error, call->arg);
    call_free(call);
}

void ftl_http_cancel(struct ftl_http_call *call)
{
    if (call->state == CALL_DONE) {
        return; // its callback is running; the call is freed after it
    }
    call_close(call);
    call_free(call);
}

static void on_deadline(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                        void *arg)
{
    (void)loop;
    (void)timer;
    call_finish(arg, FTL_ERR_TIMED_OUT);
}

// Reads on, or finishes when the transport cannot.
static void call_read(struct ftl_http_call *call)
{
    int err = call->tp->read(call->t);
    if (err < 0) {
        call_finish(call, err);
    }
}

void http_call_connected(struct ftl_http_call *call, int error)
{
    if (call->state == CALL_STARTING) {
        call->early_error = error; // passed on by on_soon
        return;
    }
    if (error < 0) {
        call_finish(call, error);
        return;
    }
    call->state = CALL_EXCHANGING;
    int err = call->tp->write(call->t, call->request, call->request_len);
    if (err < 0) {
        call_finish(call, err);
        return;
    }
    free(call->request); // the transport copied it
    call->request = NULL;
    // Read at once: a server may answer (413, say) before taking it all.
    call_read(call);
}

static void on_soon(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                    void *arg)
{
    (void)loop;
    (void)timer;
    struct ftl_http_call *call = arg;
    http_call_connected(call, call->early_error);
}

void http_call_input(struct ftl_http_call *call, const void *data, long len)
{
    if (call->state != CALL_EXCHANGING) {
        return;
    }
    int r;
    if (len < 0) {
        r = (int)len;
    } else if (len == 0) {
        r = http_reply_eof(&call->reply);
    } else {
        r = http_reply_input(&call->reply, data, (size_t)len);
    }
    if (r == 0) {
        call_read(call);
    } else {
        call_finish(call, r < 0 ? r : 0);
    }
}

static struct http_reply_limits
limits_of(const struct ftl_http_client_request *req)
{
    return (struct http_reply_limits){
        .head_max = req->head_max ? req->head_max : FTL_HTTP_CLIENT_HEAD_MAX,
        .headers_max =
            req->headers_max ? req->headers_max : FTL_HTTP_CLIENT_HEADERS_MAX,
        .body_max = req->body_max ? req->body_max : FTL_HTTP_CLIENT_BODY_MAX,
    };
}

// A call with its request's bytes, not started; NULL and *err on failure.
static struct ftl_http_call *
call_create(const struct ftl_http_client_request *req, struct http_url *url,
            int *err)
{
    if (!req || !req->url) {
        *err = FTL_ERR_INVALID_ARG;
        return NULL;
    }
    *err = http_url_parse(url, req->url);
    if (*err < 0) {
        return NULL;
    }
    struct ftl_http_call *call = calloc(1, sizeof(*call));
    *err = call ? http_client_request_format(req, url, &call->request,
                                             &call->request_len)
                : FTL_ERR_NO_MEMORY;
    if (*err < 0) {
        free(call);
        http_url_free(url);
        return NULL;
    }
    struct http_reply_limits limits = limits_of(req);
    bool head = req->method && strcmp(req->method, "HEAD") == 0;
    http_reply_init(&call->reply, &limits, head);
    return call;
}

int http_call_start(struct ftl_loop *loop,
                    const struct ftl_http_client_request *req,
                    const struct http_client_transport *tp,
                    ftl_http_reply_fn fn, void *arg, struct ftl_http_call **out)
{
    struct http_url url;
    int err = FTL_ERR_INVALID_ARG;
    struct ftl_http_call *call = fn ? call_create(req, &url, &err) : NULL;
    if (!call) {
        return err;
    }
    call->loop = loop;
    call->tp = tp;
    call->fn = fn;
    call->arg = arg;
    call->state = CALL_STARTING;
    call->early_error = 1; // no outcome yet
    err = tp->connect(loop, url.host, url.port, url.tls, call, &call->t);
    http_url_free(&url);
    if (err < 0) {
        call_free(call);
        return err;
    }
    call->state = CALL_CONNECTING;
    if (call->early_error <= 0) {
        ftl_loop_timer_start(loop, &call->soon, 0, 0, on_soon, call);
    }
    uint64_t timeout =
        req->timeout_ns ? req->timeout_ns : FTL_HTTP_CLIENT_TIMEOUT_NS;
    ftl_loop_timer_start(loop, &call->deadline, timeout, 0, on_deadline, call);
    if (out) {
        *out = call;
    }
    return 0;
}

int ftl_http_request(struct ftl_loop *loop,
                     const struct ftl_http_client_request *req,
                     ftl_http_reply_fn fn, void *arg,
                     struct ftl_http_call **call)
{
    return http_call_start(loop, req, &http_client_conn_transport, fn, arg,
                           call);
}

int ftl_http_get(struct ftl_loop *loop, const char *url, ftl_http_reply_fn fn,
                 void *arg)
{
    struct ftl_http_client_request req = {.url = url};
    return ftl_http_request(loop, &req, fn, arg, NULL);
}
