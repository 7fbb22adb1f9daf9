// In-OS tests of IPC with the real system calls: channels, handle transfer,
// backpressure, PEER_CLOSED, calls with memory copy, sinks, timers and the
// errors of bad input. Run as the first process (ftl.init=ipc_test.elf) in
// user or kernel mode, or as its WebAssembly build (ipc_test_wasm.elf);
// `ftl.init_arg=user|kernel|wasm` picks the mode of the servers it spawns,
// so every pairing of modes is covered (tests/qemu/ipc_test.py). Ends with
// `os.ipc: N passed, N failed`.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/time.h>
#include <ftl/vmarea.h>

#include "ipc_util.h"
#include "spawn_util.h"
#include "suite.h"
#include "unusable.h"
#include "usage.h"

#define MS 1000000ULL

static uint32_t server_mode = FTL_ISOLATION_USER;

// A server process with `path` in the servers' mode, connected by a
// channel; returns our end and the process handle.
static ftl_handle_t spawn_server(const char *path, ftl_handle_t *process)
{
    return spawn_server_in(server_mode, path, process);
}

static void stop_server(ftl_handle_t channel, ftl_handle_t process)
{
    ftl_handle_close(channel); // the server exits on PEER_CLOSED
    ftl_process_wait(process, IPC_TIMEOUT_NS);
    ftl_handle_close(process);
}

static bool request_and_reply_across_processes(void)
{
    ftl_handle_t server, channel = spawn_server("echo_server.elf", &server);
    EXPECT(channel > 0, "server started");
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 1);
    struct ftl_msg req = {.type = FTL_MSG_WRITE, .id = 42, .body_len = 5};
    struct ftl_msg reply;
    char body[16] = {0};
    long len =
        ipc_call(sink, channel, &req, "hello", &reply, body, sizeof(body));
    EXPECT(len == 5 && memcmp(body, "hello", 5) == 0, "echo: %ld", len);
    EXPECT(reply.type == FTL_MSG_WRITE_REPLY && reply.id == 42,
           "reply type %u id %lu", reply.type, (unsigned long)reply.id);
    req = (struct ftl_msg){.type = FTL_MSG_GETATTR, .id = 43};
    len = ipc_call(sink, channel, &req, NULL, &reply, body, sizeof(body));
    EXPECT(len == 0 && reply.type == FTL_MSG_ERROR_REPLY &&
               (int64_t)reply.arg0 == FTL_ERR_NOT_SUPPORTED,
           "error reply for an unhandled type");
    ftl_handle_close(sink);
    stop_server(channel, server);
    return true;
}

