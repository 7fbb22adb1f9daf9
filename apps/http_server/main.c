// http_server: a small HTTP/1.1 server (keep-alive, GET and HEAD) for the
// files embedded from www/ and /status, on PORT (default 80), and over
// TLS on TLS_PORT when that is set (the spec then `requires: [tls]`);
// HTTP_IDLE_MS and HTTP_HEADER_MS change its time-outs (session.h). Its
// first channel leads to its supervisor, which gives it tcpip (OPEN
// service/tcpip), tls (OPEN service/tls) and the services' status
// (GETATTR status).
#include <stdint.h>
#include <stdlib.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/tcp.h>
#include <ftl/tls.h>
#include <ftl/time.h>

#include "routes.h"
#include "session.h"

static struct ftl_loop *loop;
static struct server_stats stats;

static void on_accept(struct ftl_conn *conn, void *arg)
{
    (void)arg;
    session_start(loop, conn, &stats);
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
    if (ftl_tls_listener_open(loop, (uint16_t)port, on_accept, on_tls_error,
                              NULL) != NULL) {
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
    ftl_tcp_listen(loop, (uint16_t)number, on_accept, NULL);
    FTL_LOG_INFO("serving on port %ld", number);
}

static uint64_t env_ms(const char *name, uint64_t fallback_ns)
{
    const char *value = getenv(name);
    return value != NULL ? strtoull(value, NULL, 10) * FTL_MS : fallback_ns;
}

int main(void)
{
    stats.started_ns = ftl_clock_ns();
    session_set_timeouts(env_ms("HTTP_IDLE_MS", SESSION_IDLE_NS),
                         env_ms("HTTP_HEADER_MS", SESSION_HEADER_NS));
    loop = ftl_loop_create();
    struct ftl_client *supervisor =
        ftl_client_create(loop, ftl_start_info->channel);
    if (loop == NULL || supervisor == NULL) {
        return 1;
    }
    routes_set_supervisor(supervisor);
    ftl_client_open(supervisor, "service/tcpip", on_tcpip, NULL);
    listen_tls(supervisor);
    return ftl_loop_run(loop);
}
