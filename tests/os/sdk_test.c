// In-OS tests of the SDK with the real system calls: the event loop, the
// client helper against services built with the server helper (apps/pong,
// apps/kv), ping and pong end to end, a crashing server, and the C runtime
// (arguments, environment, exit status of exit/abort/assert, time).
// Run as the first process (ftl.init=sdk_test.elf) in user or kernel mode,
// or as its WebAssembly build (sdk_test_wasm.elf); `ftl.init_arg=user|
// kernel|wasm` picks the mode of the services it starts (wasm: pong, kv
// and crash_server from their wasm builds, and only their tests run).
// Ends with `os.sdk: N passed, N failed`.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/loop.h>
#include <ftl/process.h>
#include <ftl/time.h>

#include "spawn_util.h"
#include "suite.h"

#define TIMEOUT_NS (10 * FTL_S)

static uint32_t service_mode = FTL_ISOLATION_USER;

// The isolation of the native programs a test starts beside the services
// (ping, runtime_child): the services' own, or kernel mode when those are
// wasm (they have no wasm build).
static uint32_t native_mode(void)
{
    return service_mode == FTL_ISOLATION_WASM ? FTL_ISOLATION_KERNEL
                                              : service_mode;
}

// Calls made from a test: each completion is recorded, and the loop runs
// until `expected` have completed or a watchdog timer says the test hung.
struct calls {
    struct ftl_loop *loop;
    struct ftl_loop_timer watchdog;
    int expected, completed;
    bool timed_out;
    struct ftl_result last; // body copied into last_body
    char last_body[FTL_MSG_BODY_MAX + 1];
};

static void calls_on_watchdog(struct ftl_loop *loop,
                              struct ftl_loop_timer *timer, void *arg)
{
    (void)timer;
    ((struct calls *)arg)->timed_out = true;
    ftl_loop_stop(loop, FTL_ERR_TIMED_OUT);
}

static void calls_init(struct calls *calls, struct ftl_loop *loop)
{
    memset(calls, 0, sizeof(*calls));
    calls->loop = loop;
}

static void calls_record(struct calls *calls, const struct ftl_result *result)
{
    calls->last = *result;
    memcpy(calls->last_body, result->body, result->body_len + 1);
    calls->last.body = calls->last_body;
    if (++calls->completed == calls->expected) {
        ftl_loop_stop(calls->loop, 0);
    }
}

static void calls_done(const struct ftl_result *result, void *arg)
{
    calls_record(arg, result);
}

// Runs the loop until `count` more calls completed; false on a hang.
static bool calls_wait(struct calls *calls, int count)
{
    calls->expected = calls->completed + count;
    ftl_loop_timer_start(calls->loop, &calls->watchdog, TIMEOUT_NS, 0,
                         calls_on_watchdog, calls);
    ftl_loop_run(calls->loop);
    ftl_loop_timer_cancel(calls->loop, &calls->watchdog);
    return !calls->timed_out && calls->completed == calls->expected;
}

// A service started for a test, and a client of it on a loop of the
// test's own.
struct session {
    ftl_handle_t process;
    struct ftl_loop *loop;
    struct ftl_client *service;
    struct calls calls;
};

static bool session_start(struct session *session, const char *path)
{
    ftl_handle_t channel =
        spawn_server_in(service_mode, path, &session->process);
    session->loop = ftl_loop_create();
    session->service = channel == FTL_HANDLE_INVALID
                           ? NULL
                           : ftl_client_create(session->loop, channel);
    calls_init(&session->calls, session->loop);
    return session->service != NULL;
}

// Closes the channel: a server built on the loop then runs out of work and
// exits (or has died already).
static long session_stop(struct session *session)
{
    ftl_client_destroy(session->service);
    ftl_loop_destroy(session->loop);
    long status = ftl_process_wait(session->process, TIMEOUT_NS);
    ftl_handle_close(session->process);
    return status;
}

