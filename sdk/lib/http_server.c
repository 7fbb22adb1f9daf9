// The byte-level HTTP/1.1 protocol of one connection: bytes in, requests
// parsed by http-parser into request objects, dispatched to the app, and
// the next request taken only once the last is answered. Sockets, timers
// and the response's bytes are elsewhere (http_conn.c, http_response.c);
// this file only sees a transport (http_internal.h).
//
// The idea: the parser is paused when a request is complete, so the bytes
// after it (pipelined requests) stay unparsed until its answer is out, and
// only those leftovers are kept in a buffer: an idle connection holds the
// session alone, no buffer and no request. Limits are checked in the
// parser's callbacks, which stop it with the status to answer.
#include "http_internal.h"
#include "http_buf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ftl/error.h>
#include <ftl/time.h>

enum session_state { READING, ANSWERING };

struct http_session {
    struct http_session *next, *prev; // in app->sessions
    struct ftl_http_app *app;
    const struct http_transport *tp;
    void *t;
    http_parser parser;
    enum session_state state;
    struct http_exchange *cur;     // being parsed or answered
    struct ftl_http_limits limits; // of the request being parsed
    int error;                     // status a callback stopped the parser with
    bool in_request;               // bytes of the current request have come
    bool dispatching;              // inside http_app_dispatch
    bool done_early;               // the response completed during dispatch
    char *pending; // unparsed bytes after the request being answered
    size_t pending_len;
};

static const http_parser_settings settings;

static void session_close(struct http_session *s);

static int head_append(struct ftl_http_request *req, const char *p, size_t len)
{
    return http_buf_append(&req->head, &req->head_len, &req->head_cap, p, len);
}

static int head_end_string(struct ftl_http_request *req)
{
    int err = head_append(req, "", 0);
    if (err == 0) {
        req->head_len++; // keep the NUL; the next string starts after it
    }
    return err;
}

static struct http_exchange *exchange_create(struct http_session *s)
{
    struct http_exchange *x = calloc(1, sizeof(*x));
    if (!x) {
        return NULL;
    }
    x->req.app = s->app;
    x->req.start_ns = ftl_clock_ns();
    x->res.req = &x->req;
    x->res.session = s;
    return x;
}

// Frees a request and its response; cJSON's part through the hook that
// http_json.c installs, so that the parser needs no JSON.
void (*http_json_free)(struct cJSON *json);

void http_exchange_free(struct http_exchange *x)
{
    if (x->req.json && http_json_free) {
        http_json_free(x->req.json);
    }
    free(x->req.head);
    free(x->req.headers);
    free(x->req.body);
    free(x->req.decoded);
    free(x->req.query);
    free(x->res.headers);
    free(x);
}

static struct http_session *session_of(http_parser *p)
{
    return p->data;
}

static int fail(struct http_session *s, int status)
{
    s->error = status;
    return -1;
}

static int on_message_begin(http_parser *p)
{
    struct http_session *s = session_of(p);
    s->limits = s->app->limits;
    s->cur = exchange_create(s);
    return s->cur ? 0 : fail(s, 503);
}

static int on_url(http_parser *p, const char *at, size_t len)
{
    struct http_session *s = session_of(p);
    struct ftl_http_request *req = &s->cur->req;
    if (p->http_major == 0 && p->http_minor == 9) {
        // A request line without a version (HTTP/0.9): http-parser would
        // wait for headers that such a client never sends, so say so now
        // rather than when the request time-out ends it.
        return fail(s, 400);
    }
    if (req->head_len + len > s->limits.line_max) {
        return fail(s, 414);
    }
    return head_append(req, at, len) == 0 ? 0 : fail(s, 503);
}

// A new header, its name starting at the end of head.
static int header_add(struct http_session *s, struct ftl_http_request *req)
{
    if (req->nheaders == s->limits.headers_max) {
        return fail(s, 431);
    }
    if (req->nheaders == req->headers_cap) {
        size_t cap = req->headers_cap ? req->headers_cap * 2 : 8;
        struct http_header *h = realloc(req->headers, cap * sizeof(*h));
        if (!h) {
            return fail(s, 503);
        }
        req->headers = h;
        req->headers_cap = cap;
    }
    req->headers[req->nheaders].name = req->head_len;
    req->headers[req->nheaders].value = HTTP_NO_VALUE;
    req->nheaders++;
    return 0;
}

