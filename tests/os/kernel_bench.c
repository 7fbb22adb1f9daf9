// Kernel benchmarks, run as the first process of a benchmark boot
// (ftl.init=kernel_bench.elf): null system call from user mode and, through
// a kernel-mode child, from kernel mode; thread switch; process create and
// exit. Each figure is the median of several batches, printed as
// `bench: NAME VALUE UNIT`.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/time.h>

#define BATCHES 11
#define CALLS_PER_BATCH 10000
#define SWITCHES_PER_BATCH 2000
#define SPAWNS 20

static inline uint64_t cycles(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *values, int count)
{
    qsort(values, (size_t)count, sizeof(*values), compare);
    return values[count / 2];
}

static void bench_null_syscall(void)
{
    uint64_t per_call[BATCHES];
    ftl_syscall_fn syscall = ftl_start_info->syscall;
    for (int b = 0; b < BATCHES; b++) {
        uint64_t start = cycles();
        for (int i = 0; i < CALLS_PER_BATCH; i++) {
            syscall(FTL_SYS_NOP, 0, 0, 0, 0, 0);
        }
        per_call[b] = (cycles() - start) / CALLS_PER_BATCH;
    }
    printf("bench: syscall.null.%s %lu cycles\n",
           ftl_start_info->isolation == FTL_ISOLATION_KERNEL ? "kernel"
                                                             : "user",
           (unsigned long)median(per_call, BATCHES));
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
        uint64_t start = cycles();
        for (int i = 0; i < SWITCHES_PER_BATCH; i++) {
            ftl_thread_yield();
        }
        per_switch[b] = (cycles() - start) / (2 * SWITCHES_PER_BATCH);
    }
    yielder_running = 0;
    ftl_handle_close(other);
    printf("bench: ctxswitch %lu cycles\n",
           (unsigned long)median(per_switch, BATCHES));
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
           (unsigned long)median(us, SPAWNS));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "syscall") == 0) {
        bench_null_syscall();
        return 0;
    }
    bench_null_syscall();
    bench_context_switch();
    bench_process_create_exit(FTL_ISOLATION_USER);
    bench_process_create_exit(FTL_ISOLATION_KERNEL);
    const char *child_argv[] = {"kernel_bench.elf", "syscall", NULL};
    ftl_handle_t child = ftl_process_spawn("kernel_bench.elf",
                                           FTL_ISOLATION_KERNEL, child_argv);
    ftl_process_wait(child, FTL_WAIT_FOREVER);
    return 0;
}