static bool ping_gets_every_pong(void)
{
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    char program[64];
    const char *pong_argv[] = {
        server_program(service_mode, "pong.elf", program, sizeof(program)),
        NULL};
    const char *ping_argv[] = {"ping.elf", "5", NULL};
    struct ftl_spawn pong = {.path = pong_argv[0],
                             .isolation = service_mode,
                             .argc = 1,
                             .argv = pong_argv,
                             .channel = ends[1]};
    struct ftl_spawn ping = {.path = "ping.elf",
                             .isolation = native_mode(),
                             .argc = 2,
                             .argv = ping_argv,
                             .channel = ends[0]};
    ftl_handle_t pong_process = ftl_process_spawn_request(&pong);
    ftl_handle_t ping_process = ftl_process_spawn_request(&ping);
    EXPECT(pong_process > 0 && ping_process > 0, "both started");
    long status = ftl_process_wait(ping_process, TIMEOUT_NS);
    EXPECT(status == 0, "ping's exit status %ld", status);
    // ping's exit closed the channel: pong's loop ran out of work.
    status = ftl_process_wait(pong_process, TIMEOUT_NS);
    EXPECT(status == 0, "pong's exit status %ld", status);
    ftl_handle_close(ping_process);
    ftl_handle_close(pong_process);
    return true;
}

// One of many writes in flight: its callback checks its own answer.
struct echo_call {
    struct calls *calls;
    char sent[16];
    bool answered_right;
};

static void echo_done(const struct ftl_result *result, void *arg)
{
    struct echo_call *call = arg;
    call->answered_right = result->error == 0 &&
                           strcmp(result->body, call->sent) == 0 &&
                           result->value == strlen(call->sent);
    calls_record(call->calls, result);
}

static bool many_calls_in_flight_are_matched_by_id(void)
{
    enum { N = FTL_CLIENT_CALLS_MAX };
    struct session pong;
    EXPECT(session_start(&pong, "pong.elf"), "pong started");
    struct ftl_client *client = pong.service;
    static struct echo_call echoes[N];
    for (int i = 0; i < N; i++) {
        echoes[i] = (struct echo_call){.calls = &pong.calls};
        snprintf(echoes[i].sent, sizeof(echoes[i].sent), "call %d", i);
        int err =
            ftl_client_write(client, 0, echoes[i].sent, strlen(echoes[i].sent),
                             echo_done, &echoes[i]);
        EXPECT(err == 0, "call %d: %s", i, ftl_error_str(err));
    }
    EXPECT(ftl_client_pending(client) == N, "%u in flight",
           ftl_client_pending(client));
    EXPECT(ftl_client_write(client, 0, "x", 1, calls_done, &pong.calls) ==
               FTL_ERR_WOULD_BLOCK,
           "one call too many");
    EXPECT(calls_wait(&pong.calls, N), "%d of %d answered",
           pong.calls.completed, N);
    for (int i = 0; i < N; i++) {
        EXPECT(echoes[i].answered_right, "call %d got another's answer", i);
    }
    EXPECT(session_stop(&pong) == 0, "pong exits when its channel closes");
    return true;
}

static bool types_without_a_handler_get_an_error(void)
{
    struct session pong;
    EXPECT(session_start(&pong, "pong.elf"), "pong started");
    struct calls *calls = &pong.calls;
    char buffer[8];
    ftl_client_getattr(pong.service, "size", calls_done, calls);
    EXPECT(calls_wait(calls, 1), "GETATTR answered");
    EXPECT(calls->last.error == FTL_ERR_NOT_SUPPORTED, "GETATTR: %s",
           ftl_error_str(calls->last.error));
    ftl_client_read(pong.service, 0, buffer, sizeof(buffer), calls_done, calls);
    EXPECT(calls_wait(calls, 1), "READ answered");
    EXPECT(calls->last.error == FTL_ERR_NOT_SUPPORTED, "READ: %s",
           ftl_error_str(calls->last.error));
    ftl_client_open(pong.service, "anything", calls_done, calls);
    EXPECT(calls_wait(calls, 1), "OPEN answered");
    EXPECT(calls->last.error == FTL_ERR_NOT_SUPPORTED &&
               calls->last.handle == FTL_HANDLE_INVALID,
           "OPEN: %s", ftl_error_str(calls->last.error));
    EXPECT(session_stop(&pong) == 0, "pong exits when its channel closes");
    return true;
}

