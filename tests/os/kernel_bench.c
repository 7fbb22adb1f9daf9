// Kernel benchmarks, run as the first process of a benchmark boot
// (ftl.init=kernel_bench.elf): null system call from user mode and, through
// a kernel-mode child, from kernel mode; thread switch; process create and
// exit; IPC call round trips between processes in each pairing of modes
// and 64 KiB copies (measured by ipc_client.c), and the same round trip
// through the SDK's loop and helpers (loop_client.c); the same with
// WebAssembly clients and servers (issue 20), and how long a pong takes to
// answer its first request after its spawn in each mode. Each figure is the
// median of several batches, printed as `bench: NAME VALUE UNIT`. Under
// QEMU's instruction counting (bench/kernel_bench.py's counting boots) the
// figures in cycles are guest instructions (bench_util.h).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/time.h>

#include "bench_util.h"
#include "ipc_util.h"

#define BATCHES 11
#define CALLS_PER_BATCH 10000
#define SWITCHES_PER_BATCH 2000
#define SPAWNS 20
#define STARTUPS 11

static void bench_null_syscall(void)
{
    uint64_t per_call[BATCHES];
    ftl_syscall_fn syscall = ftl_start_info->syscall;
    for (int b = 0; b < BATCHES; b++) {
        uint64_t start = bench_cycles();
        for (int i = 0; i < CALLS_PER_BATCH; i++) {
            syscall(FTL_SYS_NOP, 0, 0, 0, 0, 0);
        }
        per_call[b] = (bench_cycles() - start) / CALLS_PER_BATCH;
    }
    printf("bench: syscall.null.%s %lu cycles\n",
           ftl_start_info->isolation == FTL_ISOLATION_KERNEL ? "kernel"
                                                             : "user",
           (unsigned long)bench_median(per_call, BATCHES));
}

static volatile int yielder_running;

static void yielder(void *unused)
{
    (void)unused;
    while (yielder_running) {
        ftl_thread_yield();
    }
}

// Two threads of one process yield to each other: each yield is one switch.
static void bench_context_switch(void)
{
    yielder_running = 1;
    ftl_handle_t other = ftl_thread_create(yielder, NULL, 0);
    ftl_thread_yield(); // let it start
    uint64_t per_switch[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        uint64_t start = bench_cycles();
        for (int i = 0; i < SWITCHES_PER_BATCH; i++) {
            ftl_thread_yield();
        }
        per_switch[b] = (bench_cycles() - start) / (2 * SWITCHES_PER_BATCH);
    }
    yielder_running = 0;
    ftl_handle_close(other);
    printf("bench: ctxswitch %lu cycles\n",
           (unsigned long)bench_median(per_switch, BATCHES));
}

static void bench_process_create_exit(uint32_t isolation)
{
    uint64_t us[SPAWNS];
    const char *argv[] = {"exit_with.elf", "0", NULL};
    for (int i = 0; i < SPAWNS; i++) {
        uint64_t start = ftl_clock_ns();
        ftl_handle_t p = ftl_process_spawn("exit_with.elf", isolation, argv);
        ftl_process_wait(p, FTL_WAIT_FOREVER);
        ftl_handle_close(p);
        us[i] = (ftl_clock_ns() - start) / 1000;
    }
    printf("bench: process.create_exit_us.%s %lu us\n",
           isolation == FTL_ISOLATION_KERNEL ? "kernel" : "user",
           (unsigned long)bench_median(us, SPAWNS));
}

// Runs a benchmark client against a server, in the given modes, connected
// by a channel; the client prints its own bench line.
struct call_bench {
    const char *client, *server; // initfs paths
    const char *name;            // the bench line's suffix
    uint32_t client_mode, server_mode;
    const char *what; // an extra argument for the client, or NULL
};

static void bench_calls(const struct call_bench *bench)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    const char *server_argv[] = {bench->server, NULL};
    struct ftl_spawn server = {.path = bench->server,
                               .isolation = bench->server_mode,
                               .argc = 1,
                               .argv = server_argv,
                               .channel = ends[1]};
    const char *client_argv[] = {bench->client, bench->name, bench->what, NULL};
    struct ftl_spawn client = {.path = bench->client,
                               .isolation = bench->client_mode,
                               .argc = bench->what != NULL ? 3 : 2,
                               .argv = client_argv,
                               .channel = ends[0]};
    ftl_handle_t s = ftl_process_spawn_request(&server);
    ftl_handle_t c = ftl_process_spawn_request(&client);
    ftl_process_wait(c, FTL_WAIT_FOREVER); // its exit closes the channel
    ftl_process_wait(s, FTL_WAIT_FOREVER);
    ftl_handle_close(c);
    ftl_handle_close(s);
}

