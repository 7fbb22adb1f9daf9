// See refusals.h.
#include "refusals.h"

#include <stdio.h>

#include <ftl/log.h>
#include <ftl/time.h>

#include "connection.h"

static const char *const names[REFUSALS] = {
    [REFUSED_CONNECTIONS] = "refused_connections",
    [REFUSED_BACKLOG] = "refused_backlog",
    [REFUSED_MEMORY] = "refused_memory",
    [EVICTED_HALFOPEN] = "evicted_halfopen",
    [DROPPED_TX_QUEUE] = "dropped_tx_queue",
    [DROPPED_RX_MEMORY] = "dropped_rx_memory",
};

static unsigned long counts[REFUSALS];
static unsigned long logged[REFUSALS]; // counts as of the last log line
static uint64_t last_log_ns;

void refusals_count(enum refusal why)
{
    counts[why]++;
    uint64_t now = ftl_clock_ns();
    if (last_log_ns != 0 && now - last_log_ns < FTL_S) {
        return;
    }
    last_log_ns = now;
    for (int i = 0; i < REFUSALS; i++) {
        if (counts[i] != logged[i]) {
            FTL_LOG_WARN("%s: %lu more (%lu in all)", names[i],
                         counts[i] - logged[i], counts[i]);
            logged[i] = counts[i];
        }
    }
}

unsigned long refusals_of(enum refusal why)
{
    return counts[why];
}

size_t refusals_describe(char *text, size_t size)
{
    int n = snprintf(text, size, "connections=%u", connection_count());
    for (int i = 0; i < REFUSALS && n >= 0 && (size_t)n < size; i++) {
        n += snprintf(text + n, size - (size_t)n, " %s=%lu", names[i],
                      counts[i]);
    }
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}
