// The bytes of an HTTP client request: the request line, Host, the
// caller's headers, the framing and the body, in one buffer that the
// transport writes at once. What a caller gives is checked here, so that
// nothing it holds can split the request: methods and header names are
// tokens, values hold no CR or LF, and the headers that frame the message
// (Content-Length, Transfer-Encoding, Connection) are the library's.
#include "http_client_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ftl/error.h>

// tchar of RFC 9110 5.6.2: what a method or a header name is made of.
static bool is_token(const char *s)
{
    if (s[0] == '\0') {
        return false;
    }
    for (; *s; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || strchr("!#$%&'*+-.^_`|~", *s))) {
            return false;
        }
    }
    return true;
}

// Headers that frame the message are the library's.
static bool is_framing_header(const char *name)
{
    return strcasecmp(name, "Content-Length") == 0 ||
           strcasecmp(name, "Transfer-Encoding") == 0 ||
           strcasecmp(name, "Connection") == 0;
}

static int headers_check(const struct ftl_http_client_request *req,
                         bool *has_host)
{
    *has_host = false;
    if (req->nheaders > 0 && !req->headers) {
        return FTL_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct ftl_http_field *h = &req->headers[i];
        if (!h->name || !h->value || !is_token(h->name) ||
            is_framing_header(h->name) || strpbrk(h->value, "\r\n")) {
            return FTL_ERR_INVALID_ARG;
        }
        *has_host = *has_host || strcasecmp(h->name, "Host") == 0;
    }
    return 0;
}

static bool method_has_body(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
           strcmp(method, "PATCH") == 0;
}

// Appends to the request, whose size was counted before.
struct out {
    char *p;
    size_t len, cap;
};

static void out_put(struct out *o, const void *data, size_t len)
{
    memcpy(o->p + o->len, data, len);
    o->len += len;
}

static void out_str(struct out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

// The request's bytes: request line, Host, the caller's headers, the
// framing, the body. The size is counted first, then the bytes written.
static int request_write(const struct ftl_http_client_request *req,
                         const char *method, const struct http_url *url,
                         bool has_host, char **bytes, size_t *len)
{
    bool length = req->body || req->body_len > 0 || method_has_body(method);
    size_t cap = strlen(method) + url->target_len + strlen(url->host) + 128 +
                 req->body_len;
    for (size_t i = 0; i < req->nheaders; i++) {
        cap += strlen(req->headers[i].name) + strlen(req->headers[i].value) + 4;
    }
    struct out o = {.p = malloc(cap), .cap = cap};
    if (!o.p) {
        return FTL_ERR_NO_MEMORY;
    }
    out_str(&o, method);
    out_str(&o, " ");
    out_put(&o, url->target, url->target_len);
    out_str(&o, " HTTP/1.1\r\n");
    if (!has_host) {
        char port[16] = "";
        if (url->port_given) {
            snprintf(port, sizeof(port), ":%u", url->port);
        }
        out_str(&o, "Host: ");
        out_str(&o, url->host);
        out_str(&o, port);
        out_str(&o, "\r\n");
    }
    for (size_t i = 0; i < req->nheaders; i++) {
        out_str(&o, req->headers[i].name);
        out_str(&o, ": ");
        out_str(&o, req->headers[i].value);
        out_str(&o, "\r\n");
    }
    if (length) {
        char line[48];
        snprintf(line, sizeof(line), "Content-Length: %zu\r\n", req->body_len);
        out_str(&o, line);
    }
    out_str(&o, "Connection: close\r\n\r\n");
    if (req->body_len > 0) {
        out_put(&o, req->body, req->body_len);
    }
    *bytes = o.p;
    *len = o.len;
    return 0;
}

// Whether the request can be sent at all, before anything is made.
static int request_check(const struct ftl_http_client_request *req,
                         const char *method, bool *has_host)
{
    if (!is_token(method) || (req->body_len > 0 && !req->body)) {
        return FTL_ERR_INVALID_ARG;
    }
    return headers_check(req, has_host);
}

int http_client_request_format(const struct ftl_http_client_request *req,
                               const struct http_url *url, char **bytes,
                               size_t *len)
{
    const char *method = req->method ? req->method : "GET";
    bool has_host;
    int err = request_check(req, method, &has_host);
    if (err < 0) {
        return err;
    }
    return request_write(req, method, url, has_host, bytes, len);
}