// A kv client on a session's loop for kv/<key>, or NULL with the error in
// session->calls.last.
static struct ftl_client *kv_open(struct session *kv, const char *key)
{
    char path[64];
    snprintf(path, sizeof(path), "kv/%s", key);
    if (ftl_client_open(kv->service, path, calls_done, &kv->calls) < 0 ||
        !calls_wait(&kv->calls, 1) || kv->calls.last.error < 0) {
        return NULL;
    }
    return ftl_client_create(kv->loop, kv->calls.last.handle);
}

static bool kv_keeps_a_value_per_key(void)
{
    struct session kv;
    EXPECT(session_start(&kv, "kv.elf"), "kv started");
    struct ftl_client *a = kv_open(&kv, "a"), *b = kv_open(&kv, "b");
    EXPECT(a != NULL && b != NULL, "open: %s",
           ftl_error_str(kv.calls.last.error));
    ftl_client_write(a, 0, "apple", 5, calls_done, &kv.calls);
    ftl_client_write(b, 0, "banana", 6, calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 2), "writes answered");
    EXPECT(kv.calls.last.error == 0 && kv.calls.last.value == 6,
           "write: %s, %lu bytes", ftl_error_str(kv.calls.last.error),
           (unsigned long)kv.calls.last.value);
    ftl_client_destroy(a);
    // A new channel to the same key sees the value.
    a = kv_open(&kv, "a");
    char value[16] = {0};
    ftl_client_read(a, 0, value, sizeof(value), calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.value == 5 &&
               memcmp(value, "apple", 5) == 0,
           "read back %lu bytes: %s", (unsigned long)kv.calls.last.value,
           value);
    ftl_client_read(b, 2, value, 3, calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.value == 3 &&
               memcmp(value, "nan", 3) == 0,
           "read at an offset");
    ftl_client_getattr(b, "size", calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) && strcmp(kv.calls.last.body, "6") == 0,
           "size of b: %s", kv.calls.last.body);
    ftl_client_setattr(b, "size", "3", calls_done, &kv.calls);
    ftl_client_getattr(b, "size", calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 2) && strcmp(kv.calls.last.body, "3") == 0,
           "size after SETATTR size=3: %s", kv.calls.last.body);
    ftl_client_getattr(kv.service, "keys", calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) && strcmp(kv.calls.last.body, "2") == 0,
           "keys: %s", kv.calls.last.body);
    ftl_client_destroy(a);
    ftl_client_destroy(b);
    EXPECT(session_stop(&kv) == 0, "kv exits when its channels close");
    return true;
}

static bool kv_refuses_what_it_does_not_know(void)
{
    struct session kv;
    EXPECT(session_start(&kv, "kv.elf"), "kv started");
    EXPECT(kv_open(&kv, "") == NULL &&
               kv.calls.last.error == FTL_ERR_INVALID_ARG,
           "empty key: %s", ftl_error_str(kv.calls.last.error));
    ftl_client_open(kv.service, "files/x", calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.error == FTL_ERR_NOT_FOUND,
           "a path outside kv/: %s", ftl_error_str(kv.calls.last.error));
    struct ftl_client *key = kv_open(&kv, "k");
    ftl_client_getattr(key, "colour", calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.error == FTL_ERR_NOT_FOUND,
           "unknown attribute: %s", ftl_error_str(kv.calls.last.error));
    ftl_client_setattr(key, "size", "many", calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) &&
               kv.calls.last.error == FTL_ERR_INVALID_ARG,
           "size=many: %s", ftl_error_str(kv.calls.last.error));
    ftl_client_write(kv.service, 0, "x", 1, calls_done, &kv.calls);
    EXPECT(calls_wait(&kv.calls, 1) &&
               kv.calls.last.error == FTL_ERR_NOT_SUPPORTED,
           "WRITE to the service channel: %s",
           ftl_error_str(kv.calls.last.error));
    ftl_client_destroy(key);
    EXPECT(session_stop(&kv) == 0, "kv exits when its channels close");
    return true;
}

