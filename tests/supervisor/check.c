// In-OS checks of the supervisor, run as the service sv_check of
// tests/supervisor/ftl.yaml: what a service may open, the devices and
// files it gets,
// the status table, restarts after a crash, back-off of a crash loop, and
// memory limits that hurt only the service over them. Ends with
// `os.supervisor: N passed, N failed`; tests/qemu/supervisor_test.py checks
// the console for the rest (start order, log lines).
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/process.h>
#include <ftl/time.h>

#include "../os/ipc_util.h"
#include "../os/suite.h"

#define MS 1000000ULL
#define WAIT_NS (15000 * MS)

static ftl_handle_t sink;

// Sends a request with a string body on channel and waits for its reply.
static long request(ftl_handle_t channel, uint32_t type, const char *text,
                    struct ftl_msg *reply, char *body, size_t max)
{
    static uint64_t id;
    struct ftl_msg req = {
        .type = type, .id = ++id, .body_len = (uint32_t)strlen(text)};
    ftl_sink_add(sink, channel, 0);
    long n = ipc_call(sink, channel, &req, text, reply, body, max);
    ftl_sink_remove(sink, channel);
    if (n >= 0 && body != NULL) {
        body[n] = '\0';
    }
    return n;
}

// OPEN path on the channel to the supervisor: a handle or an error.
static ftl_handle_t open_path(const char *path)
{
    struct ftl_msg reply;
    long n = request(ftl_start_info->channel, FTL_MSG_OPEN, path, &reply,
                     NULL, 0);
    if (n < 0) {
        return (ftl_handle_t)n;
    }
    return reply.type == FTL_MSG_ERROR_REPLY ? (ftl_handle_t)(int64_t)reply.arg0
                                             : reply.handle;
}

// WRITE text to an echo service (pong, echo_server): true if it came back.
static bool echoes(ftl_handle_t channel, const char *text)
{
    struct ftl_msg reply;
    char body[64];
    long n = request(channel, FTL_MSG_WRITE, text, &reply, body, sizeof(body));
    return n >= 0 && reply.type == FTL_MSG_WRITE_REPLY &&
           strcmp(body, text) == 0;
}

static char table[FTL_MSG_BODY_MAX + 1];

// Fetches the status table; false if it could not.
static bool fetch_status(void)
{
    ftl_handle_t supervisor = open_path("service/supervisor");
    if (supervisor < 0) {
        return false;
    }
    struct ftl_msg reply;
    long n = request(supervisor, FTL_MSG_GETATTR, "status", &reply, table,
                     sizeof(table) - 1);
    ftl_handle_close(supervisor);
    return n > 0 && reply.type == FTL_MSG_GETATTR_REPLY;
}

// A service's row of the last table: its state and restarts.
static bool row_of(const char *name, char *state, unsigned *restarts)
{
    size_t len = strlen(name);
    for (const char *line = table; *line != '\0';) {
        if (strncmp(line, name, len) == 0 && line[len] == ' ') {
            return sscanf(line + len, "%31s %u", state, restarts) == 2;
        }
        const char *next = strchr(line, '\n');
        line = next != NULL ? next + 1 : line + strlen(line);
    }
    return false;
}

// Polls the status until `name` is in `state`; its restarts go to *restarts.
static bool wait_for_state(const char *name, const char *wanted,
                           unsigned *restarts)
{
    uint64_t deadline = ftl_clock_ns() + WAIT_NS;
    char state[32];
    unsigned count = 0;
    while (ftl_clock_ns() < deadline) {
        if (fetch_status() && row_of(name, state, &count) &&
            strcmp(state, wanted) == 0) {
            if (restarts != NULL) {
                *restarts = count;
            }
            return true;
        }
        ftl_sleep_ns(50 * MS);
    }
    return false;
}

static bool a_required_service_can_be_opened(void)
{
    ftl_handle_t pong = open_path("service/pong");
    EXPECT(pong > 0, "open service/pong: %d", pong);
    EXPECT(echoes(pong, "hello pong"), "pong answers");
    ftl_handle_close(pong);
    return true;
}

