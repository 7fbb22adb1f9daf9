// tls's limits and counters (limits.h).
#include "limits.h"

#include <stdio.h>
#include <stdlib.h>

#include <ftl/log.h>
#include <ftl/loop.h>

struct tls_limits tls_limits = {
    .handshakes_max = 256, .backlog = 1024, .handshake_ns = 10000 * FTL_MS};
struct tls_counts tls_counts;

static void load(const char *name, unsigned long min, unsigned long max,
                 unsigned long *value)
{
    const char *text = getenv(name);
    if (text == NULL) {
        return;
    }
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    if (*text == '\0' || *end != '\0' || n < min || n > max) {
        FTL_LOG_ERROR("%s=%s: not a number from %lu to %lu; keeping %lu",
                      name, text, min, max, *value);
        return;
    }
    *value = n;
}

void tls_limits_load(void)
{
    unsigned long handshakes = tls_limits.handshakes_max;
    unsigned long backlog = tls_limits.backlog;
    unsigned long ms = tls_limits.handshake_ns / FTL_MS;
    load("TLS_HANDSHAKES_MAX", 1, 65536, &handshakes);
    load("TLS_ACCEPT_BACKLOG", 1, 65536, &backlog);
    load("TLS_HANDSHAKE_MS", 100, 600000, &ms);
    tls_limits.handshakes_max = (unsigned)handshakes;
    tls_limits.backlog = (unsigned)backlog;
    tls_limits.handshake_ns = ms * FTL_MS;
    FTL_LOG_INFO("limits: handshakes=%lu backlog=%lu handshake_ms=%lu",
                 handshakes, backlog, ms);
}

size_t tls_counts_describe(char *out, size_t max)
{
    int n = snprintf(out, max,
                     "handshakes=%llu failed=%llu timed_out=%llu evicted=%llu "
                     "sessions=%llu handshaking=%u",
                     (unsigned long long)tls_counts.handshakes,
                     (unsigned long long)tls_counts.failed,
                     (unsigned long long)tls_counts.timed_out,
                     (unsigned long long)tls_counts.evicted,
                     (unsigned long long)tls_counts.sessions,
                     tls_counts.handshaking);
    return n < 0 ? 0 : (size_t)n < max ? (size_t)n : max - 1;
}
