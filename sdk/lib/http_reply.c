// The response side of the HTTP client: bytes in, a reply out, parsed by
// http-parser in HTTP_RESPONSE mode, and the accessors of the reply. The
// connection and the request are elsewhere (http_client.c); this file
// sees bytes only, so the tests and the fuzz target drive it directly.
//
// Which responses have a body is decided here, not by the parser alone:
// answers to HEAD, 1xx, 204 and 304 never do, whatever their headers say
// (http-parser 2.9.4 would read a 304's Content-Length bytes as a body).
// Interim 1xx responses are parsed and forgotten; the parser then goes on
// with the next response on the same bytes. It is paused at the end of
// the final one, so that bytes after it are never parsed. Limits are
// checked in the parser's callbacks, which stop it with the error.
#include "http_client_internal.h"
#include "http_buf.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ftl/error.h>

static const http_parser_settings settings;

void http_reply_init(struct ftl_http_reply *reply,
                     const struct http_reply_limits *limits, bool head_request)
{
    *reply = (struct ftl_http_reply){.limits = *limits,
                                     .head_request = head_request};
    http_parser_init(&reply->parser, HTTP_RESPONSE);
    reply->parser.data = reply;
}

void http_reply_free(struct ftl_http_reply *reply)
{
    free(reply->head);
    free(reply->headers);
    free(reply->body);
    reply->head = NULL;
    reply->headers = NULL;
    reply->body = NULL;
}

static struct ftl_http_reply *reply_of(http_parser *p)
{
    return p->data;
}

static int fail(struct ftl_http_reply *reply, int error)
{
    reply->error = error;
    return -1;
}

// Head bytes (status line, headers, trailers) against head_max.
static int count_head(struct ftl_http_reply *reply, size_t len)
{
    if (len > reply->limits.head_max - reply->head_bytes) {
        return fail(reply, FTL_ERR_TOO_LARGE);
    }
    reply->head_bytes += len;
    return 0;
}

// A response begins: what an interim one before it left is forgotten.
static int on_message_begin(http_parser *p)
{
    struct ftl_http_reply *reply = reply_of(p);
    reply->head_len = 0;
    reply->nheaders = 0;
    reply->in_value = false;
    return 0;
}

static int on_status(http_parser *p, const char *at, size_t len)
{
    (void)at;
    return count_head(reply_of(p), len);
}

// A new header, its name starting at the end of head.
static int header_add(struct ftl_http_reply *reply)
{
    if (reply->nheaders == reply->limits.headers_max) {
        return fail(reply, FTL_ERR_TOO_LARGE);
    }
    if (reply->nheaders == reply->headers_cap) {
        size_t cap = reply->headers_cap ? reply->headers_cap * 2 : 8;
        struct http_reply_header *h = realloc(reply->headers, cap * sizeof(*h));
        if (!h) {
            return fail(reply, FTL_ERR_NO_MEMORY);
        }
        reply->headers = h;
        reply->headers_cap = cap;
    }
    reply->headers[reply->nheaders].name = reply->head_len;
    reply->headers[reply->nheaders].value = HTTP_REPLY_NO_VALUE;
    reply->nheaders++;
    return 0;
}

// Names and values come in pieces, as reads end anywhere. A piece of
// another kind than the last ends the string before it (its NUL is kept)
// and starts one: a name starts a header, a value fills the last.
static int header_piece(http_parser *p, const char *at, size_t len, bool value)
{
    struct ftl_http_reply *reply = reply_of(p);
    if (count_head(reply, len) < 0) {
        return -1;
    }
    if (reply->nheaders == 0 || value != reply->in_value) {
        if (value && reply->nheaders == 0) {
            return fail(reply, FTL_ERR_BAD_FORMAT); // a name comes first
        }
        if (reply->nheaders > 0) {
            reply->head_len++; // past the NUL of the string before
        }
        if (http_buf_append(&reply->head, &reply->head_len, &reply->head_cap,
                            "", 0) < 0) {
            return fail(reply, FTL_ERR_NO_MEMORY);
        }
        if (!value) {
            if (header_add(reply) < 0) {
                return -1;
            }
        } else {
            reply->headers[reply->nheaders - 1].value = reply->head_len;
        }
        reply->in_value = value;
    }
    if (http_buf_append(&reply->head, &reply->head_len, &reply->head_cap, at,
                        len) < 0) {
        return fail(reply, FTL_ERR_NO_MEMORY);
    }
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
    return header_piece(p, at, len, false);
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
    return header_piece(p, at, len, true);
}