static void bench_ipc(const char *name, uint32_t client_mode,
                      uint32_t server_mode, const char *what)
{
    struct call_bench bench = {"ipc_client.elf", "echo_server.elf", name,
                               client_mode,      server_mode,       what};
    bench_calls(&bench);
}

// The user_user round trip through the SDK's loop, client and server
// helpers.
static const struct call_bench loop_bench = {
    "loop_client.elf",  "pong.elf",         "user_user",
    FTL_ISOLATION_USER, FTL_ISOLATION_USER, NULL};

// The same round trip with pong as a WebAssembly service (issue 20:
// pong_wasm.elf, apps/pong built with isolation: wasm, spawned with
// FTL_ISOLATION_WASM, a kernel-mode process) beside native pong in kernel
// mode, from a user-mode and a kernel-mode client: what the sandbox's
// checks cost.
static const struct call_bench loop_wasm_benches[] = {
    {"loop_client.elf", "pong.elf", "user_kernel", FTL_ISOLATION_USER,
     FTL_ISOLATION_KERNEL, NULL},
    {"loop_client.elf", "pong_wasm.elf", "user_wasm", FTL_ISOLATION_USER,
     FTL_ISOLATION_WASM, NULL},
    {"loop_client.elf", "pong.elf", "kernel_kernel", FTL_ISOLATION_KERNEL,
     FTL_ISOLATION_KERNEL, NULL},
    {"loop_client.elf", "pong_wasm.elf", "kernel_wasm", FTL_ISOLATION_KERNEL,
     FTL_ISOLATION_WASM, NULL},
};

// Raw round trips with WebAssembly modules (issue 20): echo_server and
// ipc_client built as wasm (tests/os/wasm), each a kernel-mode process
// running its module in the sandbox; and the SDK round trip with both
// sides wasm. Against ipc.call.kernel_kernel and ipc.call.user_user: the
// issue asks wasm_wasm within twice the first and at most a third of the
// second.
static const struct call_bench wasm_benches[] = {
    {"ipc_client_wasm.elf", "echo_server_wasm.elf", "wasm_wasm",
     FTL_ISOLATION_WASM, FTL_ISOLATION_WASM, NULL},
    {"ipc_client.elf", "echo_server_wasm.elf", "user_wasm", FTL_ISOLATION_USER,
     FTL_ISOLATION_WASM, NULL},
    {"ipc_client_wasm.elf", "echo_server.elf", "wasm_user", FTL_ISOLATION_WASM,
     FTL_ISOLATION_USER, NULL},
    {"loop_client_wasm.elf", "pong_wasm.elf", "wasm_wasm", FTL_ISOLATION_WASM,
     FTL_ISOLATION_WASM, NULL},
};

// From the spawn of a pong to its answer to a first request (an 8-byte
// WRITE), in microseconds: process creation, loading, and for wasm the
// instance's set-up (linear memory, data segments, the module's start),
// before the server helper's loop takes its first message. The median of
// STARTUPS spawns, printed as `bench: NAME N us`.
static void bench_startup(const char *name, const char *path,
                          uint32_t isolation)
{
    uint64_t us[STARTUPS];
    ftl_handle_t sink = ftl_sink_create();
    for (int i = 0; i < STARTUPS; i++) {
        ftl_handle_t ends[2];
        ftl_channel_create(ends);
        ftl_sink_add(sink, ends[0], 0);
        const char *argv[] = {path, NULL};
        struct ftl_spawn spawn = {.path = path,
                                  .isolation = isolation,
                                  .argc = 1,
                                  .argv = argv,
                                  .channel = ends[1]};
        struct ftl_msg req = {.type = FTL_MSG_WRITE, .id = 1, .body_len = 8};
        struct ftl_msg reply;
        char body[16];
        uint64_t start = ftl_clock_ns();
        ftl_handle_t p = ftl_process_spawn_request(&spawn);
        long n = ipc_call(sink, ends[0], &req, "12345678", &reply, body,
                          sizeof(body));
        us[i] = (ftl_clock_ns() - start) / 1000;
        ftl_sink_remove(sink, ends[0]);
        ftl_handle_close(ends[0]); // pong exits when its channel closes
        ftl_process_wait(p, FTL_WAIT_FOREVER);
        ftl_handle_close(p);
        if (n < 0) {
            printf("kernel_bench: %s did not answer: %s\n", path,
                   ftl_error_str((int)n));
            ftl_handle_close(sink);
            return;
        }
    }
    ftl_handle_close(sink);
    printf("bench: %s %lu us\n", name,
           (unsigned long)bench_median(us, STARTUPS));
}

