// What the files of libftl's HTTP client share (not installed): the
// parsed URL (http_url.c), the request's bytes (http_client_request.c),
// the response parser that fills a reply
// (http_reply.c), and the call, the life of one request (http_client.c),
// which reaches its connection through a transport so that tests can
// drive it without sockets; http_client_conn.c is the transport over
// ftl/tcp.h and ftl/tls.h.
#pragma once

#include <ftl/http_client.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

// An absolute URL cut into the parts a request needs; strings point into
// the buffer the URL was parsed from (http_url_parse copies it).
struct http_url {
    bool tls;           // https://
    char *host;         // as written, NUL-terminated
    uint16_t port;      // 80 or 443 unless given
    bool port_given;    // so the Host header carries it
    const char *target; // path and query, "/" when the URL has none
    size_t target_len;  // without the #fragment
    char *buf;          // owns host and target
};

// Parses url (copied into url->buf, freed by http_url_free). Returns 0,
// FTL_ERR_INVALID_ARG (not http:// or https://, no host, a bad port, user
// information, a space or control character) or FTL_ERR_NO_MEMORY.
int http_url_parse(struct http_url *url, const char *text);
void http_url_free(struct http_url *url);

// The bytes of req to url (a malloc'd buffer of *len bytes in *bytes):
// request line, Host unless req has one, req's headers, Content-Length
// when there is a body (or the method has one), `Connection: close` and
// the body. Returns 0, FTL_ERR_INVALID_ARG (a method that is not a token,
// a bad or framing header, body_len without body) or FTL_ERR_NO_MEMORY.
int http_client_request_format(const struct ftl_http_client_request *req,
                               const struct http_url *url, char **bytes,
                               size_t *len);

// Limits of a response, as in struct ftl_http_client_request.
struct http_reply_limits {
    size_t head_max, headers_max, body_max;
};

// A header as offsets into the reply's head buffer, which grows while
// the head arrives.
struct http_reply_header {
    size_t name, value;
};
#define HTTP_REPLY_NO_VALUE ((size_t)-1) // no value piece came (yet)

struct ftl_http_reply {
    http_parser parser;
    struct http_reply_limits limits;
    bool head_request; // the response has no body, whatever it says
    int error;         // what a parser callback stopped with
    bool complete;     // a final response has been parsed whole
    bool interim;      // the response being parsed is a 1xx
    int status;
    char *head; // header names and values, each NUL-terminated
    size_t head_len, head_cap;
    size_t head_bytes; // status line and headers so far, for head_max
    struct http_reply_header *headers;
    size_t nheaders, headers_cap;
    bool in_value; // the last header piece was a value
    char *body;    // NUL-terminated; NULL while empty
    size_t body_len, body_cap;
};

// Makes reply ready for the response to a request (HEAD: head_request).
void http_reply_init(struct ftl_http_reply *reply,
                     const struct http_reply_limits *limits, bool head_request);

// Parses bytes of the response. Returns 1 once the response is complete
// (bytes after it are ignored), 0 when more are needed, or an error:
// FTL_ERR_BAD_FORMAT, FTL_ERR_TOO_LARGE, FTL_ERR_NO_MEMORY. After an
// error or completion it must not be called again.
int http_reply_input(struct ftl_http_reply *reply, const char *data,
                     size_t len);

// The end of the stream: 1 when it completes the response (a body that
// runs until the close), else FTL_ERR_PEER_CLOSED.
int http_reply_eof(struct ftl_http_reply *reply);

// Frees what the reply holds (not the reply itself).
void http_reply_free(struct ftl_http_reply *reply);

// How a call reaches its connection. connect opens one to host:port
// (through tls when tls) and returns the transport's state in *t, or an
// error; the transport then calls http_call_connected once, possibly
// before connect returns. read asks for more bytes, which come to
// http_call_input. write queues bytes. close ends the connection, or
// abandons a connect under way; nothing of the transport reaches the call
// after it.
struct http_client_transport {
    int (*connect)(struct ftl_loop *loop, const char *host, uint16_t port,
                   bool tls, struct ftl_http_call *call, void **t);
    int (*read)(void *t);
    int (*write)(void *t, const void *data, size_t len);
    void (*close)(void *t);
};

// ftl_http_request over transport tp.
int http_call_start(struct ftl_loop *loop,
                    const struct ftl_http_client_request *req,
                    const struct http_client_transport *tp,
                    ftl_http_reply_fn fn, void *arg,
                    struct ftl_http_call **call);

// From the transport: the connection is open (error 0) or failed; bytes
// read (data valid during the call), len 0 at the end of the stream,
// len < 0 for a broken connection. The call may finish (and close the
// transport) inside.
void http_call_connected(struct ftl_http_call *call, int error);
void http_call_input(struct ftl_http_call *call, const void *data, long len);

// The transport of ftl_http_request (http_client_conn.c).
extern const struct http_client_transport http_client_conn_transport;