static bool handles_move_in_messages(void)
{
    ftl_handle_t a[2], b[2];
    ftl_channel_create(a);
    ftl_channel_create(b);
    struct ftl_msg msg = {
        .type = FTL_MSG_OPEN_REPLY, .body_len = 4, .handle = b[1]};
    EXPECT(ftl_channel_send(a[0], &msg, "abcd") == 0, "send with handle");
    // The sender lost it.
    struct ftl_msg bare = {.type = FTL_MSG_WRITE};
    EXPECT(ftl_channel_send(b[1], &bare, NULL) == FTL_ERR_BAD_HANDLE,
           "moved handle still usable by the sender");
    // A receive that fails leaves the message, handle and all, queued.
    struct ftl_msg got;
    char four[4];
    EXPECT(ftl_channel_recv(a[1], &got, (void *)UNUSABLE_ADDRESS,
                            sizeof(four)) ==
               FTL_ERR_BAD_ADDRESS,
           "recv into a bad body buffer");
    EXPECT(ftl_channel_recv(a[1], (struct ftl_msg *)UNUSABLE_ADDRESS, four,
                            sizeof(four)) == FTL_ERR_BAD_ADDRESS,
           "recv into a bad header");
    EXPECT(ftl_channel_recv(a[1], &got, four, sizeof(four)) == 4 &&
               memcmp(four, "abcd", 4) == 0,
           "recv");
    EXPECT(got.handle > 0, "received a handle");
    struct ftl_msg ping = {.type = FTL_MSG_WRITE, .id = 9};
    EXPECT(ftl_channel_send(got.handle, &ping, NULL) == 0, "use it");
    EXPECT(ftl_channel_recv(b[0], &got, NULL, 0) == 0 && got.id == 9,
           "message through the moved end");
    // Across processes: OPEN gives a channel the server serves.
    ftl_handle_t server, channel = spawn_server("echo_server.elf", &server);
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 1);
    struct ftl_msg open = {.type = FTL_MSG_OPEN, .id = 1}, reply;
    long r = ipc_call(sink, channel, &open, NULL, &reply, NULL, 0);
    EXPECT(r == 0 && reply.type == FTL_MSG_OPEN_REPLY && reply.handle > 0,
           "OPEN_REPLY with a handle: %ld", r);
    ftl_handle_t opened = reply.handle;
    ftl_sink_add(sink, opened, 2);
    struct ftl_msg write = {.type = FTL_MSG_WRITE, .id = 2, .body_len = 3};
    char body[8];
    r = ipc_call(sink, opened, &write, "abc", &reply, body, sizeof(body));
    EXPECT(r == 3 && memcmp(body, "abc", 3) == 0, "call on the opened one");
    ftl_handle_close(opened);
    ftl_handle_close(sink);
    stop_server(channel, server);
    for (int i = 0; i < 2; i++) {
        ftl_handle_close(a[i]);
        ftl_handle_close(b[i]);
    }
    return true;
}

static bool failed_send_keeps_the_handle(void)
{
    ftl_handle_t a[2], b[2];
    ftl_channel_create(a);
    ftl_channel_create(b);
    ftl_handle_close(a[1]);
    struct ftl_msg msg = {.type = FTL_MSG_WRITE, .handle = b[1]};
    EXPECT(ftl_channel_send(a[0], &msg, NULL) == FTL_ERR_PEER_CLOSED,
           "send to a closed peer");
    struct ftl_msg ping = {.type = FTL_MSG_WRITE, .id = 5};
    EXPECT(ftl_channel_send(b[1], &ping, NULL) == 0, "handle kept");
    msg.handle = b[0]; // an end may not travel through its own channel
    EXPECT(ftl_channel_send(b[0], &msg, NULL) == FTL_ERR_INVALID_ARG,
           "an end sent over itself");
    msg.handle = b[1];
    EXPECT(ftl_channel_send(b[0], &msg, NULL) == FTL_ERR_INVALID_ARG,
           "an end sent to itself through its peer");
    ftl_handle_close(a[0]);
    ftl_handle_close(b[0]);
    ftl_handle_close(b[1]);
    return true;
}

static bool full_queue_is_backpressure_not_loss(void)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    int sent = 0;
    for (;;) {
        struct ftl_msg msg = {
            .type = FTL_MSG_WRITE, .id = (uint64_t)sent, .body_len = 4};
        int err = ftl_channel_send(ends[0], &msg, &sent);
        if (err == FTL_ERR_WOULD_BLOCK) {
            break;
        }
        EXPECT(err == 0 && sent < 1000, "send %d: %d", sent, err);
        sent++;
    }
    EXPECT(sent == FTL_CHANNEL_QUEUE_MAX, "queue held %d", sent);
    for (int i = 0; i < sent; i++) {
        struct ftl_msg msg;
        int value = -1;
        long len = ftl_channel_recv(ends[1], &msg, &value, sizeof(value));
        EXPECT(len == 4 && msg.id == (uint64_t)i && value == i,
               "message %d came back as %lu", i, (unsigned long)msg.id);
    }
    struct ftl_msg msg;
    EXPECT(ftl_channel_recv(ends[1], &msg, NULL, 0) == FTL_ERR_WOULD_BLOCK,
           "empty afterwards");
    ftl_handle_close(ends[0]);
    ftl_handle_close(ends[1]);
    return true;
}

