// A hostile WebAssembly service (issue 20): started by the supervisor
// beside virtio_net, tcpip, http_server and a wasm pong
// (tests/net/wasm.yaml), it waits argv[2] milliseconds and then makes the
// attack argv[1] names. tests/qemu/wasm_test.py checks the outcome on the
// console and that HTTP and ping/pong go on after each.
//
// Traps (oob, oob-load, unreachable, divide, indirect, recursion) must end
// only this process with a `wasm trap:` line naming the trap; spin must be
// preempted (everything else keeps running); bad-buffers must be refused
// by the runtime with FTL_ERR_BAD_ADDRESS, a spawn with FTL_ERR_NOT_ALLOWED
// and an unsupported call with FTL_ERR_NOT_SUPPORTED, the module going on;
// a huge memory.grow must
// return -1, the module going on.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/loop.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/time.h>
#include <ftl/wasm.h>

#define FOREVER_NS (3600ULL * 1000 * FTL_MS)

struct attack {
    const char *name;
    int (*run)(void);
};

static void stay(void)
{
    for (;;) {
        ftl_sleep_ns(FOREVER_NS);
    }
}

static int oob(void)
{
    // Past the end of linear memory (a few MiB at most).
    *(volatile uint32_t *)(uintptr_t)0xfffffff0u = 0x6666;
    return 0;
}

static int oob_load(void)
{
    // A load from the same place: checked like a store.
    return (int)*(volatile uint32_t *)(uintptr_t)0xfffffff0u;
}

static int unreachable(void)
{
    __builtin_trap();
}

static volatile int zero, one = 1;

static int divide(void)
{
    // Both volatile: clang turns 1 / x into compares, without a division.
    return one / zero;
}

static int takes_int(int x)
{
    return x + 1;
}

static int indirect(void)
{
    // The same table slot called as another type: call_indirect's type
    // check must refuse it.
    int (*volatile as_int)(int) = takes_int;
    int (*as_ptr)(const char *, const char *) =
        (int (*)(const char *, const char *))as_int;
    return as_ptr("a", "b");
}

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winfinite-recursion" // the point
static int recurse(int n)
{
    // A frame that must stay: clang turns `recurse(n + 1) + 1` alone into
    // a loop.
    volatile char frame[32];
    frame[0] = (char)n;
    int deeper = recurse(n + 1);
    return deeper + frame[0];
}
#pragma clang diagnostic pop

static int recursion(void)
{
    return recurse(0);
}

static int spin(void)
{
    FTL_LOG_INFO("spin: spinning for good");
    for (;;) {
        zero = 0;
    }
}

// memory.grow asking for 4 GiB, then for 32 MiB (within the runtime's
// reserve but past this service's memory limit, service.yaml): both must
// fail with -1 and leave the memory as it was (memory.c), the module going
// on.
static int grow(void)
{
    size_t before = __builtin_wasm_memory_size(0);
    size_t huge = __builtin_wasm_memory_grow(0, 65536);
    size_t over = __builtin_wasm_memory_grow(0, 512);
    size_t after = __builtin_wasm_memory_size(0);
    FTL_LOG_INFO("grow: 4 GiB -> %ld, 32 MiB -> %ld, pages %zu -> %zu",
                 (long)huge, (long)over, before, after);
    bool ok = huge == (size_t)-1 && over == (size_t)-1 && after == before;
    FTL_LOG_INFO("grow: %s", ok ? "refused, going on" : "NOT refused");
    stay();
    return 0;
}

// Buffers outside linear memory, given straight to the import: each must
// come back as FTL_ERR_BAD_ADDRESS, not as a trap or a kernel fault.
static int bad_buffers(void)
{
    int64_t end = 0x7ffff000; // past any memory a module has
    int64_t write = ftl_wasm_syscall(FTL_SYS_CONSOLE_WRITE, end, 64, 0, 0, 0);
    int64_t wrap = ftl_wasm_syscall(FTL_SYS_CONSOLE_WRITE, 16, -8, 0, 0, 0);
    struct ftl_msg msg = {
        .type = FTL_MSG_WRITE, .loan_base = (uint64_t)end, .loan_len = 4096};
    int64_t loan =
        ftl_wasm_syscall(FTL_SYS_CHANNEL_SEND, ftl_start_info->channel,
                         (int64_t)(uintptr_t)&msg, 0, 0, 0);
    int64_t recv = ftl_wasm_syscall(FTL_SYS_CHANNEL_RECV,
                                    ftl_start_info->channel, end, 0, 0, 0);
    int64_t null_request =
        ftl_wasm_syscall(FTL_SYS_PROCESS_SPAWN, 0, 0, 0, 0, 0);
    // A well-formed request for a kernel-mode program: a service may not
    // spawn at all (only the first process may), so a module cannot start
    // native kernel-mode code this way.
    struct ftl_wasm_spawn request = {
        .path = (uint32_t)(uintptr_t) "hostile_wasm.elf",
        .isolation = FTL_ISOLATION_KERNEL};
    int64_t spawn = ftl_wasm_syscall(FTL_SYS_PROCESS_SPAWN,
                                     (int64_t)(uintptr_t)&request, 0, 0, 0, 0);
    int64_t map = ftl_wasm_syscall(FTL_SYS_VMAREA_MAP, 1, 3, 0, 0, 0);
    FTL_LOG_INFO("bad-buffers: console %lld, wrap %lld, loan %lld, recv %lld, "
                 "NULL spawn request %lld; spawn %lld; vmarea map %lld",
                 (long long)write, (long long)wrap, (long long)loan,
                 (long long)recv, (long long)null_request, (long long)spawn,
                 (long long)map);
    bool ok = write == FTL_ERR_BAD_ADDRESS && wrap == FTL_ERR_BAD_ADDRESS &&
              loan == FTL_ERR_BAD_ADDRESS && recv == FTL_ERR_BAD_ADDRESS &&
              null_request == FTL_ERR_BAD_ADDRESS &&
              spawn == FTL_ERR_NOT_ALLOWED && map == FTL_ERR_NOT_SUPPORTED;
    FTL_LOG_INFO("bad-buffers: %s", ok ? "all refused" : "NOT all refused");
    stay();
    return 0;
}

static const struct attack attacks[] = {
    {"oob", oob},
    {"oob-load", oob_load},
    {"unreachable", unreachable},
    {"divide", divide},
    {"indirect", indirect},
    {"recursion", recursion},
    {"spin", spin},
    {"bad-buffers", bad_buffers},
    {"grow", grow},
};

// strtoull would bring wasi-libc's stdio, which needs WASI.
static uint64_t parse_ms(const char *s)
{
    uint64_t ms = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        ms = ms * 10 + (uint64_t)(*s - '0');
    }
    return ms;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        FTL_LOG_ERROR("usage: hostile_wasm ATTACK DELAY_MS");
        return 2;
    }
    ftl_sleep_ns(parse_ms(argv[2]) * FTL_MS);
    for (size_t i = 0; i < sizeof(attacks) / sizeof(attacks[0]); i++) {
        if (strcmp(argv[1], attacks[i].name) == 0) {
            FTL_LOG_INFO("attack %s", argv[1]);
            int result = attacks[i].run();
            FTL_LOG_ERROR("attack %s survived (%d)", argv[1], result);
            stay();
        }
    }
    FTL_LOG_ERROR("no attack %s", argv[1]);
    return 2;
}
