// See limits.h.
#include "limits.h"

#include <stdlib.h>

#include <ftl/log.h>

struct tcp_limits tcp_limits = {
    .max_connections = TCP_MAX_CONNECTIONS_DEFAULT,
    .accept_backlog = TCP_ACCEPT_BACKLOG_DEFAULT,
    .syn_backlog = TCP_SYN_BACKLOG_DEFAULT,
};

static void load(const char *name, unsigned *value)
{
    const char *text = getenv(name);
    if (text == NULL) {
        return;
    }
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || n == 0 ||
        n > TCP_LIMIT_MAX) {
        FTL_LOG_ERROR("%s=\"%s\": not a number from 1 to %u; using %u", name,
                      text, TCP_LIMIT_MAX, *value);
        return;
    }
    *value = (unsigned)n;
}

void tcp_limits_load(void)
{
    load("TCP_MAX_CONNECTIONS", &tcp_limits.max_connections);
    load("TCP_ACCEPT_BACKLOG", &tcp_limits.accept_backlog);
    load("TCP_SYN_BACKLOG", &tcp_limits.syn_backlog);
    FTL_LOG_INFO("limits: connections=%u accept_backlog=%u syn_backlog=%u",
                 tcp_limits.max_connections, tcp_limits.accept_backlog,
                 tcp_limits.syn_backlog);
}
