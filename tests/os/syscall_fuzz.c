// The system call fuzzer (issue 18): millions of calls with random numbers
// and arguments (fuzz_calls.c), after which the kernel must still run and
// hold exactly the pages, heap, objects and handles it held before.
//
// As the first process (ftl.init=syscall_fuzz.elf, ftl.init_arg=SEED,COUNT
// [,TRACE_FROM]) it is the harness: it spawns itself as a child in its own
// isolation mode to make COUNT calls with seed SEED, waits, and compares the
// kernel's counters; then it fuzzes the calls only the first process may
// make (spawn, initfs, ports, interrupts) itself, a tenth as many, and
// compares again. A child that dies or hangs, a result outside the ABI, or
// a counter that moved fails the run; the seed and the call index printed
// reproduce it (TRACE_FROM prints each call from that index on). The
// regression tests below replay seeds that once found kernel bugs.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/ioport.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/time.h>

#include "fuzz_calls.h"
#include "suite.h"

#define SECOND_NS 1000000000ULL
#define CHILD_TIMEOUT_NS (3600 * SECOND_NS)
#define PROGRESS_EVERY 10000
#define COVERAGE_FROM 100000 // calls of a run that prints its coverage

static uint64_t seed = 1;
static uint64_t count = 100000;
static uint64_t trace_from = UINT64_MAX;
static long only = -1;

// A second thread of the child fuzzes the same handles at the same time,
// so that a handle is closed, a channel sent away or a sink destroyed while
// the other thread waits on it. It copies the main pool's handles now and
// then (a torn copy only makes a wrong handle, which is fuzzing too).
struct racer {
    struct fuzz_run run;
    const struct fuzz_run *main;
    uint64_t calls; // it makes
    volatile bool stopped;
};

static void racer_main(void *arg)
{
    struct racer *racer = arg;
    struct fuzz_pool *pool = &racer->run.pool;
    while (racer->run.calls < racer->calls) {
        if (racer->run.calls % 64 == 0) {
            const struct fuzz_pool *main = &racer->main->pool;
            unsigned n = main->handle_count;
            for (unsigned i = 0; i < n && i < FUZZ_HANDLES_MAX; i++) {
                pool->handles[i] = main->handles[i];
                pool->kinds[i] = main->kinds[i];
            }
            pool->handle_count = n < FUZZ_HANDLES_MAX ? n : FUZZ_HANDLES_MAX;
        }
        fuzz_call(&racer->run);
    }
    racer->stopped = true;
}

// The child: makes `calls` calls, a quarter of them in its racing thread,
// prints progress so that a hang or panic is located, and exits 0 if every
// result was plausible.
static int fuzz_child(uint64_t child_seed, uint64_t calls, uint64_t trace)
{
    static struct fuzz_run run;
    static struct racer racer;
    int err = fuzz_pool_init(&run.pool, child_seed);
    if (err == 0) {
        err = fuzz_pool_init(&racer.run.pool, child_seed ^ 0xacce55);
    }
    if (err < 0) {
        printf("no scratch memory: %s\n", ftl_error_str(err));
        return 2;
    }
    run.trace_from = trace;
    run.only = -1;
    racer.run.trace_from = UINT64_MAX;
    racer.run.only = -1;
    racer.main = &run;
    racer.run.pool.peer = &run.pool;
    racer.calls = calls / 4;
    uint64_t start = ftl_clock_ns();
    ftl_handle_t thread = ftl_thread_create(racer_main, &racer, 0);
    if (thread < 0) {
        racer.calls = 0;
    }
    while (run.calls < calls - racer.calls) {
        fuzz_call(&run);
        if (run.calls % PROGRESS_EVERY == 0) {
            printf("  seed %llu: %llu calls\n", (unsigned long long)child_seed,
                   (unsigned long long)run.calls);
        }
    }
    while (thread > 0 && !racer.stopped) {
        ftl_thread_yield();
    }
    uint64_t ms = (ftl_clock_ns() - start) / 1000000;
    fuzz_pool_release(&racer.run.pool);
    fuzz_pool_release(&run.pool);
    uint64_t total = run.calls + racer.run.calls;
    printf("  seed %llu: %llu calls in %llu ms (%llu by the racing thread), "
           "%llu succeeded, %llu bad results\n",
           (unsigned long long)child_seed, (unsigned long long)total,
           (unsigned long long)ms, (unsigned long long)racer.run.calls,
           (unsigned long long)(run.succeeded + racer.run.succeeded),
           (unsigned long long)(run.bad_results + racer.run.bad_results));
    if (calls >= COVERAGE_FROM) {
        fuzz_print_coverage(&run, &racer.run);
    }
    return run.bad_results + racer.run.bad_results == 0 ? 0 : 1;
}

