// The system call fuzzer for wasm services (issue 20): built only as a wasm
// module (wasm_fuzz_wasm.elf, tests/os/build.mk), spawned by syscall_fuzz.c
// (argument wasm,SEED,COUNT). It makes COUNT calls of the module's one
// import, ftl_wasm_syscall, with random numbers and 64-bit arguments: every
// FTL call and the FTL_WASM_SYS_ ones, and numbers beyond both. Buffers
// are an arena of its own or offsets the runtime must refuse (at or past
// the end of linear memory, lengths that overflow); it never passes an
// offset into the rest of its memory, so that what the kernel writes stays
// in the arena and the fuzzer's own state is intact. It prints the results
// by error code, how many calls with a bad buffer were refused with
// FTL_ERR_BAD_ADDRESS, and exits 1 if one was accepted or a result was
// outside the ABI.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/syscall.h>
#include <ftl/time.h>
#include <ftl/wasm.h>

#define ARENA_SIZE 8192
#define POOL_MAX 16
#define WASM_PAGE 65536ULL

static uint8_t arena[ARENA_SIZE] __attribute__((aligned(16)));
static int64_t pool[POOL_MAX]; // handles the fuzzer made
static unsigned pool_count;
static uint64_t state;

static uint64_t counts[-FTL_ERROR_MIN + 1]; // by -error; [0]: successes
static uint64_t bad_buffer_calls, bad_buffer_refused, bad_buffer_accepted;
static uint64_t bad_results;

