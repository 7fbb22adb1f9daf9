// IPC benchmark client: on its start channel (connected to echo_server),
// measures the median cycles of a call round trip (request and reply, both
// sides waiting on sinks) and prints `bench: ipc.call.NAME N cycles`; with
// "copy" it measures 64 KiB READs through the copy calls instead and prints
// `bench: ipc.copy.64k N MB/s` and the median cycles of one READ call,
// `bench: ipc.copy.64k.cycles N cycles` (instructions under QEMU's icount).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/process.h>
#include <ftl/time.h>

#include "bench_util.h"

#include "ipc_util.h"

#define BATCHES 11
#define CALLS_PER_BATCH 500
#define COPIES 64
#define COPY_SIZE (64 * 1024)

int main(int argc, char **argv)
{
    ftl_handle_t channel = ftl_start_info->channel;
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 0);
    struct ftl_msg reply;
    char body[16];
    if (argc > 2 && strcmp(argv[2], "copy") == 0) {
        uint8_t *buffer = malloc(COPY_SIZE);
        memset(buffer, 0, COPY_SIZE); // fault the pages in first
        uint64_t per_copy[COPIES];
        uint64_t start = ftl_clock_ns();
        for (int i = 0; i < COPIES; i++) {
            struct ftl_msg req = {.type = FTL_MSG_READ,
                                  .id = (uint64_t)i,
                                  .loan_base = (uint64_t)buffer,
                                  .loan_len = COPY_SIZE};
            uint64_t cycles = bench_cycles();
            if (ipc_call(sink, channel, &req, NULL, &reply, NULL, 0) < 0) {
                return 1;
            }
            per_copy[i] = bench_cycles() - cycles;
        }
        uint64_t ns = ftl_clock_ns() - start;
        printf("bench: ipc.copy.64k %lu MB/s\n",
               (unsigned long)((uint64_t)COPIES * COPY_SIZE * 1000 / ns));
        printf("bench: ipc.copy.64k.cycles %lu cycles\n",
               (unsigned long)bench_median(per_copy, COPIES));
        return 0;
    }
    uint64_t per_call[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        uint64_t start = bench_cycles();
        for (int i = 0; i < CALLS_PER_BATCH; i++) {
            struct ftl_msg req = {
                .type = FTL_MSG_WRITE, .id = (uint64_t)i, .body_len = 8};
            if (ipc_call(sink, channel, &req, "12345678", &reply, body,
                         sizeof(body)) != 8) {
                return 1;
            }
        }
        per_call[b] = (bench_cycles() - start) / CALLS_PER_BATCH;
    }
    printf("bench: ipc.call.%s %lu cycles\n", argc > 1 ? argv[1] : "?",
           (unsigned long)bench_median(per_call, BATCHES));
    return 0;
}
