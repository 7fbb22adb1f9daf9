// HTTP/1.1 servers on the event loop and ftl/tcp.h (or ftl/tls.h): an app
// of routes, a request object per request and a response builder.
//
//   static void hello(struct ftl_http_request *req,
//                     struct ftl_http_response *res, void *arg)
//   {
//       (void)arg;
//       cJSON *o = cJSON_CreateObject();
//       cJSON_AddStringToObject(o, "hello", ftl_http_param(req, "name"));
//       ftl_http_send_json(res, 200, o);
//   }
//   struct ftl_http_app *app = ftl_http_app_create(loop);
//   ftl_http_route(app, "GET", "/hello/:name", hello, NULL);
//   ftl_http_listen(app, 80);
//
// Requests are parsed by http-parser (Debian's, through deps.lock);
// keep-alive, pipelining, chunked bodies both ways and
// `Expect: 100-continue` are handled here. One request of a connection is
// answered at a time: a handler may return before answering and answer
// later (from a callback of its own), and the next request of the
// connection waits until then. docs/sdk/http.md has the whole model, the
// limits and the status codes they produce.
//
// Strings that a request returns live as long as the request: until its
// response is complete (ftl_http_send, ftl_http_end).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/loop.h>
#include <ftl/tcp.h>

struct ftl_http_app;
struct ftl_http_request;
struct ftl_http_response;
struct cJSON; // cJSON.h (shipped with the SDK) for building and reading

// A route's handler. It answers through res now or later; req and res stay
// valid until the response is complete, even if the client goes away
// meanwhile (the answer is then dropped).
typedef void (*ftl_http_handler_fn)(struct ftl_http_request *req,
                                    struct ftl_http_response *res, void *arg);

// Sizes and time-outs of an app's connections, and what exceeding each
// answers. A 0 in ftl_http_set_limits keeps the current value.
struct ftl_http_limits {
    size_t line_max;     // request target (path and query); 414
    size_t header_max;   // all header names and values together; 431
    size_t headers_max;  // number of header fields; 431
    size_t body_max;     // request body, chunked or not; 413
    uint64_t idle_ns;    // keep-alive wait for a next request; closes
    uint64_t request_ns; // from a request's first byte to its end; 408
};
#define FTL_HTTP_LINE_MAX 8192
#define FTL_HTTP_HEADER_MAX 16384
#define FTL_HTTP_HEADERS_MAX 64
#define FTL_HTTP_BODY_MAX (1024 * 1024)
#define FTL_HTTP_IDLE_NS (60 * FTL_S)
#define FTL_HTTP_REQUEST_NS (15 * FTL_S)

// A new app (no routes: everything is 404) on loop. NULL when out of
// memory. An app lives as long as the program.
struct ftl_http_app *ftl_http_app_create(struct ftl_loop *loop);

// Frees an app, its routes and hooks; for a program that stops serving.
// Not while connections of it are open.
void ftl_http_app_destroy(struct ftl_http_app *app);

// Changes the limits of requests not started yet (0 fields unchanged).
void ftl_http_set_limits(struct ftl_http_app *app,
                         const struct ftl_http_limits *limits);

// Routes method (e.g. "GET"; "*" for any) on pattern to handler. Pattern
// segments are literal or `:name` (one segment, read with ftl_http_param);
// a last segment `*` matches the rest of the path. Routes are tried in the
// order added. A path that matches some route but not for the request's
// method is answered 405 with `Allow` (OPTIONS, unless routed, 204 with
// `Allow`); GET routes also answer HEAD.
// Strings are not copied (pass literals). Returns 0 or FTL_ERR_NO_MEMORY,
// FTL_ERR_INVALID_ARG (pattern not starting with '/').
int ftl_http_route(struct ftl_http_app *app, const char *method,
                   const char *pattern, ftl_http_handler_fn handler, void *arg);

// Static files held in memory (embedded in the program, say), served for
// GET and HEAD under pattern, which ends in "/*": "/static/*" serves
// files[i].path "/app.js" at /static/app.js; "/" is "/index.html".
// Answers carry an ETag (a hash of the bytes), and a request whose
// If-None-Match holds it gets 304; unknown paths 404. The table is read
// at each request and must stay valid and unchanged; set sizes before
// serving. Returns 0, FTL_ERR_INVALID_ARG (pattern) or FTL_ERR_NO_MEMORY.
struct ftl_http_file {
    const char *path; // from "/", decoded form
    const char *content_type;
    const void *data;
    size_t size;
};
int ftl_http_files(struct ftl_http_app *app, const char *pattern,
                   const struct ftl_http_file *files, size_t count);

// The files of the service folder's public/, which the SDK's service.mk
// packs into the program at build time (content types by extension:
// docs/sdk/http.md), served as ftl_http_files serves a table: under
// pattern ("/*" for the site's root, "/" being /index.html), with ETags
// and HEAD. Returns as ftl_http_files, or FTL_ERR_NOT_FOUND when the
// program was built without a public/ folder.
int ftl_http_public(struct ftl_http_app *app, const char *pattern);

// A hook runs before routing for every request, in the order added. It
// returns true to go on, or false once it has answered (or will answer)
// res itself. Hooks may set response headers (a request id, CORS).
typedef bool (*ftl_http_hook_fn)(struct ftl_http_request *req,
                                 struct ftl_http_response *res, void *arg);
