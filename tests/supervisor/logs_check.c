// In-OS checks of the log lines the supervisor serves, run as the service
// sv_logs of tests/supervisor/ftl.yaml (its spec requires supervisor):
// GETATTR logs lists the names with their last cursor; GETATTR
// log/NAME/CURSOR gives whole lines after CURSOR that fit in a reply, with
// the next cursor as the reply's value, so that paging through gets every
// line once; sv_logger's ring keeps the lines of its instances before a
// crash, the kernel's line about the crash, and those of the instance
// after; malformed requests get errors. Ends with
// `os.supervisor.logs: N passed, N failed`.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "../os/ipc_util.h"
#include "../os/suite.h"

#define MS 1000000ULL
#define WAIT_NS (20000 * MS)
#define BURST 50 // lines of each sv_logger instance (logger.c)

static ftl_handle_t sink;
static char body[FTL_MSG_BODY_MAX + 1];
static char all[64 * 1024]; // every line of sv_logger read so far

// GETATTR name on the channel to the supervisor: the reply's value (or an
// error), the body in `body`, its length in *len.
static long getattr(const char *name, size_t *len)
{
    static uint64_t id;
    ftl_handle_t channel = ftl_start_info->channel;
    struct ftl_msg req = {.type = FTL_MSG_GETATTR,
                          .id = ++id,
                          .body_len = (uint32_t)strlen(name)},
                   reply;
    ftl_sink_add(sink, channel, 0);
    long n =
        ipc_call(sink, channel, &req, name, &reply, body, sizeof(body) - 1);
    ftl_sink_remove(sink, channel);
    if (n < 0) {
        return n;
    }
    body[n] = '\0';
    *len = (size_t)n;
    if (reply.type == FTL_MSG_ERROR_REPLY) {
        return (long)(int64_t)reply.arg0;
    }
    return reply.type == FTL_MSG_GETATTR_REPLY ? (long)reply.arg0
                                               : FTL_ERR_BAD_FORMAT;
}

static unsigned count_of(const char *text, const char *needle)
{
    unsigned n = 0;
    for (const char *at = strstr(text, needle); at != NULL;
         at = strstr(at + 1, needle)) {
        n++;
    }
    return n;
}

static bool the_list_names_the_rings(void)
{
    size_t len = 0;
    long count = getattr("logs", &len);
    EXPECT(count > 0, "GETATTR logs: %ld", count);
    EXPECT(strncmp(body, "kernel ", 7) == 0, "kernel first: %.40s", body);
    unsigned lines = count_of(body, "\n");
    EXPECT((long)lines == count, "%u lines, value %ld", lines, count);
    EXPECT(strstr(body, "\nsupervisor ") != NULL, "the supervisor's");
    return true;
}

// Reads every line of sv_logger after cursor into `all`, a reply at a
// time; returns the last cursor (or an error). Each reply must hold whole
// lines, fit a message body, start at cursor + 1 and carry the cursor of
// its last line.
static long read_all_after(uint64_t cursor, unsigned *replies)
{
    size_t used = strlen(all);
    for (;;) {
        char name[64];
        snprintf(name, sizeof(name), "log/sv_logger/%llu",
                 (unsigned long long)cursor);
        size_t len = 0;
        long next = getattr(name, &len);
        if (next < 0) {
            return next;
        }
        if (len == 0) {
            return (long)cursor;
        }
        (*replies)++;
        if (body[len - 1] != '\n' || strtoull(body, NULL, 10) != cursor + 1) {
            printf("  reply after %llu: %.60s\n", (unsigned long long)cursor,
                   body);
            return FTL_ERR_BAD_FORMAT;
        }
        const char *last = body;
        for (const char *nl = strchr(body, '\n'); nl[1] != '\0';
             nl = strchr(nl + 1, '\n')) {
            last = nl + 1;
        }
        if (strtoull(last, NULL, 10) != (uint64_t)next) {
            return FTL_ERR_BAD_FORMAT;
        }
        if (used + len >= sizeof(all)) {
            return FTL_ERR_TOO_LARGE;
        }
        memcpy(all + used, body, len + 1);
        used += len;
        cursor = (uint64_t)next;
    }
}

#define KILLED " [kernel] error: process sv_logger killed: page fault"

