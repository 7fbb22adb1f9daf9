// URLs of the HTTP client: `http://` or `https://`, a host (a name or a
// dotted IPv4 address: tcpip resolves it), an optional port and the
// request target. Only what a request line and a connection need is
// taken apart; the path and query are sent as written. Anything that could
// let a URL smuggle bytes into the request (a space, CR, LF, a control or
// non-ASCII byte) makes it invalid, as do forms the client cannot follow
// (user information, IPv6 literals).
#include "http_client_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ftl/error.h>

static bool is_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static bool is_url_char(unsigned char c)
{
    return c > ' ' && c < 0x7f;
}

// The scheme's length, with "://", and whether it is https.
static size_t scheme_len(const char *text, bool *tls)
{
    if (strncasecmp(text, "http://", 7) == 0) {
        *tls = false;
        return 7;
    }
    if (strncasecmp(text, "https://", 8) == 0) {
        *tls = true;
        return 8;
    }
    return 0;
}

// Decimal 1-65535, all of s[0..len).
static int port_parse(const char *s, size_t len, uint16_t *port)
{
    unsigned long value = 0;
    if (len == 0 || len > 5) {
        return FTL_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return FTL_ERR_INVALID_ARG;
        }
        value = value * 10 + (unsigned long)(s[i] - '0');
    }
    if (value == 0 || value > 65535) {
        return FTL_ERR_INVALID_ARG;
    }
    *port = (uint16_t)value;
    return 0;
}

// Host and port from the authority text[0..len).
static int authority_parse(struct http_url *url, const char *text, size_t len)
{
    const char *colon = memchr(text, ':', len);
    size_t host_len = colon ? (size_t)(colon - text) : len;
    if (host_len == 0) {
        return FTL_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < host_len; i++) {
        if (!is_host_char(text[i])) {
            return FTL_ERR_INVALID_ARG; // '@', '[', '%'...
        }
    }
    url->port = url->tls ? 443 : 80;
    if (colon) {
        int err = port_parse(colon + 1, len - host_len - 1, &url->port);
        if (err < 0) {
            return err;
        }
        url->port_given = true;
    }
    // The buffer: host, NUL, then "/" and the target.
    memcpy(url->buf, text, host_len);
    url->buf[host_len] = '\0';
    url->host = url->buf;
    return 0;
}

int http_url_parse(struct http_url *url, const char *text)
{
    *url = (struct http_url){0};
    size_t len = strlen(text);
    for (size_t i = 0; i < len; i++) {
        if (!is_url_char((unsigned char)text[i])) {
            return FTL_ERR_INVALID_ARG;
        }
    }
    size_t start = scheme_len(text, &url->tls);
    if (start == 0) {
        return FTL_ERR_INVALID_ARG;
    }
    size_t end = start + strcspn(text + start, "/?#");
    size_t target_end = end + strcspn(text + end, "#");
    // Host, NUL, '/' (for a target that starts with '?'), target, NUL.
    url->buf = malloc(len + 3);
    if (!url->buf) {
        return FTL_ERR_NO_MEMORY;
    }
    int err = authority_parse(url, text + start, end - start);
    if (err < 0) {
        http_url_free(url);
        return err;
    }
    char *target = url->buf + (end - start) + 1;
    size_t n = target_end - end;
    target[0] = '/';
    size_t skip = n > 0 && text[end] == '/' ? 0 : 1;
    memcpy(target + skip, text + end, n);
    url->target = target;
    url->target_len = n + skip;
    target[url->target_len] = '\0';
    return 0;
}

void http_url_free(struct http_url *url)
{
    free(url->buf);
    *url = (struct http_url){0};
}