static bool kv_values_larger_than_a_page_round_trip(void)
{
    static const size_t sizes[] = {4097, 64 * 1024 + 13, 1024 * 1024};
    struct session kv;
    EXPECT(session_start(&kv, "kv.elf"), "kv started");
    for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        size_t size = sizes[s];
        uint8_t *out = malloc(size), *in = malloc(size);
        EXPECT(out != NULL && in != NULL, "buffers");
        for (size_t i = 0; i < size; i++) {
            out[i] = (uint8_t)(i * 31 + s + i / 4096);
        }
        memset(in, 0, size);
        char key[16];
        snprintf(key, sizeof(key), "big%u", s);
        struct ftl_client *client = kv_open(&kv, key);
        EXPECT(client != NULL, "open %s", key);
        ftl_client_write(client, 0, out, size, calls_done, &kv.calls);
        EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.value == size,
               "write %zu: %s", size, ftl_error_str(kv.calls.last.error));
        ftl_client_read(client, 0, in, size, calls_done, &kv.calls);
        EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.value == size,
               "read %zu: %s", size, ftl_error_str(kv.calls.last.error));
        for (size_t i = 0; i < size; i++) {
            EXPECT(in[i] == out[i], "byte %zu of %zu: %u, wrote %u", i, size,
                   in[i], out[i]);
        }
        // A piece across a page boundary, read into a small buffer.
        uint8_t piece[100];
        ftl_client_read(client, 4050, piece, sizeof(piece), calls_done,
                        &kv.calls);
        size_t expected =
            size - 4050 < sizeof(piece) ? size - 4050 : sizeof(piece);
        EXPECT(calls_wait(&kv.calls, 1) && kv.calls.last.value == expected,
               "piece: %lu bytes, expected %zu",
               (unsigned long)kv.calls.last.value, expected);
        EXPECT(memcmp(piece, out + 4050, kv.calls.last.value) == 0,
               "the piece's bytes");
        ftl_client_destroy(client);
        free(out);
        free(in);
    }
    EXPECT(session_stop(&kv) == 0, "kv exits when its channels close");
    return true;
}

static bool client_of_a_crashing_server_gets_errors_not_a_hang(void)
{
    struct session crash;
    EXPECT(session_start(&crash, "crash_server.elf"), "server started");
    struct ftl_client *client = crash.service;
    struct calls *calls = &crash.calls;
    static struct echo_call before = {.sent = "before"};
    static struct echo_call after = {.sent = "after"};
    before.calls = after.calls = calls;
    ftl_client_write(client, 0, before.sent, 6, echo_done, &before);
    ftl_client_setattr(client, "crash", "now", calls_done, calls);
    ftl_client_write(client, 0, after.sent, 5, echo_done, &after);
    EXPECT(calls_wait(calls, 3), "%d of 3 calls completed", calls->completed);
    EXPECT(before.answered_right, "the call before the crash succeeded");
    EXPECT(!after.answered_right, "the call after the crash failed");
    EXPECT(calls->last.error == FTL_ERR_PEER_CLOSED, "last error: %s",
           ftl_error_str(calls->last.error));
    EXPECT(ftl_client_write(client, 0, "x", 1, calls_done, calls) ==
               FTL_ERR_PEER_CLOSED,
           "a call after the crash fails at once");
    EXPECT(session_stop(&crash) == FTL_EXIT_KILLED, "the server was killed");
    return true;
}

static void count_tick(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                       void *arg)
{
    (void)timer;
    if (++*(int *)arg == 3) {
        ftl_loop_stop(loop, 0);
    }
}

static bool loop_timers_keep_their_period(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_loop_timer tick = {0};
    int ticks = 0;
    uint64_t start = ftl_clock_ns();
    ftl_loop_timer_start(loop, &tick, 20 * FTL_MS, 20 * FTL_MS, count_tick,
                         &ticks);
    EXPECT(ftl_loop_run(loop) == 0 && ticks == 3, "%d ticks", ticks);
    uint64_t elapsed = ftl_clock_ns() - start;
    EXPECT(elapsed >= 60 * FTL_MS, "3 ticks of 20 ms after %lu ms",
           (unsigned long)(elapsed / FTL_MS));
    ftl_loop_timer_cancel(loop, &tick);
    EXPECT(ftl_loop_run(loop) == 0, "nothing left: run returns");
    ftl_loop_destroy(loop);
    return true;
}