static bool closing_an_end_tells_the_peer(void)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, ends[1], 77);
    struct ftl_msg last = {.type = FTL_MSG_WRITE, .id = 1};
    ftl_channel_send(ends[0], &last, NULL);
    ftl_handle_close(ends[0]);
    struct ftl_event event;
    EXPECT(ftl_sink_wait(sink, &event, 0) == 0 &&
               event.kind == FTL_EVENT_MESSAGE && event.cookie == 77,
           "the last message first");
    struct ftl_msg msg;
    ftl_channel_recv(ends[1], &msg, NULL, 0);
    EXPECT(ftl_sink_wait(sink, &event, 0) == 0 &&
               event.kind == FTL_EVENT_PEER_CLOSED,
           "then PEER_CLOSED");
    EXPECT(ftl_channel_send(ends[1], &last, NULL) == FTL_ERR_PEER_CLOSED,
           "send after close");
    EXPECT(ftl_channel_recv(ends[1], &msg, NULL, 0) == FTL_ERR_PEER_CLOSED,
           "recv after close");
    ftl_handle_close(sink);
    ftl_handle_close(ends[1]);
    return true;
}

static bool server_crash_gives_peer_closed_not_a_hang(void)
{
    ftl_handle_t server, channel = spawn_server("echo_server.elf", &server);
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 1);
    struct ftl_msg req = {.type = FTL_MSG_SETATTR, .id = 1, .body_len = 5},
                   reply;
    long r = ipc_call(sink, channel, &req, "crash", &reply, NULL, 0);
    EXPECT(r == FTL_ERR_PEER_CLOSED, "call to a crashing server: %ld", r);
    EXPECT(ftl_process_wait(server, IPC_TIMEOUT_NS) == FTL_EXIT_KILLED,
           "the server was killed");
    ftl_handle_close(server);
    ftl_handle_close(channel);
    ftl_handle_close(sink);
    return true;
}

static bool copy_calls_move_large_buffers(void)
{
    ftl_handle_t server, channel = spawn_server("echo_server.elf", &server);
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 1);
    size_t size = 64 * 1024;
    uint8_t *buffer = malloc(size);
    struct ftl_msg req = {.type = FTL_MSG_READ,
                          .id = 1,
                          .arg0 = 3,
                          .loan_base = (uint64_t)buffer,
                          .loan_len = size},
                   reply;
    long r = ipc_call(sink, channel, &req, NULL, &reply, NULL, 0);
    EXPECT(r == 0 && reply.type == FTL_MSG_READ_REPLY && reply.arg0 == size,
           "READ of 64 KiB: %ld", r);
    for (size_t i = 0; i < size; i++) {
        EXPECT(buffer[i] == (uint8_t)(3 + i), "byte %zu is %u", i, buffer[i]);
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < size; i++) {
        buffer[i] = (uint8_t)(i * 7);
        sum += buffer[i];
    }
    req = (struct ftl_msg){.type = FTL_MSG_WRITE,
                           .id = 2,
                           .loan_base = (uint64_t)buffer,
                           .loan_len = size};
    r = ipc_call(sink, channel, &req, NULL, &reply, NULL, 0);
    EXPECT(r == 0 && reply.arg0 == size && reply.arg1 == sum,
           "WRITE of 64 KiB: sum %lu, expected %lu", (unsigned long)reply.arg1,
           (unsigned long)sum);
    free(buffer);
    ftl_handle_close(sink);
    stop_server(channel, server);
    return true;
}