static bool services_outside_requires_are_refused(void)
{
    EXPECT(open_path("service/ping") == FTL_ERR_NOT_ALLOWED,
           "ping runs, but is not in sv_check's requires");
    EXPECT(open_path("service/nosuch") == FTL_ERR_NOT_ALLOWED,
           "no such service");
    EXPECT(open_path("elsewhere") == FTL_ERR_NOT_FOUND, "not a known path");
    return true;
}

static bool devices_outside_the_spec_are_refused(void)
{
    EXPECT(open_path("device/0") == FTL_ERR_NOT_ALLOWED, "device/0");
    EXPECT(open_path("device/x") == FTL_ERR_NOT_ALLOWED, "device/x");
    return true;
}

// The fixture the build packs as fixtures/grant.txt (tests/supervisor/
// build.mk): GRANT_PIECE GRANT_REPEAT times, so that reads at offsets can
// be checked without a copy of it here.
#define GRANT_PIECE "0123456789abcdef"
#define GRANT_REPEAT 640
#define GRANT_SIZE (16 * GRANT_REPEAT)

// READ of up to len bytes at offset, inline; the bytes or an error.
static long read_at(ftl_handle_t file, uint64_t offset, char *out, size_t len)
{
    static uint64_t id;
    struct ftl_msg req = {.type = FTL_MSG_READ, .id = ++id, .arg0 = offset,
                          .arg1 = len};
    struct ftl_msg reply;
    ftl_sink_add(sink, file, 0);
    long n = ipc_call(sink, file, &req, NULL, &reply, out, len);
    ftl_sink_remove(sink, file);
    if (n < 0) {
        return n;
    }
    return reply.type == FTL_MSG_ERROR_REPLY ? (long)(int64_t)reply.arg0
                                             : (long)reply.arg0;
}

static bool is_grant_text(const char *data, uint64_t offset, long len)
{
    for (long i = 0; i < len; i++) {
        if (data[i] != GRANT_PIECE[(offset + (uint64_t)i) % 16]) {
            return false;
        }
    }
    return true;
}

static bool a_granted_file_is_read_whole(void)
{
    ftl_handle_t file = open_path("file/fixtures/grant.txt");
    EXPECT(file > 0, "open file/fixtures/grant.txt: %d", file);
    struct ftl_msg reply;
    char text[32];
    long n = request(file, FTL_MSG_GETATTR, "size", &reply, text,
                     sizeof(text) - 1);
    EXPECT(n > 0 && reply.arg0 == GRANT_SIZE && atol(text) == GRANT_SIZE,
           "size %s (%llu)", n > 0 ? text : "?",
           (unsigned long long)reply.arg0);
    static char data[FTL_MSG_BODY_MAX];
    uint64_t offset = 0;
    while (offset < GRANT_SIZE) {
        n = read_at(file, offset, data, sizeof(data));
        EXPECT(n > 0, "READ at %llu: %ld", (unsigned long long)offset, n);
        EXPECT(is_grant_text(data, offset, n), "the bytes at %llu",
               (unsigned long long)offset);
        offset += (uint64_t)n;
    }
    EXPECT(offset == GRANT_SIZE, "read %llu bytes",
           (unsigned long long)offset);
    EXPECT(read_at(file, 7, data, 5) == 5 && is_grant_text(data, 7, 5),
           "5 bytes at 7");
    EXPECT(read_at(file, GRANT_SIZE, data, 16) == 0, "0 at the end");
    EXPECT(read_at(file, UINT64_MAX, data, 16) == 0, "0 far past the end");
    EXPECT(request(file, FTL_MSG_OPEN, "x", &reply, NULL, 0) >= 0 &&
               reply.type == FTL_MSG_ERROR_REPLY &&
               (int64_t)reply.arg0 == FTL_ERR_NOT_SUPPORTED,
           "OPEN on a file channel");
    ftl_handle_close(file);
    return true;
}