static void print_stats(const char *when, const struct ftl_system_stats *s)
{
    printf("  %s: %lu free pages + %lu kernel tables + %lu log, "
           "%u processes, %u threads, %u vmareas, %lu heap bytes, "
           "%u handles\n",
           when, (unsigned long)s->pages_free,
           (unsigned long)s->kernel_table_pages, (unsigned long)s->log_pages,
           s->processes, s->threads, s->vmareas, (unsigned long)s->heap_bytes,
           s->handles);
}

// Page tables of the kernel half are kept once made (a kernel-mode slot
// that mapped somewhere new): counted apart, they are not a leak.
static bool stats_equal(const struct ftl_system_stats *a,
                        const struct ftl_system_stats *b)
{
    // Log rings are kept for good once made (a child killed under a new
    // name leaves one): counted as free.
    return a->pages_free + a->kernel_table_pages + a->log_pages ==
               b->pages_free + b->kernel_table_pages + b->log_pages &&
           a->processes == b->processes && a->threads == b->threads &&
           a->vmareas == b->vmareas && a->heap_bytes == b->heap_bytes &&
           a->handles == b->handles;
}

static const char *mode_name(void)
{
    return ftl_start_info->isolation == FTL_ISOLATION_KERNEL ? "kernel"
                                                             : "user";
}

// Spawns `path` with argv in `isolation` and waits for it (killed after
// CHILD_TIMEOUT_NS); its exit status, or an error.
static long spawn_and_wait(const char *path, uint32_t isolation,
                           const char *const *argv)
{
    ftl_handle_t p = ftl_process_spawn(path, isolation, argv);
    if (p < 0) {
        return p;
    }
    long status = ftl_process_wait(p, CHILD_TIMEOUT_NS);
    if (status == FTL_ERR_TIMED_OUT) {
        ftl_process_kill(p);
        ftl_process_wait(p, SECOND_NS);
    }
    ftl_handle_close(p);
    return status;
}

// Spawns the child with seed and count in this process's mode and waits;
// its exit status, or an error.
static long run_child(uint64_t child_seed, uint64_t calls, uint64_t trace)
{
    char seed_text[24], calls_text[24], trace_text[24];
    snprintf(seed_text, sizeof(seed_text), "%llu",
             (unsigned long long)child_seed);
    snprintf(calls_text, sizeof(calls_text), "%llu", (unsigned long long)calls);
    snprintf(trace_text, sizeof(trace_text), "%llu", (unsigned long long)trace);
    const char *argv[] = {"syscall_fuzz.elf", "child",    seed_text,
                          calls_text,         trace_text, NULL};
    return spawn_and_wait("syscall_fuzz.elf", ftl_start_info->isolation,
                          argv);
}

