// HTTP/1.1 requests from a program to other services, on the event loop,
// with a completion callback: the client side of ftl/http.h's server.
//
//   static void on_reply(const struct ftl_http_reply *reply, int error,
//                        void *arg)
//   {
//       if (error < 0) {
//           printf("failed: %s\n", ftl_error_str(error));
//           return;
//       }
//       printf("%d, %s\n", ftl_http_reply_status(reply),
//              ftl_http_reply_body(reply, NULL));
//   }
//   ftl_http_get(loop, "http://10.0.2.2:8080/status", on_reply, NULL);
//
// Each request has a connection of its own (ftl/tcp.h, or ftl/tls.h for
// https://), sends `Connection: close` and is over when the response is
// complete: no pool, no keep-alive. Responses are parsed by http-parser,
// as the server's requests: Content-Length, chunked and close-delimited
// bodies, with interim 1xx responses skipped. docs/sdk/http-client.md has
// the model, the limits and the errors.
//
// The program's spec `requires: [tcpip]` (and `[tls]` for https://).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/loop.h>

struct ftl_http_reply; // a complete response, read with ftl_http_reply_*
struct ftl_http_call;  // a request under way, for ftl_http_cancel

// A request header, sent as given (name and value must hold no CR or LF).
struct ftl_http_field {
    const char *name;
    const char *value;
};

// A request. Fields left 0 take the defaults below.
struct ftl_http_client_request {
    const char *method; // "GET" when NULL
    // http://HOST[:PORT][/PATH][?QUERY] or https://...; HOST is a dotted
    // IPv4 address or a name that tcpip resolves (DNS). The path and query
    // are sent as written (percent-encode them); a fragment is dropped.
    const char *url;
    // Sent after Host, which one of them may replace (a virtual host);
    // Content-Length, Transfer-Encoding and Connection are the library's.
    const struct ftl_http_field *headers;
    size_t nheaders;
    // Sent with Content-Length (also for a NULL body of POST, PUT, PATCH).
    const void *body;
    size_t body_len;
    uint64_t timeout_ns; // from the call to the last byte of the response
    size_t head_max;     // status line and headers of the response
    size_t headers_max;  // number of header fields
    size_t body_max;     // the response's body, decoded
};
#define FTL_HTTP_CLIENT_TIMEOUT_NS (30 * FTL_S)
#define FTL_HTTP_CLIENT_HEAD_MAX 16384
#define FTL_HTTP_CLIENT_HEADERS_MAX 64
#define FTL_HTTP_CLIENT_BODY_MAX (1024 * 1024)

// The outcome of a request, exactly once: the reply and error 0 for any
// complete response (a 404 or a 500 too), or reply NULL and the error:
//   FTL_ERR_IO           connection refused or reset, host unreachable
//   FTL_ERR_NOT_FOUND    the host name is unknown
//   FTL_ERR_NOT_ALLOWED  https: the server's certificate is not trusted
//   FTL_ERR_TIMED_OUT    no complete response within timeout_ns
//   FTL_ERR_PEER_CLOSED  the server closed before the response was whole
//   FTL_ERR_BAD_FORMAT   the response is not HTTP/1.x
//   FTL_ERR_TOO_LARGE    the response is over head_max, headers_max or
//                        body_max
//   FTL_ERR_NO_MEMORY
// reply and what it returns are valid during the call only. The call is
// over when fn runs: the connection is closed already.
typedef void (*ftl_http_reply_fn)(const struct ftl_http_reply *reply, int error,
                                  void *arg);

// Sends req (its strings and body are copied: they may go once this
// returns). Returns 0 (fn runs later, never from inside this call), or
// FTL_ERR_INVALID_ARG (a URL that is not http:// or https://, a bad
// method or header, fn NULL), FTL_ERR_TOO_LARGE (host name) or
// FTL_ERR_NO_MEMORY, and then fn never runs. When call is not NULL, it
// receives the call, valid until fn runs, for ftl_http_cancel.
int ftl_http_request(struct ftl_loop *loop,
                     const struct ftl_http_client_request *req,
                     ftl_http_reply_fn fn, void *arg,
                     struct ftl_http_call **call);

// ftl_http_request of GET url with the defaults.
int ftl_http_get(struct ftl_loop *loop, const char *url, ftl_http_reply_fn fn,
                 void *arg);

// Ends a call whose fn has not run: the connection is closed and fn never
// runs. Nothing happens for a call whose fn is running.
void ftl_http_cancel(struct ftl_http_call *call);

// The response's status (200), always 200-999 (interim 1xx are skipped).
int ftl_http_reply_status(const struct ftl_http_reply *reply);

// The value of the first header named name, whatever its case ("" for an
// empty value), or NULL. Trailers of a chunked body count as headers.
const char *ftl_http_reply_header(const struct ftl_http_reply *reply,
                                  const char *name);

// The i-th header, in the order received: false past the last.
bool ftl_http_reply_header_at(const struct ftl_http_reply *reply, size_t i,
                              const char **name, const char **value);

// The body (chunked or not: decoded), NUL-terminated for text; "" when
// there is none (HEAD, 204, 304). len may be NULL.
const char *ftl_http_reply_body(const struct ftl_http_reply *reply,
                                size_t *len);
