// The status table (see status.h), in the spirit of `kubectl get pods`.
#include "status.h"

#include <stdio.h>

#include <ftl/loop.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "service.h"

#define KIB 1024ull

// "12.3s", "-" when not running.
static void format_uptime(const struct service *s, char *out, size_t size)
{
    if (s->state != SERVICE_RUNNING) {
        snprintf(out, size, "-");
        return;
    }
    uint64_t tenths = (ftl_clock_ns() - s->started_ns) / (100 * FTL_MS);
    snprintf(out, size, "%lu.%lus", (unsigned long)(tenths / 10),
             (unsigned long)(tenths % 10));
}

// "1204KiB/16384KiB" while running, "-/16384KiB" otherwise.
static void format_memory(const struct service *s, char *out, size_t size)
{
    struct ftl_process_info info;
    if (s->state == SERVICE_RUNNING &&
        ftl_process_info(s->process, &info) == 0) {
        snprintf(out, size, "%luKiB/%luKiB",
                 (unsigned long)(info.memory_bytes / KIB),
                 (unsigned long)(s->spec->memory / KIB));
    } else {
        snprintf(out, size, "-/%luKiB", (unsigned long)(s->spec->memory / KIB));
    }
}

size_t status_table(char *buf, size_t size)
{
    size_t len = (size_t)snprintf(buf, size,
                                  "%-16s %-16s %8s %-9s %9s %-17s %s\n",
                                  "NAME", "STATE", "RESTARTS", "ISOLATION",
                                  "UPTIME", "MEMORY", "VERSION");
    for (unsigned i = 0; i < supervisor.count && len < size; i++) {
        struct service *s = &supervisor.services[i];
        if (s->state == SERVICE_REMOVED) {
            continue;
        }
        char uptime[24], memory[48];
        format_uptime(s, uptime, sizeof(uptime));
        format_memory(s, memory, sizeof(memory));
        len += (size_t)snprintf(
            buf + len, size - len, "%-16s %-16s %8u %-9s %9s %-17s %s\n",
            s->spec->name,
            s->stopping == STOP_RETIRE ? "Draining"
                                       : service_state_name(s->state),
            s->restarts,
            ftl_manifest_isolation_name(s->spec->isolation),
            uptime, memory,
            s->state == SERVICE_RUNNING ? service_version(s) : "-");
    }
    return len < size ? len : size - 1;
}