// Fuzzes with seed and calls in a child and checks that the child lived and
// the counters came back. A short first run of the seed warms up what the
// kernel makes once and keeps (kernel stack slots), so the counters are
// taken around the second. With report, prints the bench figures.
static bool fuzz_in_child(uint64_t child_seed, uint64_t calls, bool report)
{
    long status =
        run_child(child_seed, calls < 2000 ? calls : 2000, UINT64_MAX);
    EXPECT(status == 0, "warm-up with seed %llu: status %ld",
           (unsigned long long)child_seed, status);
    struct ftl_system_stats before, after;
    ftl_system_stats(&before);
    uint64_t start = ftl_clock_ns();
    status = run_child(child_seed, calls, trace_from);
    uint64_t ns = ftl_clock_ns() - start;
    ftl_system_stats(&after);
    EXPECT(status == 0, "seed %llu, %llu calls in %s mode: status %ld%s",
           (unsigned long long)child_seed, (unsigned long long)calls,
           mode_name(), status, status == FTL_EXIT_KILLED ? " (killed)" : "");
    if (!stats_equal(&before, &after)) {
        print_stats("before", &before);
        print_stats("after", &after);
    }
    EXPECT(stats_equal(&before, &after), "counters moved after seed %llu",
           (unsigned long long)child_seed);
    if (!report) {
        return true;
    }
    uint64_t per_s = ns > 0 ? calls * SECOND_NS / ns : 0;
    printf("bench: syscall_fuzz.calls.%s %llu count\n", mode_name(),
           (unsigned long long)calls);
    printf("bench: syscall_fuzz.calls_per_s.%s %llu calls/s\n", mode_name(),
           (unsigned long long)per_s);
    return true;
}

static bool fuzzed_child_survives_and_leaks_nothing(void)
{
    return fuzz_in_child(seed, count, true);
}

// What only the first process may do, fuzzed in this process: it maps
// nothing and starts no thread (fuzz_calls.c), and closes all it made.
static bool fuzzed_privileged_calls_leave_no_leak(void)
{
    static struct fuzz_run run;
    uint64_t calls = count / 10 > 1000 ? count / 10 : 1000;
    // Warm up: the handle table grows to its most and stays so; a child of
    // each mode makes the tables of its kernel stack and slot.
    for (int i = 0; i < 2; i++) {
        const char *argv[] = {"exit_with.elf", "0", NULL};
        ftl_handle_t p = ftl_process_spawn("exit_with.elf", (uint32_t)i, argv);
        ftl_process_wait(p, 10 * SECOND_NS);
        ftl_handle_close(p);
    }
    ftl_handle_t timers[FUZZ_HANDLES_MAX + 64];
    for (unsigned i = 0; i < sizeof(timers) / sizeof(*timers); i++) {
        timers[i] = ftl_timer_create();
    }
    for (unsigned i = 0; i < sizeof(timers) / sizeof(*timers); i++) {
        ftl_handle_close(timers[i]);
    }
    // A process's I/O permission bitmap is made on its first enable and
    // lives as long as it does.
    ftl_handle_t port = ftl_ioport_create(0x80, 1);
    EXPECT(port > 0 && ftl_ioport_enable(port) == 0, "port 0x80: %d", port);
    ftl_handle_close(port);
    EXPECT(fuzz_pool_init(&run.pool, seed ^ 0x5eed) == 0, "scratch");
    run.privileged = true;
    run.trace_from = trace_from;
    run.only = only;
    struct ftl_system_stats before, after;
    ftl_system_stats(&before);
    // Without a racing thread, the process holds exactly the handles it was
    // told about: its own and its pool's. The first call after which it
    // does not is printed (a handle the kernel made or kept unseen).
    uint64_t handles_off_at = UINT64_MAX;
    while (run.calls < calls) {
        fuzz_call(&run);
        struct ftl_system_stats now;
        ftl_system_stats(&now);
        if (handles_off_at == UINT64_MAX &&
            now.handles != run.pool.own_handles + run.pool.handle_count) {
            handles_off_at = run.calls - 1;
            printf("  after call %llu: %u handles, %u known\n",
                   (unsigned long long)handles_off_at, now.handles,
                   run.pool.own_handles + run.pool.handle_count);
        }
    }
    fuzz_pool_release(&run.pool);
    ftl_system_stats(&after);
    fuzz_print_coverage(&run, NULL);
    printf("  %llu privileged calls, %llu succeeded\n",
           (unsigned long long)run.calls, (unsigned long long)run.succeeded);
    if (!stats_equal(&before, &after)) {
        print_stats("before", &before);
        print_stats("after", &after);
    }
    EXPECT(handles_off_at == UINT64_MAX, "unknown handles from call %llu on",
           (unsigned long long)handles_off_at);
    EXPECT(run.bad_results == 0, "%llu results outside the ABI",
           (unsigned long long)run.bad_results);
    EXPECT(stats_equal(&before, &after), "counters moved after seed %llu",
           (unsigned long long)(seed ^ 0x5eed));
    return true;
}

