// Fuzz target: libftl's HTTP server (sdk/lib/http_server.c and the files
// it dispatches to), which takes bytes straight from the network. The
// first input byte picks the size of the reads the rest is cut into, so
// that every split is tried; the rest is what a client sends. Whatever
// the input, the session must ask for a read or close after each one (the
// app answers at once), never write after closing, and free everything
// once the client's stream ends (LeakSanitizer checks).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <ftl/log.h>

#include "http_internal.h"

static struct {
    bool reading, closed;
} conn;

uint64_t ftl_clock_ns(void)
{
    return 0;
}

void ftl_log(enum ftl_console_level level, const char *format, ...)
{
    (void)level;
    (void)format;
}

static void fake_read(void *t, bool in_request)
{
    (void)t;
    (void)in_request;
    if (conn.reading || conn.closed) {
        abort();
    }
    conn.reading = true;
}

static void fake_hold(void *t)
{
    (void)t;
}

static int fake_write(void *t, const void *data, size_t len)
{
    (void)t;
    if (conn.closed || (len > 0 && data == NULL)) {
        abort();
    }
    return 0;
}

static void fake_close(void *t)
{
    (void)t;
    if (conn.closed) {
        abort();
    }
    conn.closed = true;
    conn.reading = false;
}

static const struct http_transport transport = {
    .read = fake_read,
    .hold = fake_hold,
    .write = fake_write,
    .close = fake_close,
};

static void echo(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)arg;
    size_t len;
    const char *body = ftl_http_body(req, &len);
    ftl_http_set_header(res, "X-Q", ftl_http_query(req, "q") ? "1" : "0");
    ftl_http_start(res, 200, "text/plain");
    ftl_http_write(res, ftl_http_path(req), strlen(ftl_http_path(req)));
    ftl_http_write(res, body, len);
    ftl_http_end(res);
}

static void json(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)arg;
    cJSON *body = ftl_http_json_body(req, res);
    if (body) {
        ftl_http_send_json(res, 200, cJSON_Duplicate(body, true));
    }
}

static void item(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)arg;
    ftl_http_send_text(res, 200, ftl_http_param(req, "id"));
}

static struct ftl_http_app *app_get(void)
{
    static struct ftl_http_app *app;
    if (!app) {
        app = ftl_http_app_create(NULL);
        struct ftl_http_limits l = {.line_max = 256,
                                    .header_max = 1024,
                                    .headers_max = 16,
                                    .body_max = 4096};
        ftl_http_set_limits(app, &l);
        ftl_http_use_request_id(app);
        ftl_http_log_requests(app);
        ftl_http_route(app, "GET", "/items/:id", item, NULL);
        ftl_http_route(app, "POST", "/json", json, NULL);
        ftl_http_route(app, "*", "/echo/*", echo, NULL);
    }
    return app;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    size_t step = (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    memset(&conn, 0, sizeof(conn));
    struct http_session *s = http_session_create(app_get(), &transport, NULL);
    if (!s) {
        return 0;
    }
    http_session_start(s);
    for (size_t off = 0; off < size && !conn.closed; off += step) {
        if (!conn.reading) {
            abort(); // neither reading nor closed: a request left hanging
        }
        size_t n = size - off < step ? size - off : step;
        // A copy of exactly n bytes: ASan sees reads past the piece.
        char *piece = malloc(n);
        memcpy(piece, data + off, n);
        conn.reading = false;
        http_session_input(s, piece, (long)n);
        free(piece);
    }
    if (!conn.closed) {
        if (!conn.reading) {
            abort();
        }
        conn.reading = false;
        http_session_input(s, NULL, 0); // the end of the stream frees s
    }
    return 0;
}
