// https_server: answers every HTTPS request on port 443 with a page, then
// closes the connection. The tls service does the handshake and the
// cryptography and holds the key: this program reads and writes plaintext
// on the same struct ftl_conn as plain TCP (docs/guides/tls.md).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/tls.h>

#define REQUEST_MAX 4096

struct request {
    char text[REQUEST_MAX + 1];
    size_t len;
};

static const char page[] = "<!doctype html><title>https_server</title>"
                           "<h1>Hello from https_server on FTL</h1>\n";

static void on_read(struct ftl_conn *conn, const void *data, long len,
                    void *arg)
{
    struct request *req = arg;
    if (len <= 0 || req->len + (size_t)len > REQUEST_MAX) {
        ftl_conn_close(conn); // closed, broken, or too long for us
        free(req);
        return;
    }
    memcpy(req->text + req->len, data, (size_t)len);
    req->len += (size_t)len;
    req->text[req->len] = '\0';
    if (strstr(req->text, "\r\n\r\n") == NULL) {
        ftl_conn_read(conn, REQUEST_MAX - req->len, on_read, req);
        return; // the headers are not complete yet
    }
    char head[128];
    int n = snprintf(head, sizeof(head),
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     sizeof(page) - 1);
    ftl_conn_write(conn, head, (size_t)n, NULL, NULL);
    ftl_conn_write(conn, page, sizeof(page) - 1, NULL, NULL);
    ftl_conn_close(conn); // after the queued writes
    free(req);
}

static void on_accept(struct ftl_conn *conn, void *arg)
{
    (void)arg;
    struct request *req = calloc(1, sizeof(*req));
    if (req == NULL) {
        ftl_conn_close(conn);
        return;
    }
    ftl_conn_read(conn, REQUEST_MAX, on_read, req);
}

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    ftl_tls_listen(loop, 443, on_accept, NULL);
    printf("serving HTTPS on port 443\n");
    return ftl_loop_run(loop);
}