// Header names and values come in pieces, as reads end anywhere. A piece
// of another kind than the last starts a string and ends the one before:
// the target for the first name, else the last value or name.
static int header_piece(http_parser *p, const char *at, size_t len, bool value)
{
    struct http_session *s = session_of(p);
    struct ftl_http_request *req = &s->cur->req;
    req->header_bytes += len;
    if (req->header_bytes > s->limits.header_max) {
        return fail(s, 431);
    }
    if (req->nheaders == 0 || value != req->in_value) {
        if (value && req->nheaders == 0) {
            return fail(s, 400); // http-parser sends a name first
        }
        if (head_end_string(req) < 0) {
            return fail(s, 503);
        }
        if (!value) {
            int err = header_add(s, req);
            if (err != 0) {
                return err;
            }
        } else {
            req->headers[req->nheaders - 1].value = req->head_len;
        }
        req->in_value = value;
    }
    return head_append(req, at, len) == 0 ? 0 : fail(s, 503);
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    return header_piece(p, at, len, false);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    return header_piece(p, at, len, true);
}

static bool body_expected(const http_parser *p)
{
    return (p->flags & F_CHUNKED) ||
           (p->content_length > 0 && p->content_length != ULLONG_MAX);
}

// The head is complete: limits on what it announces, Expect.
static int on_headers_complete(http_parser *p)
{
    struct http_session *s = session_of(p);
    struct ftl_http_request *req = &s->cur->req;
    // Ends the target or the last header; a trailer's name (chunked
    // bodies) then starts a header of its own.
    if (head_end_string(req) < 0) {
        return fail(s, 503);
    }
    req->in_value = true;
    if (p->http_major != 1) {
        return fail(s, 505);
    }
    req->method = http_method_str((enum http_method)p->method);
    req->is_head = p->method == HTTP_HEAD;
    req->http_minor = p->http_minor;
    if (p->content_length != ULLONG_MAX &&
        p->content_length > s->limits.body_max) {
        return fail(s, 413);
    }
    const char *expect = ftl_http_header(req, "Expect");
    if (expect) {
        if (strcasecmp(expect, "100-continue") != 0) {
            return fail(s, 417);
        }
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        if (body_expected(p) && p->http_minor >= 1) {
            s->tp->write(s->t, cont, sizeof(cont) - 1);
        }
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct http_session *s = session_of(p);
    struct ftl_http_request *req = &s->cur->req;
    if (len > s->limits.body_max - req->body_len) {
        return fail(s, 413);
    }
    if (http_buf_append(&req->body, &req->body_len, &req->body_cap, at, len) <
        0) {
        return fail(s, 503);
    }
    return 0;
}

// Trailers of a chunked body come as more headers; they are kept with them.
static int on_message_complete(http_parser *p)
{
    struct http_session *s = session_of(p);
    struct ftl_http_request *req = &s->cur->req;
    req->keep_alive = http_should_keep_alive(p);
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

struct http_session *http_session_create(struct ftl_http_app *app,
                                         const struct http_transport *tp,
                                         void *t)
{
    struct http_session *s = calloc(1, sizeof(*s));
    if (!s) {
        return NULL;
    }
    s->app = app;
    s->tp = tp;
    s->t = t;
    http_parser_init(&s->parser, HTTP_REQUEST);
    s->parser.data = s;
    app->stats.connections++;
    app->stats.accepted++;
    s->next = app->sessions;
    if (s->next != NULL) {
        s->next->prev = s;
    }
    app->sessions = s;
    return s;
}

static void drained_if_empty(struct ftl_http_app *app)
{
    if (app->draining && app->sessions == NULL && app->drained != NULL) {
        void (*drained)(struct ftl_http_app *) = app->drained;
        app->drained = NULL; // once
        drained(app);
    }
}

void http_app_drain(struct ftl_http_app *app)
{
    app->draining = true;
    if (app->limits.idle_ns > HTTP_DRAIN_IDLE_NS) {
        app->limits.idle_ns = HTTP_DRAIN_IDLE_NS;
    }
    // A connection between requests gets a short while for its next one,
    // which its answer then closes: closing it at once could cross a
    // request already on its way, which would be lost.
    for (struct http_session *s = app->sessions; s != NULL; s = s->next) {
        if (s->state == READING && !s->in_request && s->tp->rearm != NULL) {
            s->tp->rearm(s->t);
        }
    }
    drained_if_empty(app);
}

void http_session_start(struct http_session *s)
{
    s->tp->read(s->t, false);
}

// Whether the n bytes at p, where http-parser found no method it knows,
// go on as the rest of a method would: token characters (RFC 9110 5.6.2)
// up to the space before the target. "PURGEX / HTTP/1.1" asks for a
// method this server does not implement (501); "GARBAGE\r\n" and
// "GE\0T" are not request lines at all (400).
static bool method_shaped(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == ' ') {
            return true;
        }
        bool token = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                     (c >= '0' && c <= '9') ||
                     (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
        if (!token) {
            return false;
        }
    }
    return false;
}

// The status a parser error answers, when no callback chose one; rest
// (n bytes) is what is left of the input where the parser stopped.
static int error_status(enum http_errno err, const char *rest, size_t n)
{
    switch (err) {
    case HPE_HEADER_OVERFLOW:
        return 431;
    case HPE_INVALID_METHOD:
        return method_shaped(rest, n) ? 501 : 400;
    case HPE_INVALID_VERSION:
        return 505;
    default:
        return 400;
    }
}

// Answers a request that cannot be parsed further and closes: the bytes
// after it cannot be told apart from the broken ones.
static void session_fail(struct http_session *s, int status)
{
    const char *reason = ftl_http_reason(status);
    char msg[256];
    int n = snprintf(msg, sizeof(msg),
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
                     status, reason, strlen(reason) + 1, reason);
    s->tp->write(s->t, msg, (size_t)n);
    session_close(s);
}

static int keep_pending(struct http_session *s, const char *data, size_t len)
{
    char *copy = NULL;
    if (len > 0) {
        copy = malloc(len);
        if (!copy) {
            return FTL_ERR_NO_MEMORY;
        }
        memcpy(copy, data, len);
    }
    free(s->pending);
    s->pending = copy;
    s->pending_len = len;
    return 0;
}

// Answers the parsed request; true when it was answered at once.
static bool session_dispatch(struct http_session *s)
{
    struct http_exchange *x = s->cur;
    s->state = ANSWERING;
    s->in_request = false;
    s->tp->hold(s->t);
    s->app->stats.requests++;
    s->dispatching = true;
    s->done_early = false;
    http_app_dispatch(s->app, &x->req, &x->res);
    s->dispatching = false;
    return s->done_early;
}

// The answer to the current request is out. Returns whether the
// connection stays (else it is closed and s freed).
static bool session_finish(struct http_session *s)
{
    bool keep_alive = s->cur->res.keep_alive;
    http_exchange_free(s->cur);
    s->cur = NULL;
    s->state = READING;
    if (!keep_alive) {
        session_close(s);
    }
    return keep_alive;
}

// Parses data until a request is complete (then answers it), the data is
// used up (then reads more), or an error (then fails). A loop rather than
// recursion through the answers, so that many small pipelined requests
// in one read cost no stack. owned (NULL or data's buffer) is freed here.
static void session_parse(struct http_session *s, char *owned, const char *data,
                          size_t len)
{
    for (;;) {
        size_t n = http_parser_execute(&s->parser, &settings, data, len);
        enum http_errno err = HTTP_PARSER_ERRNO(&s->parser);
        if (err != HPE_PAUSED) {
            int status = s->error;
            if (err != HPE_OK && status == 0) {
                status = error_status(err, data + n, len - n);
            }
            free(owned);
            if (err != HPE_OK) {
                session_fail(s, status);
                return;
            }
            s->in_request = s->cur != NULL;
            s->tp->read(s->t, s->in_request);
            return;
        }
        http_parser_pause(&s->parser, 0);
        int err_keep = keep_pending(s, data + n, len - n);
        free(owned);
        if (err_keep < 0) {
            session_fail(s, 503);
            return;
        }
        if (!session_dispatch(s) || !session_finish(s)) {
            return; // answered later, or closed
        }
        if (s->pending_len == 0) {
            s->tp->read(s->t, false);
            return;
        }
        // Parsed from the session's own copy, which a new leftover replaces.
        owned = s->pending;
        data = owned;
        len = s->pending_len;
        s->pending = NULL;
        s->pending_len = 0;
    }
}

void http_session_input(struct http_session *s, const void *data, long len)
{
    if (len <= 0) {
        // An end inside a request leaves nobody to answer either.
        session_close(s);
        return;
    }
    session_parse(s, NULL, data, (size_t)len);
}

void http_session_timeout(struct http_session *s)
{
    if (s->state == READING && s->in_request) {
        session_fail(s, 408);
    } else {
        session_close(s);
    }
}

void http_session_response_done(struct http_session *s)
{
    if (s->dispatching) {
        s->done_early = true; // session_parse goes on when dispatch returns
        return;
    }
    if (!session_finish(s)) {
        return;
    }
    if (s->pending_len == 0) {
        s->tp->read(s->t, false);
        return;
    }
    char *owned = s->pending;
    size_t len = s->pending_len;
    s->pending = NULL;
    s->pending_len = 0;
    session_parse(s, owned, owned, len);
}

int http_session_write(struct http_session *s, const void *data, size_t len)
{
    return s->tp->write(s->t, data, len);
}

static void session_close(struct http_session *s)
{
    if (s->cur) {
        if (s->state == ANSWERING && s->cur->res.state != RES_DONE &&
            !s->done_early) {
            // The app still holds req and res: they outlive the session.
            s->cur->res.session = NULL;
        } else {
            http_exchange_free(s->cur);
        }
    }
    s->tp->close(s->t);
    struct ftl_http_app *app = s->app;
    app->stats.connections--;
    if (s->prev != NULL) {
        s->prev->next = s->next;
    } else {
        app->sessions = s->next;
    }
    if (s->next != NULL) {
        s->next->prev = s->prev;
    }
    free(s->pending);
    free(s);
    drained_if_empty(app);
}
