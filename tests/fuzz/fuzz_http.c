// Fuzz target: the HTTP request head parser of apps/http_server (http.c),
// which reads bytes straight from the network. The input is what a client
// sends: the head is cut where http_head_length says and parsed from a
// heap block of exactly its size, so ASan sees any read past it. Whatever
// the input, a parsed request must hold NUL-terminated strings within
// their arrays and a status the header promises.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static void request_check(int status, const struct http_request *req)
{
    if (status != 0 && status != 400 && status != 414 && status != 505) {
        abort();
    }
    if (status != 0) {
        return;
    }
    if (memchr(req->method, '\0', sizeof(req->method)) == NULL ||
        memchr(req->path, '\0', sizeof(req->path)) == NULL ||
        req->path[0] != '/' || req->minor < 0 || req->minor > 9 ||
        req->content_length < -1) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t head_len = http_head_length((const char *)data, size);
    if (head_len > size) {
        abort();
    }
    if (head_len == 0) {
        return 0; // the server waits for more; http_parse sees whole heads
    }
    char *head = malloc(head_len);
    memcpy(head, data, head_len);
    struct http_request req;
    request_check(http_parse(head, head_len, &req), &req);
    free(head);
    return 0;
}
