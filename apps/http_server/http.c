// Request heads: the request line, then header fields, each ending in
// CRLF (a bare LF is accepted, as RFC 9112 section 2.2 allows), then an
// empty line. Field names are case-insensitive; only Connection,
// Content-Length and Transfer-Encoding matter here.
#include "http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t http_head_length(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '\n') {
            continue;
        }
        if (i + 1 < len && data[i + 1] == '\n') {
            return i + 2;
        }
        if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n') {
            return i + 3;
        }
    }
    return 0;
}

// The next line of [*at, end) without its line ending; advances *at.
static size_t next_line(const char **at, const char *end, const char **line)
{
    const char *start = *at;
    const char *nl = memchr(start, '\n', (size_t)(end - start));
    if (nl == NULL) {
        nl = end;
    }
    *at = nl < end ? nl + 1 : end;
    *line = start;
    size_t len = (size_t)(nl - start);
    if (len > 0 && start[len - 1] == '\r') {
        len--;
    }
    return len;
}

static bool is_token_char(char c)
{
    // c != '\0': strchr finds the terminator, and a NUL is no token char.
    return isalnum((unsigned char)c) ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int parse_request_line(const char *line, size_t len,
                              struct http_request *req)
{
    const char *sp1 = memchr(line, ' ', len);
    if (sp1 == NULL || sp1 == line || (size_t)(sp1 - line) >= HTTP_METHOD_MAX) {
        return 400;
    }
    const char *rest = sp1 + 1;
    const char *sp2 = memchr(rest, ' ', len - (size_t)(rest - line));
    if (sp2 == NULL || sp2 == rest) {
        return 400;
    }
    for (const char *c = line; c < sp1; c++) {
        if (!is_token_char(*c)) {
            return 400;
        }
    }
    memcpy(req->method, line, (size_t)(sp1 - line));
    req->method[sp1 - line] = '\0';

    const char *version = sp2 + 1;
    size_t version_len = len - (size_t)(version - line);
    if (version_len != 8 || strncmp(version, "HTTP/", 5) != 0 ||
        !isdigit((unsigned char)version[5]) || version[6] != '.' ||
        !isdigit((unsigned char)version[7])) {
        return 400;
    }
    if (version[5] != '1') {
        return 505;
    }
    req->minor = version[7] - '0';

    size_t target_len = (size_t)(sp2 - rest);
    const char *query = memchr(rest, '?', target_len);
    size_t path_len = query != NULL ? (size_t)(query - rest) : target_len;
    if (rest[0] != '/') {
        return 400; // only origin-form targets
    }
    if (path_len >= HTTP_TARGET_MAX) {
        return 414;
    }
    for (size_t i = 0; i < target_len; i++) {
        if ((unsigned char)rest[i] <= ' ' || rest[i] == 0x7f) {
            return 400;
        }
    }
    memcpy(req->path, rest, path_len);
    req->path[path_len] = '\0';
    return 0;
}

// Whether the comma-separated list value (of len bytes) holds token.
static bool list_has(const char *value, size_t len, const char *token)
{
    size_t token_len = strlen(token);
    size_t i = 0;
    while (i < len) {
        while (i < len &&
               (value[i] == ' ' || value[i] == '\t' || value[i] == ',')) {
            i++;
        }
        size_t start = i;
        while (i < len && value[i] != ',') {
            i++;
        }
        size_t end = i;
        while (end > start &&
               (value[end - 1] == ' ' || value[end - 1] == '\t')) {
            end--;
        }
        if (end - start == token_len &&
            strncasecmp(value + start, token, token_len) == 0) {
            return true;
        }
    }
    return false;
}

static int parse_field(const char *line, size_t len, struct http_request *req,
                       bool *close, bool *keep)
{
    const char *colon = memchr(line, ':', len);
    if (colon == NULL || colon == line) {
        return 400;
    }
    size_t name_len = (size_t)(colon - line);
    for (size_t i = 0; i < name_len; i++) {
        if (!is_token_char(line[i])) {
            return 400; // includes whitespace before the colon (5.1)
        }
    }
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    while (value_len > 0 && (*value == ' ' || *value == '\t')) {
        value++;
        value_len--;
    }
    while (value_len > 0 &&
           (value[value_len - 1] == ' ' || value[value_len - 1] == '\t')) {
        value_len--;
    }
    if (name_len == 10 && strncasecmp(line, "connection", 10) == 0) {
        *close |= list_has(value, value_len, "close");
        *keep |= list_has(value, value_len, "keep-alive");
    } else if (name_len == 14 && strncasecmp(line, "content-length", 14) == 0) {
        if (value_len == 0 || value_len > 18 || req->content_length >= 0) {
            return 400;
        }
        long long n = 0;
        for (size_t i = 0; i < value_len; i++) {
            if (!isdigit((unsigned char)value[i])) {
                return 400;
            }
            n = n * 10 + (value[i] - '0');
        }
        req->content_length = n;
    } else if (name_len == 17 &&
               strncasecmp(line, "transfer-encoding", 17) == 0) {
        req->chunked = true;
    }
    return 0;
}

int http_check_start(const char *data, size_t len)
{
    const char *nl = memchr(data, '\n', len);
    if (nl == NULL) {
        // No method is longer than HTTP_METHOD_MAX - 1: a first line that
        // has not come to its space by then never will be one.
        const char *sp = memchr(data, ' ', len);
        size_t method_len = sp != NULL ? (size_t)(sp - data) : len;
        for (size_t i = 0; i < method_len && i < HTTP_METHOD_MAX; i++) {
            if (!is_token_char(data[i])) {
                return 400;
            }
        }
        return method_len >= HTTP_METHOD_MAX ? 400 : 0;
    }
    const char *line = data;
    size_t line_len = next_line(&data, data + len, &line);
    struct http_request req;
    return parse_request_line(line, line_len, &req);
}

int http_parse(const char *head, size_t head_len, struct http_request *req)
{
    memset(req, 0, sizeof(*req));
    req->content_length = -1;
    const char *at = head;
    const char *end = head + head_len;
    const char *line;
    size_t len = next_line(&at, end, &line);
    int status = parse_request_line(line, len, req);
    if (status != 0) {
        return status;
    }
    bool close = false, keep = false;
    while (at < end) {
        len = next_line(&at, end, &line);
        if (len == 0) {
            break; // the empty line ending the head
        }
        if (line[0] == ' ' || line[0] == '\t') {
            return 400; // obsolete line folding (5.2)
        }
        status = parse_field(line, len, req, &close, &keep);
        if (status != 0) {
            return status;
        }
    }
    req->keep_alive = req->minor >= 1 ? !close : keep && !close;
    return 0;
}