// sv_logger crashes after each burst and is restarted. Read as it goes,
// its ring shows whole instances between two crashes: the start, the
// burst, the warning, the kernel's line about the crash; numbered without
// a gap across the restarts and across replies.
static bool lines_before_a_crash_survive_the_restart(void)
{
    uint64_t deadline = ftl_clock_ns() + WAIT_NS;
    uint64_t cursor = 0;
    unsigned replies = 0;
    while (ftl_clock_ns() < deadline && count_of(all, KILLED) < 2) {
        long last = read_all_after(cursor, &replies);
        EXPECT(last >= 0 || last == FTL_ERR_NOT_FOUND, "read: %ld", last);
        cursor = last >= 0 ? (uint64_t)last : cursor;
        ftl_sleep_ns(20 * MS);
    }
    EXPECT(count_of(all, KILLED) >= 2, "two crashes seen:\n%.300s", all);
    const char *crash = strstr(all, KILLED);
    const char *start = strstr(crash, " [sv_logger] info: instance starts\n");
    const char *warn = strstr(crash, " [sv_logger] warn: about to crash\n");
    const char *next_crash = strstr(crash + 1, KILLED);
    EXPECT(start != NULL && warn > start && next_crash > warn,
           "crash, start, warning, crash in order");
    unsigned burst = 0;
    for (const char *at = strstr(start, "of the burst");
         at != NULL && at < warn; at = strstr(at + 1, "of the burst")) {
        burst++;
    }
    EXPECT(burst == BURST, "%u lines of the burst between", burst);
    // A burst is more than a reply holds: pages were needed.
    EXPECT(replies >= 2, "%u replies", replies);
    unsigned long long expected = strtoull(all, NULL, 10);
    for (const char *line = all; *line != '\0'; line = strchr(line, '\n') + 1) {
        EXPECT(strtoull(line, NULL, 10) == expected, "line %llu: %.40s",
               expected, line);
        expected++;
    }
    return true;
}

static bool a_cursor_gives_only_later_lines(void)
{
    size_t len = 0;
    long next = getattr("log/sv_logger/3", &len);
    EXPECT(next > 3 && strncmp(body, "4 [sv_logger] ", 14) == 0,
           "after 3: %ld, %.40s", next, body);
    long again = getattr("log/sv_logger", &len); // no cursor: from 0
    EXPECT(again > 0 && strncmp(body, "1 [sv_logger] ", 14) == 0,
           "from the start: %.40s", body);
    long far = getattr("log/sv_logger/99999999", &len);
    EXPECT(far == 99999999 && len == 0, "past the end: %ld, %zu bytes", far,
           len);
    return true;
}

static bool malformed_requests_get_errors(void)
{
    size_t len;
    EXPECT(getattr("log/nobody/0", &len) == FTL_ERR_NOT_FOUND, "no ring");
    EXPECT(getattr("log/sv_logger/x", &len) == FTL_ERR_INVALID_ARG,
           "a cursor that is not a number");
    EXPECT(getattr("log/sv_logger/-1", &len) == FTL_ERR_INVALID_ARG,
           "a negative cursor");
    EXPECT(getattr("log/sv_logger/99999999999999999999999", &len) ==
               FTL_ERR_INVALID_ARG,
           "a cursor past 64 bits");
    EXPECT(getattr("log/sv_logger/1/2", &len) == FTL_ERR_INVALID_ARG,
           "two cursors");
    EXPECT(getattr("log//0", &len) == FTL_ERR_INVALID_ARG, "no name");
    EXPECT(getattr("log/a-name-longer-than-any-process-has/0", &len) ==
               FTL_ERR_INVALID_ARG,
           "a name too long");
    EXPECT(getattr("logs/", &len) == FTL_ERR_NOT_FOUND, "not an attribute");
    return true;
}

static const struct test tests[] = {
    TEST(the_list_names_the_rings),
    TEST(lines_before_a_crash_survive_the_restart),
    TEST(a_cursor_gives_only_later_lines),
    TEST(malformed_requests_get_errors),
};

int main(void)
{
    sink = ftl_sink_create();
    return suite_run("os.supervisor.logs", tests,
                     sizeof(tests) / sizeof(tests[0]), NULL, 0);
}