static bool files_outside_the_spec_are_refused(void)
{
    EXPECT(open_path("file/boot.manifest") == FTL_ERR_NOT_ALLOWED,
           "the manifest is in the image, not in sv_check's files");
    EXPECT(open_path("file/../boot.manifest") == FTL_ERR_NOT_ALLOWED, "..");
    EXPECT(open_path("file/fixtures/../boot.manifest") == FTL_ERR_NOT_ALLOWED,
           "fixtures/..");
    EXPECT(open_path("file/./fixtures/grant.txt") == FTL_ERR_NOT_ALLOWED,
           "./ before a granted path");
    EXPECT(open_path("file/fixtures/grant.txt/") == FTL_ERR_NOT_ALLOWED,
           "a / after it");
    EXPECT(open_path("file/") == FTL_ERR_NOT_ALLOWED, "no path");
    EXPECT(open_path("file/fixtures/missing.txt") == FTL_ERR_NOT_FOUND,
           "granted, but not in the image");
    return true;
}

static bool file_channels_are_limited_per_service(void)
{
    ftl_handle_t files[17];
    int opened = 0;
    for (int i = 0; i < 17; i++) {
        files[i] = open_path("file/fixtures/grant.txt");
        opened += files[i] > 0;
    }
    EXPECT(opened == 16 && files[16] == FTL_ERR_LIMIT,
           "16 open, then FTL_ERR_LIMIT (%d)", files[16]);
    ftl_handle_close(files[0]);
    ftl_sleep_ns(100 * MS); // the supervisor sees the close
    files[0] = open_path("file/fixtures/grant.txt");
    EXPECT(files[0] > 0, "one more after closing one: %d", files[0]);
    for (int i = 0; i < 16; i++) {
        ftl_handle_close(files[i]);
    }
    EXPECT(fetch_status(), "the supervisor still answers");
    return true;
}

static bool the_status_table_lists_every_service(void)
{
    EXPECT(fetch_status(), "GETATTR status on service/supervisor");
    EXPECT(strncmp(table, "NAME", 4) == 0, "a header: %.40s", table);
    static const char *const names[] = {
        "sv_check",  "pong",        "sv_crashy", "sv_crashloop", "sv_memhog",
        "sv_driver", "sv_nodriver", "ping",      "sv_logger",    "sv_logs"};
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char state[32];
        unsigned restarts;
        EXPECT(row_of(names[i], state, &restarts), "a row for %s", names[i]);
    }
    char state[32];
    unsigned restarts;
    row_of("sv_check", state, &restarts);
    EXPECT(strcmp(state, "Running") == 0, "sv_check is %s", state);
    EXPECT(strstr(table, "KiB/") != NULL, "memory shown");
    return true;
}

static bool restarts_need_supervisor_in_requires(void)
{
    ftl_handle_t supervisor = open_path("service/supervisor");
    EXPECT(supervisor > 0, "open service/supervisor: %d", supervisor);
    struct ftl_msg reply;
    long n = request(supervisor, FTL_MSG_SETATTR, "restart=pong", &reply,
                     NULL, 0);
    ftl_handle_close(supervisor);
    EXPECT(n == 0 && reply.type == FTL_MSG_ERROR_REPLY &&
               (int64_t)reply.arg0 == FTL_ERR_NOT_ALLOWED,
           "sv_check does not require supervisor: reply %u, %ld", reply.type,
           (long)(int64_t)reply.arg0);
    unsigned restarts = 99;
    EXPECT(wait_for_state("pong", "Running", &restarts) && restarts == 0,
           "pong untouched: %u restarts", restarts);
    return true;
}