// Found by seed 1 (call 14673): a periodic timer whose next deadline lay
// past 2^64 ns wrapped to one already passed, and the kernel's timer
// interrupt looped with interrupts off for good. And a 1 ns period kept the
// CPU in the timer interrupt. Both are refused or ended now.
static bool timer_periods_cannot_stall_the_kernel(void)
{
    ftl_handle_t timer = ftl_timer_create();
    EXPECT(timer > 0, "timer: %d", timer);
    uint64_t now = ftl_clock_ns();
    EXPECT(ftl_timer_set(timer, now - 1, UINT64_MAX) == 0, "huge period");
    EXPECT(ftl_timer_set(timer, 1, UINT64_MAX - 10) == 0, "huge period");
    ftl_sleep_ns(10 * 1000 * 1000);
    int err = ftl_timer_set(timer, now, 1);
    EXPECT(err == FTL_ERR_INVALID_ARG, "1 ns period: %d", err);
    err = ftl_timer_set(timer, now, FTL_TIMER_PERIOD_MIN);
    EXPECT(err == 0, "the shortest period: %d", err);
    ftl_sleep_ns(10 * 1000 * 1000);
    ftl_handle_close(timer);
    uint64_t slept = ftl_clock_ns() - now;
    EXPECT(slept < 5 * SECOND_NS, "two 10 ms sleeps took %llu ns",
           (unsigned long long)slept);
    return true;
}

// Found by seed 2004 (kernel mode, 3,000,000 calls): two channel ends each
// in the other's queue (y2 sent over x1, then x2 over y1) were never freed
// once x1 and y1 were closed, with their messages and the lender of any
// loan among them: kernel heap and a process object leaked past the
// process's exit. Moving an end whose queue holds a channel end is refused.
static bool channel_ends_cannot_be_sent_in_a_cycle(void)
{
    struct ftl_system_stats before, after;
    ftl_system_stats(&before);
    ftl_handle_t x[2], y[2];
    EXPECT(ftl_channel_create(x) == 0 && ftl_channel_create(y) == 0,
           "channels");
    struct ftl_msg msg = {.type = FTL_MSG_WRITE, .id = 1, .handle = y[1]};
    int err = ftl_channel_send(x[0], &msg, NULL);
    EXPECT(err == 0, "y2 over x1: %d", err);
    msg.handle = x[1];
    err = ftl_channel_send(y[0], &msg, NULL);
    ftl_handle_close(x[0]);
    ftl_handle_close(y[0]);
    ftl_handle_close(x[1]); // if the send was refused, it is still here
    ftl_system_stats(&after);
    EXPECT(err == FTL_ERR_BUSY, "x2 over y1, closing the cycle: %d", err);
    EXPECT(after.heap_bytes == before.heap_bytes &&
               after.handles == before.handles,
           "heap %llu -> %llu bytes, handles %u -> %u",
           (unsigned long long)before.heap_bytes,
           (unsigned long long)after.heap_bytes, before.handles, after.handles);
    return true;
}

// The seeds that found a bug, replayed: each must now run clean.
static bool seed_1_replays_clean(void)
{
    return fuzz_in_child(1, 20000, false);
}