// The head is complete. Returns 1 (http-parser's "no body") for responses
// that have none whatever they announce.
static int on_headers_complete(http_parser *p)
{
    struct ftl_http_reply *reply = reply_of(p);
    // A trailer's name (chunked bodies) starts a header of its own.
    reply->in_value = true;
    if (p->http_major != 1) {
        return fail(reply, FTL_ERR_BAD_FORMAT);
    }
    int status = p->status_code;
    if (status == 101) {
        return fail(reply, FTL_ERR_BAD_FORMAT); // no upgrade was asked for
    }
    reply->interim = status >= 100 && status < 200;
    if (status < 100) {
        return fail(reply, FTL_ERR_BAD_FORMAT);
    }
    if (reply->interim || reply->head_request || status == 204 ||
        status == 304) {
        return 1;
    }
    if (p->content_length != ULLONG_MAX &&
        p->content_length > reply->limits.body_max) {
        return fail(reply, FTL_ERR_TOO_LARGE);
    }
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
    struct ftl_http_reply *reply = reply_of(p);
    if (len > reply->limits.body_max - reply->body_len) {
        return fail(reply, FTL_ERR_TOO_LARGE);
    }
    if (http_buf_append(&reply->body, &reply->body_len, &reply->body_cap, at,
                        len) < 0) {
        return fail(reply, FTL_ERR_NO_MEMORY);
    }
    return 0;
}

static int on_message_complete(http_parser *p)
{
    struct ftl_http_reply *reply = reply_of(p);
    if (reply->interim) {
        reply->interim = false;
        reply->head_bytes = 0; // the final response has head_max of its own
        return 0;
    }
    reply->status = p->status_code;
    reply->complete = true;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_message_begin = on_message_begin,
    .on_status = on_status,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

// The error of a parser that stopped: a callback's, or its own.
static int parse_error(struct ftl_http_reply *reply)
{
    if (reply->error < 0) {
        return reply->error;
    }
    if (HTTP_PARSER_ERRNO(&reply->parser) == HPE_HEADER_OVERFLOW) {
        return FTL_ERR_TOO_LARGE;
    }
    return FTL_ERR_BAD_FORMAT;
}

int http_reply_input(struct ftl_http_reply *reply, const char *data, size_t len)
{
    http_parser_execute(&reply->parser, &settings, data, len);
    if (reply->complete) {
        return 1;
    }
    if (HTTP_PARSER_ERRNO(&reply->parser) != HPE_OK) {
        return parse_error(reply);
    }
    return 0;
}

int http_reply_eof(struct ftl_http_reply *reply)
{
    if (!reply->complete) {
        // Completes a body that runs until the close; anything else cut
        // short is an error of the parser's, or no response at all.
        http_parser_execute(&reply->parser, &settings, NULL, 0);
    }
    return reply->complete ? 1 : FTL_ERR_PEER_CLOSED;
}

static const char *value_of(const struct ftl_http_reply *reply, size_t i)
{
    size_t value = reply->headers[i].value;
    return value == HTTP_REPLY_NO_VALUE ? "" : reply->head + value;
}

int ftl_http_reply_status(const struct ftl_http_reply *reply)
{
    return reply->status;
}

const char *ftl_http_reply_header(const struct ftl_http_reply *reply,
                                  const char *name)
{
    for (size_t i = 0; i < reply->nheaders; i++) {
        const char *h = reply->head + reply->headers[i].name;
        if (strcasecmp(h, name) == 0) {
            return value_of(reply, i);
        }
    }
    return NULL;
}

bool ftl_http_reply_header_at(const struct ftl_http_reply *reply, size_t i,
                              const char **name, const char **value)
{
    if (i >= reply->nheaders) {
        return false;
    }
    *name = reply->head + reply->headers[i].name;
    *value = value_of(reply, i);
    return true;
}

const char *ftl_http_reply_body(const struct ftl_http_reply *reply, size_t *len)
{
    if (len) {
        *len = reply->body_len;
    }
    return reply->body ? reply->body : "";
}
