// The status table to JSON. Names, states, isolation modes and versions
// (hex digits) are plain words (the table's sscanf patterns admit nothing
// else), so they need no escaping.
#include "status_json.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

// "12.3s" to milliseconds; -1 for "-" (not running).
static long long uptime_ms_of(const char *text)
{
    unsigned long s, tenths;
    if (sscanf(text, "%lu.%lus", &s, &tenths) != 2) {
        return -1;
    }
    return (long long)s * 1000 + (long long)tenths * 100;
}

size_t status_json(const char *table, uint64_t uptime_ms, char *out,
                   size_t max)
{
    size_t used = 0;
    int n = snprintf(out, max, "{\"system\":{\"uptime_ms\":%llu},\"services\":[",
                     (unsigned long long)uptime_ms);
    if (n < 0 || (size_t)n >= max) {
        return 0;
    }
    used = (size_t)n;
    bool first = true;
    const char *line = strchr(table, '\n'); // after the header
    while (line != NULL && *++line != '\0') {
        char name[64], state[32], isolation[16], uptime[24], memory[48];
        char version[16] = "-";
        unsigned restarts;
        if (sscanf(line,
                   "%63[A-Za-z0-9_.-] %31[A-Za-z0-9_-] %u %15[a-z] %23s %47s "
                   "%15[0-9a-f-]",
                   name, state, &restarts, isolation, uptime, memory,
                   version) >= 6) {
            unsigned long in_use = 0, limit = 0;
            bool running = sscanf(memory, "%luKiB/%luKiB", &in_use, &limit) == 2;
            if (!running) {
                sscanf(memory, "-/%luKiB", &limit);
            }
            char in_use_text[24] = "null", uptime_text[24] = "null";
            char version_text[24] = "null";
            if (strcmp(version, "-") != 0) {
                snprintf(version_text, sizeof(version_text), "\"%s\"",
                         version);
            }
            if (running) {
                snprintf(in_use_text, sizeof(in_use_text), "%lu", in_use);
            }
            long long up = uptime_ms_of(uptime);
            if (up >= 0) {
                snprintf(uptime_text, sizeof(uptime_text), "%lld", up);
            }
            n = snprintf(out + used, max - used,
                         "%s{\"name\":\"%s\",\"state\":\"%s\",\"restarts\":%u,"
                         "\"isolation\":\"%s\",\"uptime_ms\":%s,"
                         "\"memory_kib\":%s,\"memory_limit_kib\":%lu,"
                         "\"version\":%s}",
                         first ? "" : ",", name, state, restarts, isolation,
                         uptime_text, in_use_text, limit, version_text);
            if (n < 0 || (size_t)n >= max - used) {
                return 0;
            }
            used += (size_t)n;
            first = false;
        }
        line = strchr(line, '\n');
    }
    n = snprintf(out + used, max - used, "]}");
    if (n < 0 || (size_t)n >= max - used) {
        return 0;
    }
    return used + (size_t)n;
}
