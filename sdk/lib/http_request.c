// The request object's read side: method, path, query, headers, body and
// route parameters, as handlers see them. Parsing fills the raw strings
// (http_server.c); the decoded ones (path, query) are made once, at
// dispatch, into one buffer whose size the target bounds.
#include "http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

// A '%' not followed by two hex digits stays as it is: lenient, as most
// servers are, rather than a 400 for a stray percent sign.
size_t http_decode(char *dst, const char *src, size_t len, bool plus)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = src[i];
        if (c == '%' && i + 2 < len && hex_value(src[i + 1]) >= 0 &&
            hex_value(src[i + 2]) >= 0) {
            c = (char)(hex_value(src[i + 1]) * 16 + hex_value(src[i + 2]));
            i += 2;
        } else if (c == '+' && plus) {
            c = ' ';
        }
        dst[n++] = c;
    }
    dst[n] = '\0';
    return n;
}

// Copies len decoded bytes of src into the request's decoded buffer.
static const char *decoded_add(struct ftl_http_request *req, const char *src,
                               size_t len, bool plus)
{
    char *dst = req->decoded + req->decoded_len;
    req->decoded_len += http_decode(dst, src, len, plus) + 1;
    return dst;
}

// Splits the target into the decoded path and query pairs. The buffer
// holds the path, every key and value, and the parameters that routing
// adds (each at most a segment of the path), with their NULs: at most
// three times the target's length, plus a NUL per string.
int http_request_decode(struct ftl_http_request *req)
{
    const char *target = req->head + req->target;
    size_t len = strlen(target);
    req->decoded = malloc(3 * len + 2 * HTTP_PARAMS_MAX + 8);
    const char *q = memchr(target, '?', len);
    size_t path_len = q ? (size_t)(q - target) : len;
    size_t pairs = 1;
    for (const char *c = q; c && *c; c++) {
        pairs += *c == '&';
    }
    req->query = malloc(2 * pairs * sizeof(*req->query));
    if (!req->decoded || !req->query) {
        return -1;
    }
    req->path = decoded_add(req, target, path_len, false);
    for (const char *c = q ? q + 1 : NULL; c && *c;) {
        size_t n = strcspn(c, "&");
        size_t k = strcspn(c, "=");
        if (n > 0) {
            size_t key_len = k < n ? k : n;
            req->query[2 * req->nquery] = decoded_add(req, c, key_len, true);
            req->query[2 * req->nquery + 1] =
                k < n ? decoded_add(req, c + k + 1, n - k - 1, true)
                      : decoded_add(req, "", 0, true);
            req->nquery++;
        }
        c += n + (c[n] == '&');
    }
    return 0;
}

// Adds a route parameter, decoded, to the request.
void http_request_add_param(struct ftl_http_request *req, const char *name,
                            size_t name_len, const char *value,
                            size_t value_len)
{
    req->params[req->nparams].name = name;
    req->params[req->nparams].name_len = name_len;
    req->params[req->nparams].value = decoded_add(req, value, value_len, false);
    req->nparams++;
}

const char *ftl_http_method(const struct ftl_http_request *req)
{
    return req->method;
}

const char *ftl_http_path(const struct ftl_http_request *req)
{
    return req->path;
}

const char *ftl_http_target(const struct ftl_http_request *req)
{
    return req->head + req->target;
}

const char *ftl_http_param(const struct ftl_http_request *req, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < req->nparams; i++) {
        if (req->params[i].name_len == len &&
            memcmp(req->params[i].name, name, len) == 0) {
            return req->params[i].value;
        }
    }
    return NULL;
}

const char *ftl_http_query(const struct ftl_http_request *req, const char *key)
{
    for (size_t i = 0; i < req->nquery; i++) {
        if (strcmp(req->query[2 * i], key) == 0) {
            return req->query[2 * i + 1];
        }
    }
    return NULL;
}

const char *ftl_http_header(const struct ftl_http_request *req,
                            const char *name)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        const struct http_header *h = &req->headers[i];
        if (strcasecmp(req->head + h->name, name) == 0) {
            return h->value == HTTP_NO_VALUE ? "" : req->head + h->value;
        }
    }
    return NULL;
}

const char *ftl_http_body(const struct ftl_http_request *req, size_t *len)
{
    if (len) {
        *len = req->body_len;
    }
    return req->body ? req->body : "";
}

const char *ftl_http_request_id(const struct ftl_http_request *req)
{
    return req->request_id[0] ? req->request_id : NULL;
}

void ftl_http_set_user(struct ftl_http_request *req, void *user)
{
    req->user = user;
}

void *ftl_http_user(const struct ftl_http_request *req)
{
    return req->user;
}
