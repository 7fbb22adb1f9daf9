// http_server: a small HTTP/1.1 server (keep-alive, GET and HEAD) for the
// files embedded from www/ and /status, on PORT (default 80); HTTP_IDLE_MS
// and HTTP_HEADER_MS change its time-outs (session.h). Its first
// channel leads to its supervisor, which gives it tcpip (OPEN
// service/tcpip) and the services' status (GETATTR status).
#include <stdlib.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/tcp.h>
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
    return ftl_loop_run(loop);
}
