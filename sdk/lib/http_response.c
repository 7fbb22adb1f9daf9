// The response builder: headers the app adds, then a whole body
// (ftl_http_send) or a stream of pieces (ftl_http_start, _write, _end),
// written to the session in HTTP/1.1 form. What the library decides is
// here: Content-Length or chunked framing, Connection, no body for HEAD,
// 204 and 304. A response whose connection is gone (session NULL) is
// built and dropped the same way, so a late asynchronous answer is safe.
#include "http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ftl/error.h>
#include <ftl/time.h>

const char *ftl_http_reason(int status)
{
    if (status < 100 || status > 599) {
        return "";
    }
    const char *r = http_status_str((enum http_status)status);
    return strcmp(r, "<unknown>") == 0 ? "" : r;
}

static bool has_crlf(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

// Headers that frame the message are the library's: a second
// Content-Length from the app would make the response ambiguous.
static bool is_framing_header(const char *name)
{
    return strcasecmp(name, "Content-Length") == 0 ||
           strcasecmp(name, "Transfer-Encoding") == 0 ||
           strcasecmp(name, "Connection") == 0;
}

// A final status the library can frame; others answer 500 instead of a
// status line no client would read.
static int checked_status(int *status)
{
    if (*status >= 200 && *status <= 599) {
        return 0;
    }
    *status = 500;
    return FTL_ERR_INVALID_ARG;
}

// Response heads are built by copying: one is made per request, and a
// printf-style format costs several times the bytes it writes.
static char *head_put(char *at, const char *s, size_t len)
{
    if (len > 0) { // s may be NULL then (no headers yet)
        memcpy(at, s, len);
    }
    return at + len;
}

static char *head_put_str(char *at, const char *s)
{
    return head_put(at, s, strlen(s));
}

// n in decimal.
static char *head_put_number(char *at, unsigned long long n)
{
    char digits[20];
    size_t i = sizeof(digits);
    do {
        digits[--i] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    return head_put(at, digits + i, sizeof(digits) - i);
}

int ftl_http_set_header(struct ftl_http_response *res, const char *name,
                        const char *value)
{
    if (res->state != RES_NEW) {
        return FTL_ERR_BUSY;
    }
    if (has_crlf(name) || has_crlf(value) || strchr(name, ':') ||
        name[0] == '\0' || is_framing_header(name)) {
        return FTL_ERR_INVALID_ARG;
    }
    size_t name_len = strlen(name), value_len = strlen(value);
    size_t add = name_len + value_len + 4;
    if (res->headers_len + add + 1 > res->headers_cap) { // and a NUL
        // Room for a few more: hooks add headers one by one.
        size_t cap = res->headers_cap ? res->headers_cap : 128;
        while (cap < res->headers_len + add + 1) {
            cap *= 2;
        }
        char *h = realloc(res->headers, cap);
        if (!h) {
            return FTL_ERR_NO_MEMORY;
        }
        res->headers = h;
        res->headers_cap = cap;
    }
    char *at = res->headers + res->headers_len;
    at = head_put(at, name, name_len);
    at = head_put(at, ": ", 2);
    at = head_put(at, value, value_len);
    *head_put(at, "\r\n", 2) = '\0';
    res->headers_len += add;
    return 0;
}

static bool status_has_body(int status)
{
    return status >= 200 && status != 204 && status != 304;
}

static bool body_is_sent(const struct ftl_http_response *res)
{
    return status_has_body(res->status) && !res->req->is_head;
}

// A write that fails (ftl_conn_write's FTL_ERR_PEER_CLOSED once tcpip
// found the client gone) breaks the response: the session reads nothing
// while it answers, so this is how a streamer's client is found to have
// left. The done hook then says 0, and the connection closes after it.
static int res_write(struct ftl_http_response *res, const void *data,
                     size_t len)
{
    if (!res->session) {
        return FTL_ERR_PEER_CLOSED;
    }
    int err = http_session_write(res->session, data, len);
    if (err < 0) {
        res->broken = true;
        res->keep_alive = false;
    }
    return err;
}

// Writes the status line and headers, and body (body_len bytes, or NULL)
// after them in the same write: a whole response is then one message to
// tcpip and one TCP segment when it fits, not a head and a body that wait
// for each other. length is the body's length, or -1 for a streamed body
// (chunked to HTTP/1.1 clients, else until close).
static int res_write_head(struct ftl_http_response *res, int status,
                          const char *content_type, long long length,
                          const void *body, size_t body_len)
{
    const struct ftl_http_request *req = res->req;
    res->status = status;
    res->keep_alive = req->keep_alive && !req->app->draining;
    res->chunked = length < 0 && req->http_minor >= 1 && body_is_sent(res);
    if (length < 0 && !res->chunked && body_is_sent(res)) {
        res->keep_alive = false; // the close marks the end of the body
    }
    const char *reason = ftl_http_reason(status);
    // Every line below, with room for the longest of each.
    size_t cap = sizeof("HTTP/1.1 999 \r\n") + strlen(reason) +
                 res->headers_len + sizeof("Content-Type: \r\n") +
                 (content_type ? strlen(content_type) : 0) +
                 sizeof("Transfer-Encoding: chunked\r\n") +
                 sizeof("Content-Length: 18446744073709551615\r\n") +
                 sizeof("Connection: keep-alive\r\n") + 2 + body_len;
    char *head = malloc(cap);
    if (!head) {
        return FTL_ERR_NO_MEMORY;
    }
    char *at = head_put(head, "HTTP/1.1 ", 9);
    at = head_put_number(at, (unsigned)status);
    at = head_put(at, " ", 1);
    at = head_put_str(at, reason);
    at = head_put(at, "\r\n", 2);
    at = head_put(at, res->headers, res->headers_len);
    if (content_type && status_has_body(status)) {
        at = head_put(at, "Content-Type: ", 14);
        at = head_put_str(at, content_type);
        at = head_put(at, "\r\n", 2);
    }
    if (res->chunked) {
        at = head_put_str(at, "Transfer-Encoding: chunked\r\n");
    } else if (length >= 0 && status_has_body(status)) {
        at = head_put(at, "Content-Length: ", 16);
        at = head_put_number(at, (unsigned long long)length);
        at = head_put(at, "\r\n", 2);
    }
    if (!res->keep_alive) {
        at = head_put_str(at, "Connection: close\r\n");
    } else if (req->http_minor == 0) {
        at = head_put_str(at, "Connection: keep-alive\r\n");
    }
    at = head_put(at, "\r\n", 2);
    if (body_len > 0) {
        at = head_put(at, body, body_len);
    }
    size_t len = (size_t)(at - head);
    int err = res_write(res, head, len);
    free(head);
    return err;
}

// The response is complete: the done hook, then the session goes on (or,
// when the client is gone, the request is freed here).
static void res_done(struct ftl_http_response *res)
{
    res->state = RES_DONE;
    struct ftl_http_app *app = res->req->app;
    if (app->done) {
        bool delivered = res->session && !res->broken;
        app->done(res->req, delivered ? res->status : 0, res->body_bytes,
                  ftl_clock_ns() - res->req->start_ns, app->done_arg);
    }
    if (res->session) {
        http_session_response_done(res->session);
    } else {
        http_exchange_free((struct http_exchange *)res->req);
    }
}

int ftl_http_send(struct ftl_http_response *res, int status,
                  const char *content_type, const void *body, size_t len)
{
    if (res->state != RES_NEW) {
        return FTL_ERR_BUSY;
    }
    int err = checked_status(&status);
    if (err < 0) {
        body = NULL;
        len = 0;
    }
    // Whether the body is sent depends on the request (HEAD) and status.
    res->status = status;
    bool with_body = body_is_sent(res) && len > 0;
    res_write_head(res, status, content_type, (long long)len,
                   with_body ? body : NULL, with_body ? len : 0);
    res->body_bytes = with_body ? len : 0;
    res_done(res);
    return err;
}

int ftl_http_send_text(struct ftl_http_response *res, int status,
                       const char *text)
{
    if (text) {
        return ftl_http_send(res, status, "text/plain; charset=utf-8", text,
                             strlen(text));
    }
    char reason[64];
    snprintf(reason, sizeof(reason), "%s\n", ftl_http_reason(status));
    return ftl_http_send(res, status, "text/plain; charset=utf-8", reason,
                         strlen(reason));
}

int ftl_http_start(struct ftl_http_response *res, int status,
                   const char *content_type)
{
    if (res->state != RES_NEW) {
        return FTL_ERR_BUSY;
    }
    if (checked_status(&status) < 0) {
        ftl_http_send(res, status, NULL, NULL, 0);
        return FTL_ERR_INVALID_ARG;
    }
    res->state = RES_STREAMING;
    return res_write_head(res, status, content_type, -1, NULL, 0);
}

int ftl_http_write(struct ftl_http_response *res, const void *data, size_t len)
{
    if (res->state != RES_STREAMING) {
        return FTL_ERR_BUSY;
    }
    if (!res->session) {
        return FTL_ERR_PEER_CLOSED;
    }
    if (len == 0 || !body_is_sent(res)) {
        return 0; // an empty chunk would end the body
    }
    res->body_bytes += len;
    if (!res->chunked) {
        return res_write(res, data, len);
    }
    char size[24];
    int n = snprintf(size, sizeof(size), "%zx\r\n", len);
    int err = res_write(res, size, (size_t)n);
    if (err == 0) {
        err = res_write(res, data, len);
    }
    if (err == 0) {
        err = res_write(res, "\r\n", 2);
    }
    return err;
}

int ftl_http_end(struct ftl_http_response *res)
{
    if (res->state != RES_STREAMING) {
        return FTL_ERR_BUSY;
    }
    if (res->chunked) {
        res_write(res, "0\r\n\r\n", 5);
    }
    res_done(res);
    return 0;
}
