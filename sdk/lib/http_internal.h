// What the files of libftl's HTTP server share (not installed): the
// request and response objects, the app, and the session, the byte-level
// protocol of one connection (http_server.c). A session talks to its
// connection through a transport, three functions, so that it can be
// driven by tests without sockets; http_conn.c is the transport over
// struct ftl_conn.
#pragma once

#include <ftl/http.h>
#include <ftl/tcp.h>
#include <ftl/time.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

#define HTTP_PARAMS_MAX 8
#define HTTP_REQUEST_ID_MAX 64

// A header as offsets into the request's head buffer, which grows while
// the head arrives: pointers into it are made only after parsing ends.
struct http_header {
    size_t name, value; // NUL-terminated strings in head
};
#define HTTP_NO_VALUE ((size_t)-1) // a header with an empty value

struct ftl_http_request {
    struct ftl_http_app *app;
    char *head; // method, target, header names and values, each with NUL
    size_t head_len, head_cap;
    size_t target;       // offset of the target in head
    size_t header_bytes; // for header_max
    struct http_header *headers;
    size_t nheaders, headers_cap;
    bool in_value; // the last header piece was a value
    char *body;    // NUL-terminated; NULL while empty
    size_t body_len, body_cap;
    const char *method;
    bool keep_alive, is_head;
    int http_minor;
    // Filled at dispatch: decoded path, query pairs, route parameters.
    char *decoded;
    size_t decoded_len;
    const char *path;
    const char **query; // key, value, key, value...
    size_t nquery;
    struct {
        const char *name; // in the route's pattern, not NUL-terminated
        size_t name_len;
        const char *value;
    } params[HTTP_PARAMS_MAX];
    size_t nparams;
    struct cJSON *json;
    char request_id[HTTP_REQUEST_ID_MAX];
    void *user;
    uint64_t start_ns;
};

enum http_res_state { RES_NEW, RES_STREAMING, RES_DONE };

struct ftl_http_response {
    struct http_session *session; // NULL once the connection is gone
    struct ftl_http_request *req;
    char *headers; // "Name: value\r\n" lines added by the app
    size_t headers_len, headers_cap;
    enum http_res_state state;
    int status;
    bool chunked, keep_alive;
    bool broken; // a write failed: the client is gone
    size_t body_bytes;
};

// A request with its response, freed together when the response is done.
struct http_exchange {
    struct ftl_http_request req;
    struct ftl_http_response res;
};

struct http_route {
    struct http_route *next;
    const char *method, *pattern;
    ftl_http_handler_fn handler;
    void *arg;
    bool owns_arg; // freed with the route (http_files.c's tables)
};

struct http_hook {
    struct http_hook *next;
    ftl_http_hook_fn fn;
    void *arg;
};

#define HTTP_LISTENERS_MAX 4
// While draining, connections idle for this long are closed.
#define HTTP_DRAIN_IDLE_NS (1 * FTL_S)

struct ftl_http_app {
    struct ftl_loop *loop;
    struct ftl_http_limits limits;
    struct http_session *sessions; // every open one
    // Draining (ftl/drain.h): no new keep-alive; drained runs once the
    // last connection is gone.
    bool draining;
    void (*drained)(struct ftl_http_app *app);
    struct ftl_tcp_listener *listeners[HTTP_LISTENERS_MAX];
    unsigned listener_count;
    // Set by http_conn.c once the app listens: closes the listeners and
    // takes back the drain hook, when the app is destroyed.
    void (*unlisten)(struct ftl_http_app *app);
    struct http_route *routes, **routes_tail;
    struct http_hook *hooks, **hooks_tail;
    ftl_http_done_fn done;
    void *done_arg;
    uint64_t next_id;
    struct ftl_http_stats stats;
};

// How a session reaches its connection. read asks for more bytes (given
// later to http_session_input); in_request says whether a request has
// begun (its time-out) or the connection is idle. hold says that no read
// is wanted while a request is answered. write queues bytes. close ends
// the connection after what is queued; the session is freed by then and
// calls nothing more. rearm (may be NULL) restarts an idle connection's
// time-out from now with the app's idle limit, which draining shortens.
struct http_transport {
    void (*read)(void *t, bool in_request);
    void (*hold)(void *t);
    int (*write)(void *t, const void *data, size_t len);
    void (*close)(void *t);
    void (*rearm)(void *t);
};

struct http_session;

// A session for a new connection of app, NULL when out of memory; it asks
// for its first read when started.
struct http_session *http_session_create(struct ftl_http_app *app,
                                         const struct http_transport *tp,
                                         void *t);
void http_session_start(struct http_session *s);

// Bytes read (data valid during the call), len 0 at the end of stream,
// len < 0 for a broken connection. The session may close (and be freed)
// inside.
void http_session_input(struct http_session *s, const void *data, long len);

// The transport's timer for the current wait ran out: 408 inside a
// request, a quiet close when idle.
void http_session_timeout(struct http_session *s);

// The response is complete (http_response.c tells the session), and the
// bytes of responses, written in order.
void http_session_response_done(struct http_session *s);
int http_session_write(struct http_session *s, const void *data, size_t len);

// Starts draining app: answers from now on close their connections,
// idle ones close after HTTP_DRAIN_IDLE_NS, and app->drained runs when
// none is left (at once if none is open).
void http_app_drain(struct ftl_http_app *app);

// Frees a request with its response. http_json_free, set by http_json.c,
// frees a parsed JSON body (so that apps without JSON link no cJSON).
void http_exchange_free(struct http_exchange *x);
extern void (*http_json_free)(struct cJSON *json);

// ftl_http_route, returning the route (NULL when out of memory), for
// callers that give it an argument of their own to free.
struct http_route *http_route_add(struct ftl_http_app *app, const char *method,
                                  const char *pattern,
                                  ftl_http_handler_fn handler, void *arg);

// Runs hooks and routes for a parsed request (http_router.c).
void http_app_dispatch(struct ftl_http_app *app, struct ftl_http_request *req,
                       struct ftl_http_response *res);

// Makes the decoded path and query of a parsed request; -1 when out of
// memory. Route parameters are then added, decoded, by routing.
int http_request_decode(struct ftl_http_request *req);
void http_request_add_param(struct ftl_http_request *req, const char *name,
                            size_t name_len, const char *value,
                            size_t value_len);

// Percent-decodes src[0..len) into dst (room for len + 1), '+' as a space
// when plus is true; returns dst's length.
size_t http_decode(char *dst, const char *src, size_t len, bool plus);