static bool copy_calls_stay_in_bounds_and_end_with_the_reply(void)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    static uint8_t lent[100];
    struct ftl_msg req = {.type = FTL_MSG_READ,
                          .id = 11,
                          .loan_base = (uint64_t)lent,
                          .loan_len = 100};
    ftl_channel_send(ends[0], &req, NULL);
    struct ftl_msg got;
    ftl_channel_recv(ends[1], &got, NULL, 0);
    uint8_t data[32];
    memset(data, 0x5a, sizeof(data));
    EXPECT(ftl_copy_to_caller(ends[1], 11, 90, data, 20) == FTL_ERR_INVALID_ARG,
           "past the end");
    EXPECT(ftl_copy_to_caller(ends[1], 11, UINT64_MAX - 5, data, 10) ==
               FTL_ERR_INVALID_ARG,
           "offset overflow");
    EXPECT(ftl_copy_from_caller(ends[1], 11, 0, data, 10) ==
               FTL_ERR_INVALID_ARG,
           "wrong direction");
    EXPECT(ftl_copy_to_caller(ends[1], 12, 0, data, 10) == FTL_ERR_NOT_FOUND,
           "no such request");
    EXPECT(ftl_copy_to_caller(ends[0], 11, 0, data, 10) == FTL_ERR_NOT_FOUND,
           "the caller's own end holds no loan");
    EXPECT(ftl_copy_to_caller(ends[1], 11, 80, data, 20) == 20, "in bounds");
    EXPECT(lent[79] == 0 && lent[80] == 0x5a && lent[99] == 0x5a,
           "the bytes landed");
    EXPECT(ftl_copy_to_caller(ends[1], 11, 0, (void *)UNUSABLE_ADDRESS, 10) ==
               FTL_ERR_BAD_ADDRESS,
           "bad source");
    struct ftl_msg reply = {.type = FTL_MSG_READ_REPLY, .id = 11};
    ftl_channel_send(ends[1], &reply, NULL);
    EXPECT(ftl_copy_to_caller(ends[1], 11, 0, data, 10) == FTL_ERR_NOT_FOUND,
           "after the reply");
    req.loan_base = (uint64_t)-4096; // never the sender's memory
    EXPECT(ftl_channel_send(ends[0], &req, NULL) == FTL_ERR_BAD_ADDRESS,
           "a loan outside the sender's memory");
    ftl_handle_close(ends[0]);
    ftl_handle_close(ends[1]);
    return true;
}

static bool copy_fails_once_the_caller_died(void)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    char program[64];
    const char *path =
        server_program(server_mode, "lender.elf", program, sizeof(program));
    const char *argv[] = {path, NULL};
    struct ftl_spawn request = {.path = path,
                                .isolation = server_mode,
                                .argc = 1,
                                .argv = argv,
                                .channel = ends[1]};
    ftl_handle_t lender = ftl_process_spawn_request(&request);
    EXPECT(lender > 0, "spawn %s", path);
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, ends[0], 1);
    struct ftl_event event;
    EXPECT(ftl_sink_wait(sink, &event, IPC_TIMEOUT_NS) == 0 &&
               event.kind == FTL_EVENT_MESSAGE && event.msg.loan_len == 4096,
           "the lender's request");
    struct ftl_msg req;
    ftl_channel_recv(ends[0], &req, NULL, 0);
    uint8_t data[16] = {1};
    EXPECT(ftl_copy_to_caller(ends[0], req.id, 0, data, 16) == 16,
           "copy while the caller lives");
    ftl_process_kill(lender);
    ftl_process_wait(lender, IPC_TIMEOUT_NS);
    long r = ftl_copy_to_caller(ends[0], req.id, 0, data, 16);
    EXPECT(r == FTL_ERR_NOT_FOUND, "copy after the caller died: %ld", r);
    ftl_handle_close(lender);
    ftl_handle_close(sink);
    ftl_handle_close(ends[0]);
    return true;
}