// runtime_child.elf: checks its arguments and environment, or ends as its
// first argument says; returns its exit status.
static long run_child(const char *what)
{
    const char *argv[] = {"runtime_child.elf", what, "two words", NULL};
    const char *envp[] = {"GREETING=hello world", "EMPTY=", NULL};
    struct ftl_spawn request = {.path = "runtime_child.elf",
                                .isolation = native_mode(),
                                .argc = 3,
                                .argv = argv,
                                .envc = 2,
                                .envp = envp};
    ftl_handle_t child = ftl_process_spawn_request(&request);
    if (child < 0) {
        return child;
    }
    long status = ftl_process_wait(child, TIMEOUT_NS);
    ftl_handle_close(child);
    return status;
}

static bool main_gets_arguments_and_environment(void)
{
    long status = run_child("args");
    EXPECT(status == 0, "runtime_child args: status %ld", status);
    return true;
}

static bool exit_abort_and_assert_end_with_a_status(void)
{
    long status = run_child("exit7");
    EXPECT(status == 7, "exit(7): status %ld", status);
    status = run_child("return3");
    EXPECT(status == 3, "return 3 from main: status %ld", status);
    status = run_child("abort");
    EXPECT(status == 134, "abort(): status %ld", status);
    status = run_child("assert");
    EXPECT(status == 134, "a failed assert: status %ld", status);
    return true;
}

static bool time_functions_follow_the_monotonic_clock(void)
{
    struct timespec a, b;
    uint64_t before = ftl_clock_ns();
    EXPECT(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime");
    uint64_t ns = (uint64_t)a.tv_sec * FTL_S + (uint64_t)a.tv_nsec;
    EXPECT(ns >= before && ns <= ftl_clock_ns(), "the same clock");
    struct timespec nap = {.tv_nsec = 20 * FTL_MS};
    EXPECT(nanosleep(&nap, NULL) == 0, "nanosleep");
    clock_gettime(CLOCK_MONOTONIC, &b);
    uint64_t slept = (uint64_t)(b.tv_sec - a.tv_sec) * FTL_S +
                     (uint64_t)b.tv_nsec - (uint64_t)a.tv_nsec;
    EXPECT(slept >= 20 * FTL_MS, "slept %lu ns", (unsigned long)slept);
    EXPECT(time(NULL) == (time_t)(ftl_clock_ns() / FTL_S), "time()");
    return true;
}

static const struct test tests[] = {
    TEST(ping_gets_every_pong),
    TEST(many_calls_in_flight_are_matched_by_id),
    TEST(types_without_a_handler_get_an_error),
    TEST(kv_keeps_a_value_per_key),
    TEST(kv_refuses_what_it_does_not_know),
    TEST(kv_values_larger_than_a_page_round_trip),
    TEST(client_of_a_crashing_server_gets_errors_not_a_hang),
    TEST(loop_timers_keep_their_period),
    TEST(main_gets_arguments_and_environment),
    TEST(exit_abort_and_assert_end_with_a_status),
    TEST(time_functions_follow_the_monotonic_clock),
};

// The tests whose servers (pong, kv, crash_server) have wasm builds.
static char *wasm_tests[] = {
    "ping_gets_every_pong",
    "many_calls_in_flight_are_matched_by_id",
    "types_without_a_handler_get_an_error",
    "kv_keeps_a_value_per_key",
    "kv_refuses_what_it_does_not_know",
    "kv_values_larger_than_a_page_round_trip",
    "client_of_a_crashing_server_gets_errors_not_a_hang",
};

int main(int argc, char **argv)
{
    service_mode = server_isolation_named(argc > 1 ? argv[1] : NULL);
    printf("tests in %s mode, services in %s mode\n", own_mode_name(),
           isolation_name(service_mode));
    if (service_mode == FTL_ISOLATION_WASM) {
        return suite_run("os.sdk", tests, sizeof(tests) / sizeof(tests[0]),
                         wasm_tests,
                         sizeof(wasm_tests) / sizeof(wasm_tests[0]));
    }
    return suite_run("os.sdk", tests, sizeof(tests) / sizeof(tests[0]), NULL,
                     0);
}
