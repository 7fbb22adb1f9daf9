// faults, the test service of tests/net/faults.yaml (issue 18, item 4).
//
//   faults inject DELAY_MS GAP_MS NAME...   waits DELAY_MS, then has the
//       supervisor kill each NAME in turn (SETATTR restart=NAME: the
//       supervisor kills the process and restarts it per its policy), GAP_MS
//       apart; tests/qemu/faults_test.py times each recovery from the
//       supervisor's `stopping NAME` line to the next HTTP 200.
//   faults random DELAY_MS GAP_MS SEED COUNT NAME...   the same, COUNT
//       kills of a NAME drawn at random (from SEED) each time: make soak's
//       (tests/qemu/soak_test.py).
//   faults flood                            a peer that tries to starve the
//       supervisor: it holds as many status links as its handle limit lets
//       it (each costs the supervisor a channel) and then sends requests on
//       all of its channels for good, never reading a reply. The restarts
//       above and the status table must still be served.
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/thread.h>
#include <ftl/time.h>

#include "../os/ipc_util.h"

#define MS (1000ULL * 1000)
#define LINKS_MAX 4096
#define REPORT_NS (5000 * MS)

// Has the supervisor kill name (and restart it per its policy); whether it
// agreed.
static bool kill_one(ftl_handle_t sink, const char *name)
{
    char body[64];
    struct ftl_msg reply;
    snprintf(body, sizeof(body), "restart=%s", name);
    long n = ipc_request(sink, ftl_start_info->channel, FTL_MSG_SETATTR, body,
                         &reply);
    bool done = n >= 0 && reply.type == FTL_MSG_SETATTR_REPLY;
    printf("fault: kill of %s %s\n", name, done ? "done" : "refused");
    return done;
}

static int inject(int argc, char **argv)
{
    if (argc < 5) {
        printf("usage: faults inject DELAY_MS GAP_MS NAME...\n");
        return 2;
    }
    uint64_t gap = strtoull(argv[3], NULL, 10) * MS;
    ftl_sleep_ns(strtoull(argv[2], NULL, 10) * MS);
    ftl_handle_t sink = ftl_sink_create();
    int failures = 0;
    for (int i = 4; i < argc; i++) {
        failures += !kill_one(sink, argv[i]);
        if (i + 1 < argc) {
            ftl_sleep_ns(gap);
        }
    }
    printf("fault: all kills done\n");
    return failures != 0;
}

static int inject_random(int argc, char **argv)
{
    if (argc < 7) {
        printf("usage: faults random DELAY_MS GAP_MS SEED COUNT NAME...\n");
        return 2;
    }
    uint64_t gap = strtoull(argv[3], NULL, 10) * MS;
    uint64_t state = strtoull(argv[4], NULL, 10) | 1; // xorshift64: not 0
    unsigned long count = strtoul(argv[5], NULL, 10);
    char **names = argv + 6;
    int names_count = argc - 6;
    ftl_sleep_ns(strtoull(argv[2], NULL, 10) * MS);
    ftl_handle_t sink = ftl_sink_create();
    int failures = 0;
    for (unsigned long i = 0; i < count; i++) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        failures += !kill_one(sink, names[state % (uint64_t)names_count]);
        if (i + 1 < count) {
            ftl_sleep_ns(gap);
        }
    }
    printf("fault: all kills done\n");
    return failures != 0;
}

// Opens status links until something stops it; how many it holds.
static unsigned open_links(ftl_handle_t sink, ftl_handle_t *links)
{
    unsigned held = 0;
    long last = 0;
    while (held < LINKS_MAX) {
        struct ftl_msg reply;
        last = ipc_request(sink, ftl_start_info->channel, FTL_MSG_OPEN,
                           "service/supervisor", &reply);
        if (last < 0 || reply.type != FTL_MSG_OPEN_REPLY) {
            last = last < 0 ? last : (long)(int64_t)reply.arg0;
            break;
        }
        links[held++] = reply.handle;
    }
    printf("flood: holding %u status links (then %s)\n", held,
           ftl_error_str((int)last));
    return held;
}

static int flood(void)
{
    static ftl_handle_t links[LINKS_MAX + 1];
    static const char body[] = "status";
    ftl_handle_t sink = ftl_sink_create();
    unsigned count = open_links(sink, links);
    links[count++] = ftl_start_info->channel;
    uint64_t sent = 0, full = 0, report = ftl_clock_ns() + REPORT_NS;
    for (uint64_t id = 0;; id++) {
        struct ftl_msg req = {.type = id % 2 ? FTL_MSG_GETATTR : FTL_MSG_OPEN,
                              .id = id,
                              .body_len = sizeof(body) - 1};
        int err = ftl_channel_send(links[id % count], &req, body);
        if (err == FTL_ERR_WOULD_BLOCK) {
            full++;
            ftl_thread_yield();
        } else if (err == 0) {
            sent++;
        }
        if (ftl_clock_ns() > report) {
            printf("flood: %" PRIu64 " requests sent, queue full %" PRIu64
                   " times\n",
                   sent, full);
            report = ftl_clock_ns() + REPORT_NS;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "inject") == 0) {
        return inject(argc, argv);
    }
    if (argc > 1 && strcmp(argv[1], "random") == 0) {
        return inject_random(argc, argv);
    }
    if (argc > 1 && strcmp(argv[1], "flood") == 0) {
        return flood();
    }
    printf("usage: faults inject|random|flood ...\n");
    return 2;
}