static bool one_sink_serves_100_channels_fairly(void)
{
    enum { N = 100 };
    ftl_handle_t tx[N], rx[N];
    ftl_handle_t sink = ftl_sink_create();
    for (int i = 0; i < N; i++) {
        ftl_handle_t ends[2];
        EXPECT(ftl_channel_create(ends) == 0, "channel %d", i);
        tx[i] = ends[0];
        rx[i] = ends[1];
        EXPECT(ftl_sink_add(sink, rx[i], (uint64_t)i) == 0, "add %d", i);
    }
    EXPECT(ftl_sink_add(sink, rx[0], 0) == FTL_ERR_ALREADY_EXISTS, "twice");
    // Channel 0 is busy (5 messages); every other has one.
    for (int i = N - 1; i >= 0; i--) {
        for (int k = 0; k < (i == 0 ? 5 : 1); k++) {
            struct ftl_msg msg = {.type = FTL_MSG_WRITE, .id = (uint64_t)i};
            ftl_channel_send(tx[i], &msg, NULL);
        }
    }
    static bool seen[N];
    memset(seen, 0, sizeof(seen));
    int events = 0;
    // The first N events reach every channel once: the busy one cannot
    // starve the others.
    for (; events < N; events++) {
        struct ftl_event event;
        EXPECT(ftl_sink_wait(sink, &event, 0) == 0, "event %d", events);
        EXPECT(event.kind == FTL_EVENT_MESSAGE, "kind %u", event.kind);
        EXPECT(!seen[event.cookie], "channel %lu twice in the first round",
               (unsigned long)event.cookie);
        seen[event.cookie] = true;
        struct ftl_msg msg;
        ftl_channel_recv(rx[event.cookie], &msg, NULL, 0);
        EXPECT(msg.id == event.cookie, "the peeked message");
    }
    for (int k = 0; k < 4; k++) {
        struct ftl_event event;
        EXPECT(ftl_sink_wait(sink, &event, 0) == 0 && event.cookie == 0,
               "the busy channel's rest");
        struct ftl_msg msg;
        ftl_channel_recv(rx[0], &msg, NULL, 0);
    }
    struct ftl_event event;
    EXPECT(ftl_sink_wait(sink, &event, 0) == FTL_ERR_TIMED_OUT, "drained");
    for (int i = 0; i < N; i++) {
        ftl_handle_close(tx[i]);
        ftl_handle_close(rx[i]);
    }
    ftl_handle_close(sink);
    return true;
}

static bool timers_fire_in_deadline_order(void)
{
    ftl_handle_t sink = ftl_sink_create();
    ftl_handle_t timers[3];
    uint64_t now = ftl_clock_ns();
    static const uint64_t delays_ms[3] = {30, 10, 20};
    for (int i = 0; i < 3; i++) {
        timers[i] = ftl_timer_create();
        ftl_sink_add(sink, timers[i], (uint64_t)i);
        ftl_timer_set(timers[i], now + delays_ms[i] * MS, 0);
    }
    static const uint64_t order[3] = {1, 2, 0};
    for (int k = 0; k < 3; k++) {
        struct ftl_event event;
        EXPECT(ftl_sink_wait(sink, &event, IPC_TIMEOUT_NS) == 0 &&
                   event.kind == FTL_EVENT_TIMER && event.count == 1,
               "timer event %d", k);
        EXPECT(event.cookie == order[k], "timer %lu fired %dth",
               (unsigned long)event.cookie, k + 1);
        EXPECT(ftl_clock_ns() >= now + delays_ms[event.cookie] * MS,
               "not early");
    }
    // Periodic: every 5 ms; after 40 ms at least 6 expirations counted.
    ftl_timer_set(timers[0], ftl_clock_ns() + 5 * MS, 5 * MS);
    ftl_sleep_ns(40 * MS);
    struct ftl_event event;
    EXPECT(ftl_sink_wait(sink, &event, 0) == 0 && event.cookie == 0 &&
               event.count >= 6,
           "periodic count %lu", (unsigned long)event.count);
    ftl_timer_set(timers[0], 0, 0);
    for (int i = 0; i < 3; i++) {
        ftl_handle_close(timers[i]);
    }
    ftl_handle_close(sink);
    return true;
}