static uint64_t next(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

static uint64_t memory_end(void)
{
    return (uint64_t)__builtin_wasm_memory_size(0) * WASM_PAGE;
}

// A buffer: in the arena (good) or one the runtime must refuse (bad).
struct buffer {
    uint64_t offset, len;
    int bad;
};

static struct buffer random_buffer(uint64_t max_len)
{
    struct buffer b = {0, 0, 0};
    uint64_t end = memory_end();
    switch (next() % 8) {
    case 0: // good, inside the arena
    case 1:
    case 2:
        b.len = max_len ? next() % (max_len + 1) : 0;
        if (b.len > ARENA_SIZE) {
            b.len = ARENA_SIZE;
        }
        b.offset =
            (uint64_t)(uintptr_t)arena + next() % (ARENA_SIZE - b.len + 1);
        return b;
    case 3: // starts at or past the end of linear memory
        b.offset = end + next() % (UINT32_MAX - end + 1);
        break;
    case 4: // starts inside the arena, runs past the end of memory
        b.offset = (uint64_t)(uintptr_t)arena + next() % ARENA_SIZE;
        b.len = end - b.offset + 1 + next() % 4096;
        b.bad = 1;
        return b;
    case 5: // offset + len overflows 64 bits
        b.offset = (uint64_t)(uintptr_t)arena;
        b.len = UINT64_MAX - next() % 64;
        b.bad = 1;
        return b;
    case 6: // a 64-bit offset
        b.offset = next() | (1ULL << 63);
        break;
    default: // just past the end, or at UINT32_MAX
        b.offset = next() % 2 ? end : UINT32_MAX;
        break;
    }
    b.len = 1 + next() % (max_len ? max_len : 64);
    b.bad = 1;
    return b;
}

// A buffer of a fixed size (a structure the call writes): bad only if that
// many bytes do not fit.
static struct buffer fixed_buffer(uint64_t size)
{
    struct buffer b = random_buffer(size);
    uint64_t end = memory_end();
    uint64_t arena_start = (uint64_t)(uintptr_t)arena;
    if (b.offset >= arena_start && b.offset < arena_start + ARENA_SIZE) {
        // Inside the arena: all `size` bytes of it, which the call writes.
        b.offset = arena_start + next() % (ARENA_SIZE - size + 1);
    }
    b.len = size;
    b.bad = b.offset > end || end - b.offset < size;
    return b;
}

static int64_t random_handle(void)
{
    switch (next() % 4) {
    case 0:
        return (int64_t)next();
    case 1:
        return (int64_t)(next() % 64);
    default:
        return pool_count ? pool[next() % pool_count] : 0;
    }
}

static int64_t random_scalar(void)
{
    switch (next() % 4) {
    case 0:
        return (int64_t)next();
    case 1:
        return -(int64_t)(next() % 20);
    default:
        return (int64_t)(next() % 256);
    }
}

static void keep(int64_t handle)
{
    if (handle > 0 && pool_count < POOL_MAX) {
        pool[pool_count++] = handle;
    }
}

static int32_t random_number(void)
{
    static const int32_t wasm_only[] = {
        FTL_WASM_SYS_START_CHANNEL, FTL_WASM_SYS_START_NAME,
        FTL_WASM_SYS_START_ARG, FTL_WASM_SYS_START_ENV, FTL_WASM_SYS_CYCLES};
    switch (next() % 16) {
    case 0:
        return wasm_only[next() % 5];
    case 1:
        return (int32_t)next(); // anything, most often unknown
    case 2:
        return FTL_WASM_SYS_BASE + 5 + (int32_t)(next() % 16);
    default:
        return (int32_t)(next() % (FTL_SYS_COUNT + 2));
    }
}

// One call; the buffer arguments of the calls the runtime implements get
// random buffers, the others random scalars and handles.
static void fuzz_call(void)
{
    int32_t n = random_number();
    int64_t a[5];
    for (int i = 0; i < 5; i++) {
        a[i] = next() % 2 ? random_handle() : random_scalar();
    }
    struct buffer b = {0, 0, 0}, b2 = {0, 0, 0};
    int buffers = 0;
    switch (n) {
    case FTL_SYS_PROCESS_EXIT:
    case FTL_SYS_THREAD_EXIT:
    case FTL_SYS_PROCESS_SPAWN: // only the first process may (the kernel
                                // refuses); the host's fuzz_wasm_import
                                // fuzzes the runtime's checks of requests
        n = FTL_SYS_NOP;
        break;
    case FTL_SYS_THREAD_SLEEP:
        a[0] = (int64_t)(next() % 1000);
        break;
    case FTL_SYS_PROCESS_WAIT:
        a[1] = 0;
        break;
    case FTL_SYS_CONSOLE_WRITE:
        // Only bad buffers or none: random bytes on the console would
        // confuse the test that reads it.
        b = random_buffer(256);
        if (!b.bad) {
            b.len = 0;
        }
        a[0] = (int64_t)b.offset;
        a[1] = (int64_t)b.len;
        buffers = 1;
        break;
    case FTL_SYS_CHANNEL_CREATE:
        b = fixed_buffer(2 * sizeof(ftl_handle_t));
        a[0] = (int64_t)b.offset;
        buffers = 1;
        break;
    case FTL_SYS_SYSTEM_STATS:
        b = fixed_buffer(sizeof(struct ftl_system_stats));
        a[0] = (int64_t)b.offset;
        buffers = 1;
        break;
    case FTL_SYS_PROCESS_INFO:
        b = fixed_buffer(sizeof(struct ftl_process_info));
        a[1] = (int64_t)b.offset;
        buffers = 1;
        break;
    case FTL_SYS_CHANNEL_SEND:
    case FTL_SYS_CHANNEL_RECV:
        b = fixed_buffer(sizeof(struct ftl_msg));
        if (!b.bad) { // a header in the arena, with a random loan
            b.offset = (uint64_t)(uintptr_t)arena;
            struct ftl_msg *msg = (struct ftl_msg *)arena;
            struct buffer loan = random_buffer(1024);
            if (n == FTL_SYS_CHANNEL_SEND) {
                msg->type = (uint32_t)(next() % 8);
                msg->body_len = (uint32_t)(next() % 2 ? next() % 512 : next());
                msg->handle = (ftl_handle_t)(next() % 4 ? -1 : random_handle());
                msg->loan_base = loan.offset;
                msg->loan_len = next() % 8 ? 0 : loan.len;
                b2 = random_buffer(msg->body_len);
            } else {
                b2 = random_buffer(FTL_MSG_BODY_MAX);
                a[3] = (int64_t)b2.len;
            }
            if (n == FTL_SYS_CHANNEL_SEND && msg->loan_len && loan.bad) {
                b2.bad = 1;
            }
        }
        a[0] = pool_count && next() % 4 ? pool[next() % pool_count] : a[0];
        a[1] = (int64_t)b.offset;
        a[2] = (int64_t)b2.offset;
        buffers = 1;
        break;
    case FTL_SYS_COPY_TO_CALLER:
    case FTL_SYS_COPY_FROM_CALLER:
        b = random_buffer(ARENA_SIZE);
        a[3] = (int64_t)b.offset;
        a[4] = (int64_t)b.len;
        buffers = 1;
        break;
    case FTL_SYS_SINK_WAIT:
        b = fixed_buffer(sizeof(struct ftl_event));
        a[1] = (int64_t)b.offset;
        a[2] = 0; // no timeout: return at once
        buffers = 1;
        break;
    case FTL_WASM_SYS_START_NAME: // (buffer, len)
        b = random_buffer(512);
        a[0] = (int64_t)b.offset;
        a[1] = (int64_t)b.len;
        buffers = 1;
        break;
    case FTL_WASM_SYS_START_ARG: // (index, buffer, len)
    case FTL_WASM_SYS_START_ENV:
        b = random_buffer(512);
        a[1] = (int64_t)b.offset;
        a[2] = (int64_t)b.len;
        buffers = 1;
        break;
    default:
        break;
    }
    int64_t r = ftl_wasm_syscall(n, a[0], a[1], a[2], a[3], a[4]);
    if (r < 0 && r >= FTL_ERROR_MIN) {
        counts[-r]++;
    } else if (r < 0) {
        bad_results++;
        printf("call %d: result %lld outside the ABI\n", n, (long long)r);
    } else {
        counts[0]++;
    }
    if (buffers && (b.bad || b2.bad)) {
        bad_buffer_calls++;
        if (r == FTL_ERR_BAD_ADDRESS) {
            bad_buffer_refused++;
        } else if (r >= 0 && b.bad && b.len > 0) {
            // A bad first buffer with a length must never be accepted.
            bad_buffer_accepted++;
            printf("call %d: bad buffer %#llx+%llu accepted: %lld\n", n,
                   (unsigned long long)b.offset, (unsigned long long)b.len,
                   (long long)r);
        }
    }
    if (r > 0 && (n == FTL_SYS_SINK_CREATE || n == FTL_SYS_TIMER_CREATE)) {
        keep(r);
    }
    if (r == 0 && n == FTL_SYS_CHANNEL_CREATE && !b.bad) {
        ftl_handle_t ends[2];
        memcpy(ends, (void *)(uintptr_t)b.offset, sizeof(ends));
        keep(ends[0]);
        keep(ends[1]);
    }
    if (n == FTL_SYS_HANDLE_CLOSE && r == 0) {
        for (unsigned i = 0; i < pool_count; i++) {
            if (pool[i] == a[0]) {
                pool[i] = pool[--pool_count];
                break;
            }
        }
    }
}

static const char *const error_names[] = {"ok",
                                          "invalid_arg",
                                          "bad_handle",
                                          "not_allowed",
                                          "no_memory",
                                          "not_found",
                                          "would_block",
                                          "peer_closed",
                                          "too_large",
                                          "timed_out",
                                          "bad_address",
                                          "bad_format",
                                          "already_exists",
                                          "not_supported",
                                          "limit",
                                          "busy",
                                          "io"};

int main(int argc, char **argv)
{
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 1;
    uint64_t count = argc > 2 ? strtoull(argv[2], NULL, 0) : 100000;
    state = seed * 0x9e3779b97f4a7c15ULL + 1;
    ftl_handle_t ends[2];
    if (ftl_channel_create(ends) == 0) {
        keep(ends[0]);
        keep(ends[1]);
    }
    keep(ftl_sink_create());
    uint64_t start = ftl_clock_ns();
    for (uint64_t i = 0; i < count; i++) {
        fuzz_call();
    }
    uint64_t ms = (ftl_clock_ns() - start) / 1000000;
    printf("seed %llu: %llu calls in %llu ms\n", (unsigned long long)seed,
           (unsigned long long)count, (unsigned long long)ms);
    for (int e = 0; e <= -FTL_ERROR_MIN; e++) {
        if (counts[e]) {
            printf("results %s: %llu\n", error_names[e],
                   (unsigned long long)counts[e]);
        }
    }
    printf("bad buffers: %llu calls, %llu refused with bad_address, "
           "%llu accepted\n",
           (unsigned long long)bad_buffer_calls,
           (unsigned long long)bad_buffer_refused,
           (unsigned long long)bad_buffer_accepted);
    for (unsigned i = 0; i < pool_count; i++) {
        ftl_handle_close((ftl_handle_t)pool[i]);
    }
    return bad_results == 0 && bad_buffer_accepted == 0 ? 0 : 1;
}
