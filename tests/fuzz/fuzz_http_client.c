// Fuzz target: the response parser of libftl's HTTP client
// (sdk/lib/http_reply.c, on http-parser), which takes bytes from whatever
// server a program calls, and its URL parser (sdk/lib/http_url.c). The
// first input byte picks what the rest is: bit 6 set, a URL; else a
// response to a GET (or, bit 7, to a HEAD) cut into reads of
// (byte % 64) + 1 bytes, so that every split is tried. Whatever the
// input, the parser must end in a complete reply that keeps its promises
// (a final status, no body where none may be, within the limits, strings
// that are strings) or one of its documented errors, and free everything
// (LeakSanitizer checks).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "http_client_internal.h"

static const struct http_reply_limits limits = {
    .head_max = 1024, .headers_max = 16, .body_max = 4096};

static void check_url(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct http_url url;
    int err = http_url_parse(&url, text);
    if (err == 0) {
        if (url.host[0] == '\0' || url.target[0] != '/' || url.port == 0 ||
            strlen(url.target) != url.target_len ||
            strpbrk(url.target, " \r\n#") || strpbrk(url.host, ":@/")) {
            abort();
        }
        http_url_free(&url);
    } else if (err != FTL_ERR_INVALID_ARG) {
        abort();
    }
    free(text);
}

// A complete reply: what the client's callback may rely on.
static void check_reply(const struct ftl_http_reply *reply, bool head)
{
    int status = ftl_http_reply_status(reply);
    if (status < 200 || status > 999) {
        abort();
    }
    size_t len;
    const char *body = ftl_http_reply_body(reply, &len);
    if (len > limits.body_max || body[len] != '\0' ||
        ((head || status == 204 || status == 304) && len != 0)) {
        abort();
    }
    const char *name, *value;
    size_t i = 0;
    for (; ftl_http_reply_header_at(reply, i, &name, &value); i++) {
        if (ftl_http_reply_header(reply, name) == NULL ||
            strlen(name) + strlen(value) > limits.head_max) {
            abort();
        }
    }
    if (i > limits.headers_max) {
        abort();
    }
}

static bool is_documented(int r)
{
    return r == FTL_ERR_BAD_FORMAT || r == FTL_ERR_TOO_LARGE ||
           r == FTL_ERR_NO_MEMORY;
}

static void check_response(const uint8_t *data, size_t size, size_t step,
                           bool head)
{
    struct ftl_http_reply reply;
    http_reply_init(&reply, &limits, head);
    int r = 0;
    for (size_t off = 0; off < size && r == 0; off += step) {
        size_t n = size - off < step ? size - off : step;
        // A copy of exactly n bytes: ASan sees reads past the piece.
        char *piece = malloc(n);
        memcpy(piece, data + off, n);
        r = http_reply_input(&reply, piece, n);
        free(piece);
        if (r < 0 && !is_documented(r)) {
            abort();
        }
    }
    if (r == 0) {
        r = http_reply_eof(&reply);
        if (r != 1 && r != FTL_ERR_PEER_CLOSED) {
            abort();
        }
    }
    if (r == 1) {
        check_reply(&reply, head);
    }
    http_reply_free(&reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    uint8_t mode = data[0];
    if (mode & 0x40) {
        check_url(data + 1, size - 1);
    } else {
        check_response(data + 1, size - 1, (size_t)(mode % 64) + 1,
                       (mode & 0x80) != 0);
    }
    return 0;
}