static bool bad_handles_pointers_and_sizes_give_errors(void)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    struct ftl_msg msg = {.type = FTL_MSG_WRITE, .body_len = 5000};
    static char big[5000];
    EXPECT(ftl_channel_send(ends[0], &msg, big) == FTL_ERR_TOO_LARGE,
           "oversized body");
    msg.body_len = 10;
    EXPECT(ftl_channel_send(ends[0], &msg, NULL) == FTL_ERR_BAD_ADDRESS,
           "NULL body");
    EXPECT(ftl_channel_send(ends[0], (struct ftl_msg *)UNUSABLE_ADDRESS,
                            NULL) == FTL_ERR_BAD_ADDRESS,
           "bad message pointer");
    msg.body_len = 0;
    msg.type = 99;
    EXPECT(ftl_channel_send(ends[0], &msg, NULL) == FTL_ERR_INVALID_ARG,
           "unknown type");
    msg.type = FTL_MSG_WRITE;
    EXPECT(ftl_channel_send(4095, &msg, NULL) == FTL_ERR_BAD_HANDLE,
           "bad handle");
    ftl_handle_t sink = ftl_sink_create();
    EXPECT(ftl_channel_send(sink, &msg, NULL) == FTL_ERR_BAD_HANDLE,
           "a sink is not a channel");
    msg.handle = 4095;
    EXPECT(ftl_channel_send(ends[0], &msg, NULL) == FTL_ERR_BAD_HANDLE,
           "bad handle to move");
    msg.handle = FTL_HANDLE_INVALID;
    msg.body_len = 8;
    ftl_channel_send(ends[0], &msg, "12345678");
    char small[4];
    struct ftl_msg got;
    EXPECT(ftl_channel_recv(ends[1], &got, small, sizeof(small)) ==
               FTL_ERR_TOO_LARGE,
           "body larger than the buffer");
    EXPECT(ftl_channel_recv(ends[1], &got, (void *)UNUSABLE_ADDRESS, 8) ==
               FTL_ERR_BAD_ADDRESS,
           "bad body buffer");
    char fits[8];
    EXPECT(ftl_channel_recv(ends[1], &got, fits, sizeof(fits)) == 8,
           "the message stayed");
    EXPECT(ftl_channel_recv(ends[1], &got, fits, sizeof(fits)) ==
               FTL_ERR_WOULD_BLOCK,
           "empty");
#ifndef __wasm__ // a module has no memory areas (docs/guides/wasm.md)
    ftl_handle_t area = ftl_vmarea_create(4096);
    EXPECT(ftl_sink_add(sink, area, 0) == FTL_ERR_INVALID_ARG,
           "a vmarea is not watchable");
    ftl_handle_close(area);
#endif
    ftl_handle_t other_sink = ftl_sink_create();
    EXPECT(ftl_sink_add(sink, other_sink, 0) == FTL_ERR_INVALID_ARG,
           "a sink is not watchable");
    ftl_handle_close(other_sink);
    EXPECT(ftl_sink_remove(sink, ends[1]) == FTL_ERR_NOT_FOUND, "remove");
    struct ftl_event event;
    EXPECT(ftl_sink_wait(sink, &event, 0) == FTL_ERR_TIMED_OUT, "nothing");
    ftl_sink_add(sink, ends[1], 0);
    ftl_channel_send(ends[0], &msg, "12345678");
    EXPECT(ftl_sink_wait(sink, (struct ftl_event *)UNUSABLE_ADDRESS, 0) ==
               FTL_ERR_BAD_ADDRESS,
           "bad event pointer");
    ftl_handle_t *volatile bad_ends = (ftl_handle_t *)UNUSABLE_ADDRESS;
    EXPECT(ftl_channel_create(bad_ends) == FTL_ERR_BAD_ADDRESS,
           "bad ends pointer");
    ftl_handle_close(sink);
    ftl_handle_close(ends[0]);
    ftl_handle_close(ends[1]);
    return true;
}