// "ipc:NAME:ROUNDS" runs only the IPC round trip NAME (user_user,
// kernel_kernel, user_kernel, or loop for loop_bench), ROUNDS times:
// scripts/qemu-counts.sh counts QEMU's work per round trip from two such
// boots.
static int bench_ipc_only(const char *spec)
{
    static const struct {
        const char *name;
        uint32_t client_mode, server_mode;
    } pairings[] = {
        {"user_user", FTL_ISOLATION_USER, FTL_ISOLATION_USER},
        {"kernel_kernel", FTL_ISOLATION_KERNEL, FTL_ISOLATION_KERNEL},
        {"user_kernel", FTL_ISOLATION_USER, FTL_ISOLATION_KERNEL},
    };
    const char *name = spec + strlen("ipc:");
    const char *colon = strchr(name, ':');
    int rounds = colon != NULL ? atoi(colon + 1) : 1;
    size_t len = colon != NULL ? (size_t)(colon - name) : strlen(name);
    if (len == strlen("loop") && strncmp(name, "loop", len) == 0) {
        for (int r = 0; r < rounds; r++) {
            bench_calls(&loop_bench);
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof(pairings) / sizeof(pairings[0]); i++) {
        if (strlen(pairings[i].name) == len &&
            strncmp(pairings[i].name, name, len) == 0) {
            for (int r = 0; r < rounds; r++) {
                bench_ipc(pairings[i].name, pairings[i].client_mode,
                          pairings[i].server_mode, NULL);
            }
            return 0;
        }
    }
    // The raw round trips with wasm (wasm_wasm, user_wasm, wasm_user): the
    // entries of wasm_benches whose client is ipc_client.
    for (size_t i = 0; i < sizeof(wasm_benches) / sizeof(wasm_benches[0]);
         i++) {
        const struct call_bench *b = &wasm_benches[i];
        if (strncmp(b->client, "ipc_client", strlen("ipc_client")) == 0 &&
            strlen(b->name) == len && strncmp(b->name, name, len) == 0) {
            for (int r = 0; r < rounds; r++) {
                bench_calls(b);
            }
            return 0;
        }
    }
    printf("kernel_bench: unknown round trip in %s\n", spec);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "syscall") == 0) {
        bench_null_syscall();
        return 0;
    }
    if (argc > 1 && strncmp(argv[1], "ipc:", 4) == 0) {
        return bench_ipc_only(argv[1]);
    }
    if (argc > 1 && strncmp(argv[1], "ctxswitch:", 10) == 0) {
        // "ctxswitch:ROUNDS", for scripts/qemu-counts.sh
        for (int r = atoi(argv[1] + 10); r > 0; r--) {
            bench_context_switch();
        }
        return 0;
    }
    bench_null_syscall();
    bench_context_switch();
    bench_process_create_exit(FTL_ISOLATION_USER);
    bench_process_create_exit(FTL_ISOLATION_KERNEL);
    bench_ipc("user_user", FTL_ISOLATION_USER, FTL_ISOLATION_USER, NULL);
    bench_ipc("kernel_kernel", FTL_ISOLATION_KERNEL, FTL_ISOLATION_KERNEL,
              NULL);
    bench_ipc("user_kernel", FTL_ISOLATION_USER, FTL_ISOLATION_KERNEL, NULL);
    bench_ipc("copy", FTL_ISOLATION_USER, FTL_ISOLATION_USER, "copy");
    bench_calls(&loop_bench);
    for (size_t i = 0;
         i < sizeof(loop_wasm_benches) / sizeof(loop_wasm_benches[0]); i++) {
        bench_calls(&loop_wasm_benches[i]);
    }
    for (size_t i = 0; i < sizeof(wasm_benches) / sizeof(wasm_benches[0]);
         i++) {
        bench_calls(&wasm_benches[i]);
    }
    bench_startup("startup_us.user", "pong.elf", FTL_ISOLATION_USER);
    bench_startup("startup_us.kernel", "pong.elf", FTL_ISOLATION_KERNEL);
    bench_startup("wasm.startup_us", "pong_wasm.elf", FTL_ISOLATION_WASM);
    const char *child_argv[] = {"kernel_bench.elf", "syscall", NULL};
    ftl_handle_t child =
        ftl_process_spawn("kernel_bench.elf", FTL_ISOLATION_KERNEL, child_argv);
    ftl_process_wait(child, FTL_WAIT_FOREVER);
    return 0;
}