// Log lines are for services that may administer the system (sv_logs
// reads them: tests/supervisor/logs_check.c); not on sv_check's own
// channel, nor on a status link it opens.
static bool logs_need_supervisor_in_requires(void)
{
    static const char *const names[] = {"logs", "log/pong/0", "log/kernel"};
    struct ftl_msg reply;
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        long n = request(ftl_start_info->channel, FTL_MSG_GETATTR, names[i],
                         &reply, NULL, 0);
        EXPECT(n == 0 && reply.type == FTL_MSG_ERROR_REPLY &&
                   (int64_t)reply.arg0 == FTL_ERR_NOT_ALLOWED,
               "GETATTR %s: reply %u, %ld", names[i], reply.type,
               (long)(int64_t)reply.arg0);
    }
    ftl_handle_t supervisor = open_path("service/supervisor");
    EXPECT(supervisor > 0, "open service/supervisor: %d", supervisor);
    long n = request(supervisor, FTL_MSG_GETATTR, "logs", &reply, NULL, 0);
    ftl_handle_close(supervisor);
    EXPECT(n == 0 && reply.type == FTL_MSG_ERROR_REPLY &&
               (int64_t)reply.arg0 == FTL_ERR_NOT_ALLOWED,
           "on a status link: reply %u, %ld", reply.type,
           (long)(int64_t)reply.arg0);
    return true;
}

static bool a_crashed_service_is_restarted_and_reached_again(void)
{
    ftl_handle_t crashy = open_path("service/sv_crashy");
    EXPECT(crashy > 0, "open: %d", crashy);
    EXPECT(echoes(crashy, "before"), "it answers");
    struct ftl_msg reply;
    long n = request(crashy, FTL_MSG_SETATTR, "crash", &reply, NULL, 0);
    EXPECT(n == FTL_ERR_PEER_CLOSED, "its clients see PEER_CLOSED: %ld", n);
    ftl_handle_close(crashy);
    // Opening again reaches the new instance (the supervisor holds the
    // OPEN while it is in back-off).
    crashy = open_path("service/sv_crashy");
    EXPECT(crashy > 0, "open again: %d", crashy);
    EXPECT(echoes(crashy, "after"), "the new instance answers");
    ftl_handle_close(crashy);
    unsigned restarts = 0;
    EXPECT(wait_for_state("sv_crashy", "Running", &restarts) && restarts >= 1,
           "Running again after %u restarts", restarts);
    return true;
}

static bool a_crash_loop_backs_off(void)
{
    unsigned first = 0, later = 0;
    EXPECT(wait_for_state("sv_crashloop", "CrashLoopBackOff", &first),
           "reaches CrashLoopBackOff");
    ftl_sleep_ns(1500 * MS);
    fetch_status();
    char state[32];
    row_of("sv_crashloop", state, &later);
    // Back-off doubles from 100 ms: 400 ms, 800 ms, 1.6 s... so a second
    // and a half brings at most two more restarts, not dozens.
    EXPECT(later >= first && later - first <= 2,
           "restarts %u, then %u 1.5 s later", first, later);
    return true;
}

static bool memory_over_the_limit_fails_only_its_service(void)
{
    EXPECT(wait_for_state("sv_memhog", "Failed", NULL),
           "sv_memhog ended (its malloc said no; it exits with a count)");
    ftl_handle_t pong = open_path("service/pong");
    EXPECT(pong > 0 && echoes(pong, "still here"), "pong still answers");
    ftl_handle_close(pong);
    return true;
}

static bool drivers_get_exactly_their_grants(void)
{
    EXPECT(wait_for_state("sv_driver", "Completed", NULL),
           "the granted driver reached its device");
    EXPECT(wait_for_state("sv_nodriver", "Completed", NULL),
           "the driver without a grant was refused everything");
    return true;
}

static const struct test tests[] = {
    TEST(a_required_service_can_be_opened),
    TEST(services_outside_requires_are_refused),
    TEST(devices_outside_the_spec_are_refused),
    TEST(a_granted_file_is_read_whole),
    TEST(files_outside_the_spec_are_refused),
    TEST(file_channels_are_limited_per_service),
    TEST(the_status_table_lists_every_service),
    TEST(restarts_need_supervisor_in_requires),
    TEST(logs_need_supervisor_in_requires),
    TEST(a_crashed_service_is_restarted_and_reached_again),
    TEST(a_crash_loop_backs_off),
    TEST(memory_over_the_limit_fails_only_its_service),
    TEST(drivers_get_exactly_their_grants),
};

int main(void)
{
    sink = ftl_sink_create();
    return suite_run("os.supervisor", tests, sizeof(tests) / sizeof(tests[0]),
                     NULL, 0);
}
