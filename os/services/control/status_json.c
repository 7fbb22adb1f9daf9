// The status table to JSON, a service at a time (ftl/status.h parses the
// lines; their words need no escaping).
#include "status_json.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ftl/status.h>

// "null" for a negative number (not running), else the number.
static const char *number_or_null(long long value, char *text, size_t size)
{
    if (value < 0) {
        return "null";
    }
    snprintf(text, size, "%lld", value);
    return text;
}

size_t status_json(const char *table, uint64_t uptime_ms, char *out,
                   size_t max)
{
    int n = snprintf(out, max, "{\"system\":{\"uptime_ms\":%llu},\"services\":[",
                     (unsigned long long)uptime_ms);
    if (n < 0 || (size_t)n >= max) {
        return 0;
    }
    size_t used = (size_t)n;
    bool first = true;
    for (const char *line = table; line != NULL && *line != '\0';) {
        struct ftl_service_status s;
        if (ftl_status_parse_line(line, &s)) {
            char uptime[24], memory[24], version[FTL_STATUS_WORD_MAX + 2];
            snprintf(version, sizeof(version), "\"%s\"", s.version);
            n = snprintf(out + used, max - used,
                         "%s{\"name\":\"%s\",\"state\":\"%s\",\"restarts\":%u,"
                         "\"isolation\":\"%s\",\"uptime_ms\":%s,"
                         "\"memory_kib\":%s,\"memory_limit_kib\":%llu,"
                         "\"version\":%s}",
                         first ? "" : ",", s.name, s.state, s.restarts,
                         s.isolation,
                         number_or_null(s.uptime_ms, uptime, sizeof(uptime)),
                         number_or_null(s.memory_kib, memory, sizeof(memory)),
                         s.memory_limit_kib,
                         s.version[0] != '\0' ? version : "null");
            if (n < 0 || (size_t)n >= max - used) {
                return 0;
            }
            used += (size_t)n;
            first = false;
        }
        line = strchr(line, '\n');
        line = line != NULL ? line + 1 : NULL;
    }
    n = snprintf(out + used, max - used, "]}");
    if (n < 0 || (size_t)n >= max - used) {
        return 0;
    }
    return used + (size_t)n;
}