// ftl.init_arg=wasm,SEED,COUNT: tests/os/wasm_fuzz.c, the fuzzer of the
// wasm runtime's import, as a wasm module spawned from here, so that a
// process outside it compares the kernel's counters before and after; it
// must exit 0 and leave them as they were.
static long run_wasm_fuzz(uint64_t calls)
{
    char seed_text[24], calls_text[24];
    snprintf(seed_text, sizeof(seed_text), "%llu", (unsigned long long)seed);
    snprintf(calls_text, sizeof(calls_text), "%llu", (unsigned long long)calls);
    const char *argv[] = {"wasm_fuzz_wasm.elf", seed_text, calls_text, NULL};
    return spawn_and_wait("wasm_fuzz_wasm.elf", FTL_ISOLATION_WASM, argv);
}

static bool wasm_fuzzer_survives_and_leaks_nothing(void)
{
    long status = run_wasm_fuzz(count < 2000 ? count : 2000);
    EXPECT(status == 0, "wasm warm-up: status %ld", status);
    struct ftl_system_stats before, after;
    ftl_system_stats(&before);
    uint64_t start = ftl_clock_ns();
    status = run_wasm_fuzz(count);
    uint64_t ns = ftl_clock_ns() - start;
    ftl_system_stats(&after);
    EXPECT(status == 0, "wasm fuzzer, seed %llu, %llu calls: status %ld%s",
           (unsigned long long)seed, (unsigned long long)count, status,
           status == FTL_EXIT_KILLED ? " (killed)" : "");
    if (!stats_equal(&before, &after)) {
        print_stats("before", &before);
        print_stats("after", &after);
    }
    EXPECT(stats_equal(&before, &after), "counters moved after the wasm run");
    printf("bench: syscall_fuzz.calls.wasm %llu count\n",
           (unsigned long long)count);
    printf("bench: syscall_fuzz.calls_per_s.wasm %llu calls/s\n",
           (unsigned long long)(ns > 0 ? count * SECOND_NS / ns : 0));
    return true;
}

static const struct test wasm_tests[] = {
    TEST(wasm_fuzzer_survives_and_leaks_nothing),
};

static const struct test tests[] = {
    TEST(timer_periods_cannot_stall_the_kernel),
    TEST(channel_ends_cannot_be_sent_in_a_cycle),
    TEST(seed_1_replays_clean),
    TEST(fuzzed_privileged_calls_leave_no_leak),
    TEST(fuzzed_child_survives_and_leaks_nothing),
};

// "SEED,COUNT[,TRACE_FROM]", or test names.
static int parse_parameters(const char *text)
{
    char *end;
    seed = strtoull(text, &end, 0);
    if (*end == ',') {
        count = strtoull(end + 1, &end, 0);
    }
    if (*end == ',') {
        trace_from = strtoull(end + 1, &end, 0);
    }
    if (*end == ',') {
        only = strtol(end + 1, &end, 0);
    }
    return *end == '\0' ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "child") == 0) {
        return fuzz_child(strtoull(argv[2], NULL, 0),
                          strtoull(argv[3], NULL, 0),
                          strtoull(argv[4], NULL, 0));
    }
    char **names = argv + 1;
    int name_count = argc - 1;
    if (argc > 1 && strncmp(argv[1], "wasm,", 5) == 0) {
        if (parse_parameters(argv[1] + 5) < 0) {
            printf("usage: wasm,SEED,COUNT\n");
            return 2;
        }
        printf("syscall_fuzz: seed %llu, %llu calls, wasm mode\n",
               (unsigned long long)seed, (unsigned long long)count);
        return suite_run("reliability.fuzz", wasm_tests,
                         sizeof(wasm_tests) / sizeof(wasm_tests[0]), NULL, 0);
    }
    if (argc > 1 && argv[1][0] >= '0' && argv[1][0] <= '9') {
        if (parse_parameters(argv[1]) < 0) {
            printf("usage: SEED,COUNT[,TRACE_FROM[,ONLY_CALL]]\n");
            return 2;
        }
        name_count = 0;
    }
    printf("syscall_fuzz: seed %llu, %llu calls, %s mode\n",
           (unsigned long long)seed, (unsigned long long)count, mode_name());
    return suite_run("reliability.fuzz", tests,
                     sizeof(tests) / sizeof(tests[0]), names, name_count);
}
