// tls_fetch: makes one HTTPS request with ftl_tls_connect (ftl/tls.h) to
// TLS_FETCH_HOST:TLS_FETCH_PORT and prints its outcome, for
// tests/qemu/tls_test.py: "tls_fetch: HTTP/1.1 200 OK (N bytes)" or
// "tls_fetch: error: WHY". The test puts a TLS server of its own behind
// that address (QEMU's guestfwd), with a good or a bad certificate.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/tls.h>

#define RESPONSE_MAX 8192

static struct ftl_loop *loop;
static char response[RESPONSE_MAX + 1];
static size_t response_len;

// Whether the response is whole: its head, and Content-Length bytes after
// it (the end of the stream may never come: QEMU's guestfwd does not pass
// the server's close on).
static bool complete(void)
{
    response[response_len] = '\0';
    const char *end = strstr(response, "\r\n\r\n");
    const char *length = strstr(response, "Content-Length: ");
    if (end == NULL || length == NULL) {
        return false;
    }
    size_t body = (size_t)(response + response_len - (end + 4));
    return body >= strtoul(length + 16, NULL, 10);
}

static void on_read(struct ftl_conn *conn, const void *data, long len,
                    void *arg)
{
    (void)arg;
    if (len > 0 && response_len + (size_t)len <= RESPONSE_MAX) {
        memcpy(response + response_len, data, (size_t)len);
        response_len += (size_t)len;
        if (!complete()) {
            ftl_conn_read(conn, RESPONSE_MAX - response_len, on_read, NULL);
            return;
        }
    }
    response[response_len] = '\0';
    char *eol = strstr(response, "\r\n");
    if (eol != NULL) {
        *eol = '\0';
    }
    if (len < 0) {
        printf("tls_fetch: error: %s\n", ftl_error_str((int)len));
    } else {
        printf("tls_fetch: %s (%zu bytes)\n", response, response_len);
    }
    ftl_conn_close(conn);
    ftl_loop_stop(loop, 0);
}

static void on_connected(struct ftl_conn *conn, int error, void *arg)
{
    const char *host = arg;
    if (error < 0) {
        printf("tls_fetch: error: %s\n", ftl_error_str(error));
        ftl_loop_stop(loop, 1);
        return;
    }
    char request[512];
    int n = snprintf(request, sizeof(request),
                     "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
                     host);
    ftl_conn_write(conn, request, (size_t)n, NULL, NULL);
    ftl_conn_read(conn, RESPONSE_MAX, on_read, NULL);
}

int main(void)
{
    const char *host = getenv("TLS_FETCH_HOST");
    const char *port = getenv("TLS_FETCH_PORT");
    loop = ftl_loop_create();
    if (loop == NULL || host == NULL || port == NULL) {
        return 1;
    }
    int err = ftl_tls_connect(loop, host, (uint16_t)strtoul(port, NULL, 10),
                              on_connected, (void *)host);
    if (err < 0) {
        printf("tls_fetch: error: %s\n", ftl_error_str(err));
        return 1;
    }
    return ftl_loop_run(loop);
}
