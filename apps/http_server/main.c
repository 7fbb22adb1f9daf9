// http_server: the system's web server, on the SDK's HTTP library
// (ftl/http.h): the files of public/ (packed into the program at build
// time) and GET /status, on PORT (default 80), and over TLS on TLS_PORT
// when that is set (the spec then `requires: [tls]`). HTTP_IDLE_MS and
// HTTP_HEADER_MS change how long a keep-alive connection may wait for its
// next request and a request may take to arrive. Its first channel leads
// to its supervisor, which gives it tcpip (OPEN service/tcpip), tls (OPEN
// service/tls) and the services' status (GETATTR status).
#include <stdint.h>
#include <stdlib.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/http.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/tcp.h>
#include <ftl/tls.h>
#include <ftl/time.h>

#include "status.h"

// Nothing here takes a request body, and no path is long: small limits
// keep what a client can make the server hold small.
#define TARGET_MAX 1024
#define HEADER_MAX 8192
#define BODY_MAX 8192
#define IDLE_NS (15 * FTL_S)
#define REQUEST_NS (10 * FTL_S)

static struct ftl_loop *loop;
static struct ftl_http_app *app;

// Every answer says who served it, and that its content type is meant:
// a browser must not guess another from the bytes.
static bool common_headers(struct ftl_http_request *req,
                           struct ftl_http_response *res, void *arg)
{
    (void)req;
    (void)arg;
    ftl_http_set_header(res, "Server", "FTL");
    ftl_http_set_header(res, "X-Content-Type-Options", "nosniff");
    return true;
}

static void on_tls_accept(struct ftl_conn *conn, void *arg)
{
    (void)arg;
    ftl_http_serve_conn(app, conn);
}

// HTTPS is an addition: without it (tls cannot listen: no certificate,
// no random numbers) plain HTTP goes on being served.
static void on_tls_error(struct ftl_tcp_listener *listener, int error,
                         void *arg)
{
    (void)arg;
    FTL_LOG_WARN("no HTTPS: %s", ftl_error_str(error));
    ftl_tcp_listener_close(listener);
}

static void on_tls(const struct ftl_result *result, void *arg)
{
    long port = (long)(intptr_t)arg;
    if (result->error < 0) {
        FTL_LOG_WARN("no HTTPS: no tls: %s", ftl_error_str(result->error));
        return;
    }
    ftl_tls_use(loop, result->handle);
    if (ftl_tls_listener_open(loop, (uint16_t)port, on_tls_accept,
                              on_tls_error, NULL) != NULL) {
        FTL_LOG_INFO("serving HTTPS on port %ld", port);
    }
}

static void listen_tls(struct ftl_client *supervisor)
{
    const char *port = getenv("TLS_PORT");
    if (port != NULL) {
        long number = strtol(port, NULL, 10);
        ftl_client_open(supervisor, "service/tls", on_tls,
                        (void *)(intptr_t)number);
    }
}

static void on_tcpip(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        FTL_LOG_ERROR("no tcpip: %s", ftl_error_str(result->error));
        ftl_loop_stop(loop, 1);
        return;
    }
    ftl_tcp_use(loop, result->handle);
    const char *port = getenv("PORT");
    long number = port != NULL ? strtol(port, NULL, 10) : 80;
    ftl_http_listen(app, (uint16_t)number);
    FTL_LOG_INFO("serving on port %ld", number);
}

static uint64_t env_ms(const char *name, uint64_t fallback_ns)
{
    const char *value = getenv(name);
    return value != NULL ? strtoull(value, NULL, 10) * FTL_MS : fallback_ns;
}

int main(void)
{
    loop = ftl_loop_create();
    app = loop != NULL ? ftl_http_app_create(loop) : NULL;
    struct ftl_client *supervisor =
        loop != NULL ? ftl_client_create(loop, ftl_start_info->channel) : NULL;
    if (app == NULL || supervisor == NULL) {
        return 1;
    }
    ftl_http_set_limits(app, &(struct ftl_http_limits){
                                 .line_max = TARGET_MAX,
                                 .header_max = HEADER_MAX,
                                 .body_max = BODY_MAX,
                                 .idle_ns = env_ms("HTTP_IDLE_MS", IDLE_NS),
                                 .request_ns =
                                     env_ms("HTTP_HEADER_MS", REQUEST_NS),
                             });
    if (ftl_http_use(app, common_headers, NULL) < 0 ||
        status_route(app, supervisor) < 0 || ftl_http_public(app, "/*") < 0) {
        FTL_LOG_ERROR("cannot set up the routes");
        return 1;
    }
    ftl_client_open(supervisor, "service/tcpip", on_tcpip, NULL);
    listen_tls(supervisor);
    return ftl_loop_run(loop);
}