int ftl_http_use(struct ftl_http_app *app, ftl_http_hook_fn hook, void *arg);

// Runs once each response is complete (or abandoned, status 0 for a
// client that left), for access logs and metrics. One per app.
typedef void (*ftl_http_done_fn)(const struct ftl_http_request *req, int status,
                                 size_t body_bytes, uint64_t duration_ns,
                                 void *arg);
void ftl_http_on_done(struct ftl_http_app *app, ftl_http_done_fn fn, void *arg);

// Built-in hooks: request ids (the request's X-Request-Id when it has a
// sane one, else a new one, echoed as X-Request-Id in the response and
// returned by ftl_http_request_id; returns as ftl_http_use), and one info
// log line per response (`GET /items/7 200 12B 0.4ms id=...`), which
// takes the app's done hook (ftl_http_on_done).
int ftl_http_use_request_id(struct ftl_http_app *app);
void ftl_http_log_requests(struct ftl_http_app *app);

// What an app has served so far, for a status page or metrics.
struct ftl_http_stats {
    uint64_t requests;    // complete requests handed to hooks and routes
    uint64_t connections; // open now
    uint64_t accepted;    // ever
};
void ftl_http_get_stats(const struct ftl_http_app *app,
                        struct ftl_http_stats *stats);

// Serves the app on port over TCP or TLS (as ftl_tcp_listen and
// ftl_tls_listen: a failure to listen stops the loop). Returns 0,
// FTL_ERR_NO_MEMORY, or FTL_ERR_LIMIT past 4 ports.
//
// An app that listens drains when its supervisor asks (ftl/drain.h: a new
// version replaces it): it stops listening, every answer from then on
// closes its connection ("Connection: close"), connections idle for 1 s
// are closed, and once none is left the loop stops with status 0.
int ftl_http_listen(struct ftl_http_app *app, uint16_t port);
int ftl_http_listen_tls(struct ftl_http_app *app, uint16_t port);

// Serves one connection got elsewhere (taken over; closed when done).
void ftl_http_serve_conn(struct ftl_http_app *app, struct ftl_conn *conn);

// The request. Method and path (percent-decoded, without the query) as
// sent; NULL for a missing parameter, query key or header. Header names
// match whatever their case; the first of repeated headers is returned.
const char *ftl_http_method(const struct ftl_http_request *req);
const char *ftl_http_path(const struct ftl_http_request *req);
const char *ftl_http_target(const struct ftl_http_request *req); // raw
const char *ftl_http_param(const struct ftl_http_request *req,
                           const char *name);
const char *ftl_http_query(const struct ftl_http_request *req, const char *key);
const char *ftl_http_header(const struct ftl_http_request *req,
                            const char *name);
// The body (chunked or not, decoded), NUL-terminated for text; len may be
// NULL. An empty string for a request without a body.
const char *ftl_http_body(const struct ftl_http_request *req, size_t *len);
// The request id of ftl_http_use_request_id, else NULL.
const char *ftl_http_request_id(const struct ftl_http_request *req);
// Lets a hook attach its own data to a request (one pointer).
void ftl_http_set_user(struct ftl_http_request *req, void *user);
void *ftl_http_user(const struct ftl_http_request *req);

// Adds a response header (name and value copied) before the response
// starts. Content-Length, Transfer-Encoding and Connection are the
// library's. Returns 0, FTL_ERR_BUSY (response started),
// FTL_ERR_INVALID_ARG (a CR or LF in it, a ':' in the name, one of the
// library's headers) or FTL_ERR_NO_MEMORY.
int ftl_http_set_header(struct ftl_http_response *res, const char *name,
                        const char *value);

// Answers with a whole body (copied; content_type may be NULL) and
// completes the response. Returns 0, or FTL_ERR_BUSY when the response was
// started already, or FTL_ERR_INVALID_ARG for a status outside 200-599
// (answered 500 without the body). A response to HEAD carries the headers
// alone.
int ftl_http_send(struct ftl_http_response *res, int status,
                  const char *content_type, const void *body, size_t len);

// Answers with a short text body: the status's reason phrase when text is
// NULL ("Not Found\n").
int ftl_http_send_text(struct ftl_http_response *res, int status,
                       const char *text);

// Streaming: starts the response (status and headers; chunked for an
// HTTP/1.1 client, else the connection's end marks the body's), writes
// pieces of the body (copied), and completes it. ftl_http_start returns
// as ftl_http_send (a bad status completes the response as a 500); writes
// return 0, FTL_ERR_BUSY (not started or ended) or FTL_ERR_PEER_CLOSED
// (client gone: stop producing and end).
int ftl_http_start(struct ftl_http_response *res, int status,
                   const char *content_type);
int ftl_http_write(struct ftl_http_response *res, const void *data, size_t len);
int ftl_http_end(struct ftl_http_response *res);

// JSON (cJSON): answers with json printed (application/json) and frees it
// (json may be NULL: 500). Returns as ftl_http_send.
int ftl_http_send_json(struct ftl_http_response *res, int status,
                       struct cJSON *json);

// The request body parsed as JSON, owned by the request (freed with it);
// NULL when the body is not well-formed JSON, in which case res is already
// answered 400 with a JSON error, and the handler just returns.
struct cJSON *ftl_http_json_body(struct ftl_http_request *req,
                                 struct ftl_http_response *res);

// The reason phrase of a status ("Not Found"), "" for unknown codes.
const char *ftl_http_reason(int status);
