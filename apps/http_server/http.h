// HTTP/1.x request heads (RFC 9112): finding the end of the head in a
// buffer and parsing its request line and the few headers the server acts
// on. No allocation: the request points into the buffer.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define HTTP_METHOD_MAX 16
#define HTTP_TARGET_MAX 1024

struct http_request {
    char method[HTTP_METHOD_MAX];
    char path[HTTP_TARGET_MAX]; // the target without its query
    int minor;                  // HTTP/1.<minor>
    bool keep_alive;            // what the client asked for
    long long content_length;   // -1: none given
    bool chunked;               // Transfer-Encoding given
};

// Length of the request head at the start of data (up to and including
// the empty line), or 0 when it is not complete yet.
size_t http_head_length(const char *data, size_t len);

// Checks what has come of a head that is not complete yet: once its first
// line is whole, that line (the request line) is parsed; before, its
// method so far. Returns 0 when nothing is wrong yet, else the status to
// answer with at once, as http_parse: a client that sent a request line
// of HTTP/0.9 (no version) or a method with a NUL in it learns so now, not
// when the header time-out ends a head that will never be complete.
int http_check_start(const char *data, size_t len);

// Parses a complete head of head_len bytes. Returns 0, or the status code
// to answer with: 400 (malformed), 505 (not HTTP/1.x), 414 (target too
// long).
int http_parse(const char *head, size_t head_len, struct http_request *req);
