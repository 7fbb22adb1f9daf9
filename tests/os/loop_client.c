// Event-loop benchmark client: on its start channel (connected to
// apps/pong, a server built with the server helper), measures the median
// cycles of a call round trip made with the client helper and the loop
// (an 8-byte WRITE echoed back, the next call started from the previous
// one's callback) and prints `bench: loop.call.NAME N cycles`, the figure
// to hold against ipc_client.c's raw `ipc.call.NAME`.
#include <stdint.h>
#include <stdio.h>

#include <ftl/client.h>
#include <ftl/loop.h>
#include <ftl/process.h>

#include "bench_util.h"

#define BATCHES 11
#define CALLS_PER_BATCH 500

struct bench {
    struct ftl_loop *loop;
    struct ftl_client *pong;
    int left;
};

static void call_next(struct bench *bench);

static void on_reply(const struct ftl_result *result, void *arg)
{
    struct bench *bench = arg;
    if (result->error < 0 || result->value != 8) {
        ftl_loop_stop(bench->loop, 1);
    } else if (--bench->left == 0) {
        ftl_loop_stop(bench->loop, 0);
    } else {
        call_next(bench);
    }
}

static void call_next(struct bench *bench)
{
    if (ftl_client_write(bench->pong, 0, "12345678", 8, on_reply, bench) < 0) {
        ftl_loop_stop(bench->loop, 1);
    }
}

int main(int argc, char **argv)
{
    struct bench bench = {.loop = ftl_loop_create()};
    bench.pong = ftl_client_create(bench.loop, ftl_start_info->channel);
    if (bench.pong == NULL) {
        return 1;
    }
    uint64_t per_call[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        bench.left = CALLS_PER_BATCH;
        uint64_t start = bench_cycles();
        call_next(&bench);
        if (ftl_loop_run(bench.loop) != 0) {
            return 1;
        }
        per_call[b] = (bench_cycles() - start) / CALLS_PER_BATCH;
    }
    printf("bench: loop.call.%s %lu cycles\n", argc > 1 ? argv[1] : "?",
           (unsigned long)bench_median(per_call, BATCHES));
    return 0;
}
