// The status table's lines (ftl/status.h), for the programs that show the
// supervisor's status in another form (the control service's JSON,
// http_server's /status).
#include <ftl/status.h>

#include <stdio.h>
#include <string.h>

// "12.3s" to milliseconds; -1 for "-".
static long long uptime_ms_of(const char *text)
{
    unsigned long s, tenths;
    if (sscanf(text, "%lu.%lus", &s, &tenths) != 2) {
        return -1;
    }
    return (long long)s * 1000 + (long long)tenths * 100;
}

bool ftl_status_parse_line(const char *line, struct ftl_service_status *out)
{
    char uptime[24], memory[48];
    *out = (struct ftl_service_status){0};
    // The widths are FTL_STATUS_WORD_MAX - 1: a longer word is not a line
    // of the table.
    int n = sscanf(line,
                   "%31[A-Za-z0-9_.-] %31[A-Za-z0-9_-] %u %31[a-z] %23s %47s "
                   "%31[0-9a-f-]",
                   out->name, out->state, &out->restarts, out->isolation,
                   uptime, memory, out->version);
    if (n < 6) {
        return false; // the header's RESTARTS is no number
    }
    if (n < 7 || strcmp(out->version, "-") == 0) {
        out->version[0] = '\0';
    }
    out->uptime_ms = uptime_ms_of(uptime);
    unsigned long long in_use = 0, limit = 0;
    if (sscanf(memory, "%lluKiB/%lluKiB", &in_use, &limit) == 2) {
        out->memory_kib = (long long)in_use;
    } else {
        out->memory_kib = -1;
        sscanf(memory, "-/%lluKiB", &limit);
    }
    out->memory_limit_kib = limit;
    return true;
}