static bool ipc_objects_leave_no_leak(void)
{
    struct ftl_system_stats before, after;
    ftl_system_stats(&before);
    for (int i = 0; i < 100; i++) {
        ftl_handle_t a[2], b[2];
        ftl_channel_create(a);
        ftl_channel_create(b);
        struct ftl_msg msg = {
            .type = FTL_MSG_WRITE, .handle = b[1], .body_len = 3};
        ftl_channel_send(a[0], &msg, "abc"); // b[1] now sits in a queue
        ftl_handle_t sink = ftl_sink_create();
        ftl_sink_add(sink, a[1], 1);
        ftl_handle_t timer = ftl_timer_create();
        ftl_timer_set(timer, ftl_clock_ns() + 1000 * MS, 0);
        ftl_sink_add(sink, timer, 2);
        ftl_handle_close(a[0]);
        ftl_handle_close(a[1]); // frees the message and b[1] with it
        ftl_handle_close(b[0]);
        ftl_handle_close(timer);
        ftl_handle_close(sink);
    }
    ftl_system_stats(&after);
    EXPECT(usage_unchanged(&before, &after), "kernel objects leaked");
    return true;
}

// FTL_ISOLATION_WASM runs only programs of the wasm pipeline (their ELF
// note): a native one would run in kernel mode with nothing checked.
static bool wasm_isolation_takes_only_wasm_programs(void)
{
    ftl_handle_t process;
    ftl_handle_t channel =
        spawn_connected("echo_server.elf", FTL_ISOLATION_WASM, &process);
    EXPECT(channel == FTL_HANDLE_INVALID && process == FTL_ERR_BAD_FORMAT,
           "a native program as wasm: %d", process);
    channel =
        spawn_connected("echo_server_wasm.elf", FTL_ISOLATION_WASM, &process);
    EXPECT(channel != FTL_HANDLE_INVALID, "a wasm program: %d", process);
    struct ftl_process_info info;
    EXPECT(ftl_process_info(process, &info) == 0 &&
               info.isolation == FTL_ISOLATION_WASM,
           "reported as isolation %u", info.isolation);
    stop_server(channel, process);
    channel =
        spawn_connected("echo_server.elf", FTL_ISOLATION_WASM + 1, &process);
    EXPECT(channel == FTL_HANDLE_INVALID && process == FTL_ERR_INVALID_ARG,
           "an isolation past wasm: %d", process);
    return true;
}

static const struct test tests[] = {
    TEST(request_and_reply_across_processes),
    TEST(handles_move_in_messages),
    TEST(failed_send_keeps_the_handle),
    TEST(full_queue_is_backpressure_not_loss),
    TEST(closing_an_end_tells_the_peer),
    TEST(server_crash_gives_peer_closed_not_a_hang),
    TEST(copy_calls_move_large_buffers),
    TEST(copy_calls_stay_in_bounds_and_end_with_the_reply),
    TEST(copy_fails_once_the_caller_died),
    TEST(one_sink_serves_100_channels_fairly),
    TEST(timers_fire_in_deadline_order),
    TEST(bad_handles_pointers_and_sizes_give_errors),
    TEST(ipc_objects_leave_no_leak),
    TEST(wasm_isolation_takes_only_wasm_programs),
};

int main(int argc, char **argv)
{
    server_mode = server_isolation_named(argc > 1 ? argv[1] : NULL);
    printf("client in %s mode, servers in %s mode\n", own_mode_name(),
           isolation_name(server_mode));
    return suite_run("os.ipc", tests, sizeof(tests) / sizeof(tests[0]), NULL,
                     0);
}
