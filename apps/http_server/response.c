// Responses go out as one write when they are small (head and body in one
// buffer: one WRITE to tcpip, usually one TCP segment), as two otherwise.
#include "response.h"

#include <stdio.h>
#include <string.h>

#define HEAD_MAX 512
#define ONE_WRITE_MAX 16384

static const char *reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 500:
        return "Internal Server Error";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

int response_send(struct ftl_conn *conn, const struct response *r,
                  ftl_conn_write_fn done, void *arg)
{
    static char buffer[HEAD_MAX + ONE_WRITE_MAX];
    int head = snprintf(
        buffer, HEAD_MAX,
        "HTTP/1.1 %d %s\r\n"
        "Server: FTL\r\n"
        "X-Content-Type-Options: nosniff\r\n" // types are as sent
        "Content-Length: %zu\r\n"
        "%s%s%s"
        "Connection: %s\r\n"
        "%s\r\n",
        r->status, reason(r->status), r->len, r->type ? "Content-Type: " : "",
        r->type ? r->type : "", r->type ? "\r\n" : "",
        r->keep_alive ? "keep-alive" : "close", r->extra ? r->extra : "");
    if (head < 0 || head >= HEAD_MAX) {
        return -1;
    }
    size_t body = r->head_only ? 0 : r->len;
    if (body <= ONE_WRITE_MAX) {
        memcpy(buffer + head, r->body, body);
        return ftl_conn_write(conn, buffer, (size_t)head + body, done, arg);
    }
    int err = ftl_conn_write(conn, buffer, (size_t)head, NULL, NULL);
    return err < 0 ? err : ftl_conn_write(conn, r->body, body, done, arg);
}

int response_error(struct ftl_conn *conn, int status, bool head_only,
                   bool keep_alive, const char *extra, ftl_conn_write_fn done,
                   void *arg)
{
    char page[160];
    int len = snprintf(page, sizeof(page),
                       "<!doctype html><title>%d %s</title><h1>%d %s</h1>\n",
                       status, reason(status), status, reason(status));
    struct response r = {.status = status,
                         .type = "text/html; charset=utf-8",
                         .body = page,
                         .len = (size_t)len,
                         .head_only = head_only,
                         .keep_alive = keep_alive,
                         .extra = extra};
    return response_send(conn, &r, done, arg);
}
