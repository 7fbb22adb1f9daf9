// The fuzzer's calls (see fuzz_calls.h). A table says what each argument of
// each call is (a handle of some kind, an address, a size, a time-out...);
// the value is then drawn from that class most of the time and from any
// class otherwise, so every check of every call meets wrong types too.
//
// What is filtered, and why: the calls that end the caller (process and
// thread exit) are never made; threads start only at a function that exits
// at once (anything else the process owns would run as code); time-outs are
// short unless the handle cannot be live; the console is never written
// (kernel output would be the bottleneck); the kernel only ever writes into
// scratch (fuzz_pool.c); unmap is given only what the fuzzer mapped or
// addresses it does not own. The first process, which also fuzzes the
// privileged calls, maps nothing and starts no thread, so that its own
// page tables stay as they were for the leak check.
#include "fuzz_calls.h"

#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/time.h>
#include <ftl/vmarea.h>

#define ARGS 5
#define MS (1000ULL * 1000)

enum arg {
    ARG_NONE,
    ARG_INT,
    ARG_SIZE,
    ARG_ADDR,     // memory the kernel reads or writes
    ARG_TIMEOUT,  // ns; short unless the call's handle cannot be live
    ARG_SLEEP,    // ns, short or past the limit
    ARG_ENTRY,    // a thread's entry
    ARG_PROT,     // FTL_PROT_* bits
    ARG_MSG,      // a message header in scratch, or a bad address
    ARG_SPAWN,    // a struct ftl_spawn in scratch, or a bad address
    ARG_UNMAP,    // what it mapped, or an address it does not own
    ARG_DEADLINE, // clock ns
    ARG_PERIOD,   // ns
    ARG_PATH,     // an initfs path, or a bad address
    ARG_ID,       // a request id
    ARG_PCI,      // a vendor or device id
    ARG_LOGNAME,  // a log ring's name, "" (the list), or a bad address
    ARG_HANDLE,   // + enum fuzz_kind
};

struct call_spec {
    const char *name;
    uint8_t args[ARGS];
    int8_t makes; // kind of handle its result is, or NONE
};

#define NONE (-1)
#define HANY (ARG_HANDLE + FUZZ_ANY)
#define HCHAN (ARG_HANDLE + FUZZ_CHANNEL)
#define HSINK (ARG_HANDLE + FUZZ_SINK)
#define HTIMER (ARG_HANDLE + FUZZ_TIMER)
#define HVMA (ARG_HANDLE + FUZZ_VMAREA)
#define HPROC (ARG_HANDLE + FUZZ_PROCESS)
#define HDEV (ARG_HANDLE + FUZZ_DEVICE)
#define HPORT (ARG_HANDLE + FUZZ_IOPORT)
#define HIRQ (ARG_HANDLE + FUZZ_INTERRUPT)

// CALL(NUMBER, kind of handle it makes, what its arguments are...)
#define CALL(number, makes, ...)                                               \
    [FTL_SYS_##number] = {#number, {__VA_ARGS__}, makes}

// clang-format off
static const struct call_spec calls[FTL_SYS_COUNT] = {
    CALL(NOP, NONE, 0),
    CALL(CONSOLE_WRITE, NONE, ARG_ADDR, ARG_SIZE, ARG_INT),
    CALL(PROCESS_EXIT, NONE, 0),
    CALL(PROCESS_SPAWN, FUZZ_PROCESS, ARG_SPAWN),
    CALL(PROCESS_WAIT, NONE, HPROC, ARG_TIMEOUT),
    CALL(PROCESS_KILL, NONE, HPROC),
    CALL(THREAD_CREATE, FUZZ_THREAD, ARG_ENTRY, ARG_INT, ARG_INT),
    CALL(THREAD_EXIT, NONE, 0),
    CALL(THREAD_YIELD, NONE, 0),
    CALL(THREAD_SLEEP, NONE, ARG_SLEEP),
    CALL(CLOCK_NOW, NONE, 0),
    CALL(VMAREA_CREATE, FUZZ_VMAREA, ARG_SIZE),
    CALL(VMAREA_MAP, NONE, HVMA, ARG_PROT),
    CALL(VMAREA_UNMAP, NONE, ARG_UNMAP),
    CALL(HANDLE_CLOSE, NONE, HANY),
    CALL(SYSTEM_STATS, NONE, ARG_ADDR),
    CALL(CHANNEL_CREATE, NONE, ARG_ADDR),
    CALL(CHANNEL_SEND, NONE, HCHAN, ARG_MSG, ARG_ADDR),
    CALL(CHANNEL_RECV, NONE, HCHAN, ARG_ADDR, ARG_ADDR, ARG_SIZE),
    CALL(CHANNEL_DISCARD, NONE, HCHAN),
    CALL(COPY_TO_CALLER, NONE, HCHAN, ARG_ID, ARG_SIZE, ARG_ADDR, ARG_SIZE),
    CALL(COPY_FROM_CALLER, NONE, HCHAN, ARG_ID, ARG_SIZE, ARG_ADDR, ARG_SIZE),
    CALL(SINK_CREATE, FUZZ_SINK, 0),
    CALL(SINK_ADD, NONE, HSINK, HANY, ARG_INT),
    CALL(SINK_REMOVE, NONE, HSINK, HANY),
    CALL(SINK_WAIT, NONE, HSINK, ARG_ADDR, ARG_TIMEOUT),
    CALL(TIMER_CREATE, FUZZ_TIMER, 0),
    CALL(TIMER_SET, NONE, HTIMER, ARG_DEADLINE, ARG_PERIOD),
    CALL(PCI_FIND, FUZZ_DEVICE, ARG_PCI, ARG_PCI, ARG_INT),
    CALL(PCI_INFO, NONE, HDEV, ARG_ADDR),
    CALL(PCI_CONFIG_READ, NONE, HDEV, ARG_INT, ARG_INT),
    CALL(PCI_SET_BUS_MASTER, NONE, HDEV, ARG_INT),
    CALL(PCI_MAP_BAR, FUZZ_VMAREA, HDEV, ARG_INT),
    CALL(PCI_IOPORT, FUZZ_IOPORT, HDEV, ARG_INT),
    CALL(IOPORT_CREATE, FUZZ_IOPORT, ARG_INT, ARG_INT),
    CALL(IOPORT_ENABLE, NONE, HPORT),
    CALL(DMA_CREATE, FUZZ_VMAREA, HDEV, ARG_SIZE, ARG_ADDR),
    CALL(INTERRUPT_CREATE, FUZZ_INTERRUPT, HDEV, ARG_INT),
    CALL(INTERRUPT_ACK, NONE, HIRQ),
    CALL(VMAREA_COMMIT, NONE, HVMA, ARG_SIZE),
    CALL(PROCESS_INFO, NONE, HPROC, ARG_ADDR),
    CALL(INITFS_READ, NONE, ARG_PATH, ARG_SIZE, ARG_ADDR, ARG_SIZE),
    CALL(LOG_READ, NONE, ARG_LOGNAME, ARG_INT, ARG_ADDR, ARG_SIZE, ARG_ADDR),
};
// clang-format on

static const char long_path[] =
    "a-path-longer-than-any-the-kernel-takes/a-path-longer-than-any-the-"
    "kernel-takes/a-path-longer-than-any-the-kernel-takes/and-more.elf";

// Where new threads start: they leave at once.
static void thread_entry(void *arg)
{
    (void)arg;
    ftl_thread_exit();
}

static bool is_excluded(const struct fuzz_run *run, long number)
{
    if (number == FTL_SYS_PROCESS_EXIT || number == FTL_SYS_THREAD_EXIT) {
        return true;
    }
    return run->privileged &&
           (number == FTL_SYS_VMAREA_MAP || number == FTL_SYS_VMAREA_UNMAP ||
            number == FTL_SYS_THREAD_CREATE);
}

static long pick_number(struct fuzz_run *run)
{
    if (run->only >= 0) {
        return run->only;
    }
    for (;;) {
        long number;
        if (fuzz_one_in(&run->pool, 64)) {
            number = fuzz_one_in(&run->pool, 2)
                         ? FTL_SYS_COUNT + (long)fuzz_below(&run->pool, 64)
                         : (long)fuzz_next(&run->pool);
        } else {
            number = (long)fuzz_below(&run->pool, FTL_SYS_COUNT);
        }
        if (!is_excluded(run, number)) {
            return number;
        }
    }
}

static uint64_t pick_int(struct fuzz_pool *pool)
{
    if (pool->sane) {
        return fuzz_below(pool, 8);
    }
    static const uint64_t odd[] = {0,   1,   2,      3,          4,
                                   5,   7,   8,      9,          16,
                                   255, 256, 0xffff, UINT32_MAX, UINT64_MAX};
    uint64_t pick = fuzz_below(pool, 10);
    if (pick < 5) {
        return odd[fuzz_below(pool, sizeof(odd) / sizeof(*odd))];
    }
    if (pick < 8) {
        return fuzz_below(pool, 256);
    }
    return fuzz_next(pool);
}

static uint64_t pick_timeout(struct fuzz_pool *pool, bool handle_is_bad)
{
    static const uint64_t quick[] = {0, 1, 1000, 100 * 1000};
    if (handle_is_bad && fuzz_one_in(pool, 4)) {
        return fuzz_one_in(pool, 2) ? UINT64_MAX : fuzz_next(pool);
    }
    return quick[fuzz_below(pool, sizeof(quick) / sizeof(*quick))];
}

static uint64_t pick_sleep(struct fuzz_pool *pool)
{
    static const uint64_t ns[] = {
        0, 1, 1000, 50 * 1000, UINT64_MAX / 2 + 1, UINT64_MAX};
    return ns[fuzz_below(pool, sizeof(ns) / sizeof(*ns))];
}

static uint64_t pick_deadline(struct fuzz_pool *pool)
{
    uint64_t now = ftl_clock_ns();
    const uint64_t deadlines[] = {0,
                                  1,
                                  now,
                                  now + 1000,
                                  now + MS,
                                  now + 50 * MS,
                                  UINT64_MAX,
                                  UINT64_MAX - now,
                                  fuzz_next(pool)};
    return deadlines[fuzz_below(pool, sizeof(deadlines) / sizeof(*deadlines))];
}

static uint64_t pick_period(struct fuzz_pool *pool)
{
    const uint64_t periods[] = {0,
                                0,
                                1,
                                1000,
                                MS,
                                UINT64_MAX,
                                (uint64_t)INT64_MAX + 1,
                                fuzz_next(pool)};
    return periods[fuzz_below(pool, sizeof(periods) / sizeof(*periods))];
}

static uint64_t pick_msg(struct fuzz_run *run)
{
    struct fuzz_pool *pool = &run->pool;
    if (fuzz_one_in(pool, 8)) {
        return fuzz_bad_address(pool);
    }
    struct ftl_msg *msg = fuzz_scratch(pool, sizeof(*msg));
    bool bad, writable;
    msg->type = fuzz_one_in(pool, 4) ? (uint32_t)fuzz_next(pool)
                                     : (uint32_t)fuzz_below(pool, 13);
    if (pool->sane && fuzz_one_in(pool, 2)) {
        msg->type = fuzz_one_in(pool, 2) ? FTL_MSG_READ : FTL_MSG_WRITE;
    }
    uint64_t body = fuzz_size(pool);
    msg->body_len = fuzz_one_in(pool, 2) || pool->sane ? (uint32_t)body % 4100
                                                       : (uint32_t)body;
    msg->id = fuzz_below(pool, 4);
    msg->arg0 = fuzz_next(pool);
    msg->arg1 = fuzz_next(pool);
    msg->handle = fuzz_one_in(pool, pool->sane ? 8 : 3)
                      ? (ftl_handle_t)fuzz_handle(pool, FUZZ_ANY, &bad)
                      : FTL_HANDLE_INVALID;
    msg->reserved = fuzz_one_in(pool, 8) ? (uint32_t)fuzz_next(pool) : 0;
    bool loan = msg->type == FTL_MSG_READ || msg->type == FTL_MSG_WRITE ||
                fuzz_one_in(pool, 8);
    msg->loan_base = loan ? fuzz_address(pool, &writable) : 0;
    msg->loan_len = loan ? fuzz_size(pool) : 0;
    return (uint64_t)msg;
}

static uint64_t pick_string(struct fuzz_pool *pool)
{
    const uint64_t strings[] = {
        (uint64_t) "exit_with.elf",
        (uint64_t) "exit_with.elf",
        (uint64_t) "boot.manifest",
        (uint64_t) "missing.elf",
        (uint64_t) "",
        (uint64_t)long_path,
        fuzz_bad_address(pool),
    };
    return strings[fuzz_below(pool, sizeof(strings) / sizeof(*strings))];
}

static uint64_t pick_log_name(struct fuzz_pool *pool)
{
    const uint64_t names[] = {
        (uint64_t) "kernel",
        (uint64_t) "syscall_fuzz",
        (uint64_t) "",
        (uint64_t) "",
        (uint64_t) "missing",
        (uint64_t)long_path,
        fuzz_bad_address(pool),
    };
    return names[fuzz_below(pool, sizeof(names) / sizeof(*names))];
}

static uint64_t pick_vector(struct fuzz_pool *pool)
{
    static const char *const good[] = {"exit_with.elf", "0", NULL};
    if (fuzz_one_in(pool, 2)) {
        return (uint64_t)good;
    }
    uint64_t *vector = fuzz_scratch(pool, 4 * sizeof(uint64_t));
    for (int i = 0; i < 4; i++) {
        vector[i] = pick_string(pool);
    }
    return fuzz_one_in(pool, 4) ? fuzz_bad_address(pool) : (uint64_t)vector;
}

static uint64_t pick_spawn(struct fuzz_run *run)
{
    struct fuzz_pool *pool = &run->pool;
    if (fuzz_one_in(pool, 8)) {
        return fuzz_bad_address(pool);
    }
    static const uint64_t limits[] = {0,          0,       4096,    64 * 1024,
                                      256 * 1024, 1 << 20, 4 << 20, UINT64_MAX};
    static const uint32_t handles[] = {0,    0,     1,     2,         16,
                                       1024, 65536, 65537, UINT32_MAX};
    static const uint64_t image_lens[] = {
        0, 0, 0, 0, 1, 64, 4096, 1 << 20, FTL_SPAWN_IMAGE_MAX + 1ull,
        UINT64_MAX};
    struct ftl_spawn *spawn = fuzz_scratch(pool, sizeof(*spawn));
    bool bad;
    *spawn = (struct ftl_spawn){
        .path = (const char *)pick_string(pool),
        .name = fuzz_one_in(pool, 2) ? NULL : (const char *)pick_string(pool),
        .isolation = (uint32_t)fuzz_below(pool, 3),
        .priority = (uint32_t)fuzz_below(pool, 10),
        .argc = fuzz_one_in(pool, 8) ? (uint32_t)pick_int(pool)
                                     : (uint32_t)fuzz_below(pool, 3),
        .envc = fuzz_one_in(pool, 8) ? (uint32_t)pick_int(pool)
                                     : (uint32_t)fuzz_below(pool, 2),
        .argv = (const char *const *)pick_vector(pool),
        .envp = (const char *const *)pick_vector(pool),
        .channel = fuzz_one_in(pool, 4)
                       ? (ftl_handle_t)fuzz_handle(pool, FUZZ_CHANNEL, &bad)
                       : FTL_HANDLE_INVALID,
        .handles_max = handles[fuzz_below(pool, sizeof(handles) / 4)],
        .memory_limit = limits[fuzz_below(pool, sizeof(limits) / 8)],
        // A program from memory: scratch bytes (no valid ELF) or a bad
        // address, any length.
        .image = fuzz_one_in(pool, 2) ? fuzz_scratch(pool, 256)
                                      : (const void *)fuzz_bad_address(pool),
        .image_len = image_lens[fuzz_below(pool, sizeof(image_lens) / 8)],
    };
    return (uint64_t)spawn;
}

static uint64_t pick_unmap(struct fuzz_pool *pool)
{
    if (pool->map_count > 0 && fuzz_one_in(pool, 2)) {
        return pool->maps[fuzz_below(pool, pool->map_count)];
    }
    if (fuzz_one_in(pool, 4)) {
        return (uint64_t)pool->scratch + 4096; // inside, not a start
    }
    return fuzz_bad_address(pool);
}

static uint64_t pick_arg(struct fuzz_run *run, unsigned arg, bool handle_is_bad,
                         bool *bad)
{
    struct fuzz_pool *pool = &run->pool;
    bool writable;
    switch (arg) {
    case ARG_NONE:
        // Unused arguments get garbage now and then: it must not matter.
        return fuzz_one_in(pool, 4) ? fuzz_next(pool) : 0;
    case ARG_INT:
        return pick_int(pool);
    case ARG_SIZE:
        return fuzz_size(pool);
    case ARG_ADDR:
        return fuzz_address(pool, &writable);
    case ARG_TIMEOUT:
        return pick_timeout(pool, handle_is_bad);
    case ARG_SLEEP:
        return pick_sleep(pool);
    case ARG_ENTRY: {
        // Outside what either mode owns: anything it owns would run.
        static const uint64_t outside[] = {0,
                                           0x0000800000000000ULL,
                                           0x8000000000000000ULL,
                                           0xffffffff80100000ULL,
                                           0xfffffffffffff000ULL,
                                           UINT64_MAX};
        return fuzz_one_in(pool, 2) ? (uint64_t)thread_entry
                                    : outside[fuzz_below(pool, 6)];
    }
    case ARG_PROT:
        return fuzz_one_in(pool, 8) ? fuzz_next(pool) : fuzz_below(pool, 8);
    case ARG_MSG:
        return pick_msg(run);
    case ARG_SPAWN:
        return pick_spawn(run);
    case ARG_UNMAP:
        return pick_unmap(pool);
    case ARG_DEADLINE:
        return pick_deadline(pool);
    case ARG_PERIOD:
        return pick_period(pool);
    case ARG_PATH:
        return pick_string(pool);
    case ARG_LOGNAME:
        return pick_log_name(pool);
    case ARG_ID:
        return fuzz_one_in(pool, 8) ? fuzz_next(pool) : fuzz_below(pool, 4);
    case ARG_PCI: {
        static const uint64_t ids[] = {0x1af4, 0x1000, 0x1234, 0x11e8,
                                       0x8086, 0xffff, 0};
        return fuzz_one_in(pool, 8) ? fuzz_next(pool)
                                    : ids[fuzz_below(pool, 7)];
    }
    default:
        return (uint64_t)fuzz_handle(pool, (enum fuzz_kind)(arg - ARG_HANDLE),
                                     bad);
    }
}

// The console is not fuzzed with text it would print: under QEMU the
// serial port would be the whole run. Whatever would print gets an
// address the kernel must refuse instead.
static void keep_console_quiet(struct fuzz_run *run, uint64_t *a)
{
    if (a[1] != 0 && a[1] <= 4096 && a[2] <= 4) {
        a[0] = fuzz_bad_address(&run->pool);
    }
}

// The handles its runtime holds (its heap's vmarea) and scratch's stay: a
// call that would close them or send them away gets a negative one.
static void keep_own_handles(struct fuzz_run *run, long number, uint64_t *a)
{
    struct fuzz_pool *pool = &run->pool;
    if (number == FTL_SYS_HANDLE_CLOSE &&
        fuzz_handle_is_own(pool, (int64_t)a[0])) {
        a[0] = (uint64_t)-1;
    }
    if (number == FTL_SYS_CHANNEL_SEND &&
        fuzz_in_scratch(pool, a[1], sizeof(struct ftl_msg))) {
        struct ftl_msg *msg = (struct ftl_msg *)a[1];
        if (fuzz_handle_is_own(pool, msg->handle)) {
            msg->handle = -1;
        }
    }
    if (number == FTL_SYS_PROCESS_SPAWN &&
        fuzz_in_scratch(pool, a[0], sizeof(struct ftl_spawn))) {
        struct ftl_spawn *spawn = (struct ftl_spawn *)a[0];
        if (fuzz_handle_is_own(pool, spawn->channel)) {
            spawn->channel = -1;
        }
    }
}

// A body received over its own header would hide the handle that came
// with it (the kernel writes the header first): such a header is moved past
// where the body can reach (at most FTL_MSG_BODY_MAX bytes).
static void keep_header_apart(const struct fuzz_pool *pool, uint64_t *a)
{
    uint64_t header = a[1], body = a[2], scratch = (uint64_t)pool->scratch;
    if (!fuzz_in_scratch(pool, header, sizeof(struct ftl_msg)) ||
        body >= header + sizeof(struct ftl_msg) ||
        header >= body + FTL_MSG_BODY_MAX) {
        return;
    }
    a[1] = body - scratch >= FTL_MSG_BODY_MAX + 2 * sizeof(struct ftl_msg)
               ? scratch
               : scratch + 2 * FTL_MSG_BODY_MAX + 2 * sizeof(struct ftl_msg);
}

// Keeps the pools in step with what the call did.
static void track(struct fuzz_run *run, long number, const uint64_t *a,
                  long result)
{
    struct fuzz_pool *pool = &run->pool;
    const struct call_spec *spec =
        (unsigned long)number < FTL_SYS_COUNT ? &calls[number] : NULL;
    if (spec != NULL && spec->makes >= 0 && result > 0) {
        fuzz_handle_add(pool, (ftl_handle_t)result,
                        (enum fuzz_kind)spec->makes);
    }
    switch (number) {
    case FTL_SYS_HANDLE_CLOSE:
        if (result == 0) {
            fuzz_handle_closed(pool, (ftl_handle_t)a[0]);
        }
        break;
    case FTL_SYS_CHANNEL_CREATE:
        if (result == 0) {
            const ftl_handle_t *ends = (const ftl_handle_t *)a[0];
            fuzz_handle_add(pool, ends[0], FUZZ_CHANNEL);
            fuzz_handle_add(pool, ends[1], FUZZ_CHANNEL);
        }
        break;
    case FTL_SYS_CHANNEL_SEND: {
        const struct ftl_msg *msg = (const struct ftl_msg *)a[1];
        if (result == 0 && msg->handle != FTL_HANDLE_INVALID) {
            fuzz_handle_closed(pool, msg->handle); // it moved
        }
        break;
    }
    case FTL_SYS_CHANNEL_RECV: {
        const struct ftl_msg *msg = (const struct ftl_msg *)a[1];
        if (result >= 0 && msg->handle != FTL_HANDLE_INVALID) {
            fuzz_handle_add(pool, msg->handle, FUZZ_ANY);
        }
        if (result >= 0 &&
            (msg->type == FTL_MSG_READ || msg->type == FTL_MSG_WRITE)) {
            pool->request_channel = (ftl_handle_t)a[0];
            pool->request_id = msg->id;
        }
        break;
    }
    case FTL_SYS_VMAREA_MAP:
        if (!ftl_syscall_failed(result) && pool->map_count < FUZZ_MAPS_MAX) {
            pool->maps[pool->map_count++] = (uint64_t)result;
        } else if (!ftl_syscall_failed(result)) {
            ftl_vmarea_unmap((void *)result);
        }
        break;
    case FTL_SYS_VMAREA_UNMAP:
        for (unsigned i = 0; result == 0 && i < pool->map_count; i++) {
            if (pool->maps[i] == a[0]) {
                pool->maps[i] = pool->maps[--pool->map_count];
                break;
            }
        }
        break;
    case FTL_SYS_PROCESS_SPAWN:
        // One child at a time: a kernel-mode child's slot keeps its page
        // tables, so the leak check warms up one slot and no more.
        if (result > 0) {
            ftl_process_wait((ftl_handle_t)result, 5000 * MS);
            const struct ftl_spawn *spawn = (const struct ftl_spawn *)a[0];
            if (spawn->channel != FTL_HANDLE_INVALID) {
                fuzz_handle_closed(pool, spawn->channel); // it moved
            }
        }
        break;
    default:
        break;
    }
}

// Every result is an error code or a value the call can return: a handle,
// a count, a time or an address (negative in kernel mode: vmarea_map).
static bool result_is_plausible(long number, long result)
{
    if (result >= 0 || ftl_syscall_failed(result)) {
        return true;
    }
    return number == FTL_SYS_VMAREA_MAP &&
           ftl_start_info->isolation == FTL_ISOLATION_KERNEL;
}

bool fuzz_call(struct fuzz_run *run)
{
    long number = pick_number(run);
    const struct call_spec *spec =
        (unsigned long)number < FTL_SYS_COUNT ? &calls[number] : NULL;
    uint64_t a[ARGS];
    bool handle_is_bad = false;
    // Half the calls get arguments of their own class that could be valid,
    // to get past the first checks into the state behind them.
    run->pool.sane = fuzz_one_in(&run->pool, 2);
    fuzz_pool_drain(&run->pool);
    for (unsigned i = 0; i < ARGS; i++) {
        unsigned kind = spec != NULL ? spec->args[i] : ARG_INT;
        bool bad = false;
        // One argument in 16 is of a class not its own.
        if (!run->pool.sane && kind != ARG_NONE && kind != ARG_TIMEOUT &&
            kind != ARG_SLEEP && kind != ARG_ENTRY && kind != ARG_UNMAP &&
            fuzz_one_in(&run->pool, 16)) {
            kind = (unsigned)fuzz_below(&run->pool, ARG_PCI + 1);
            if (kind == ARG_TIMEOUT || kind == ARG_SLEEP || kind == ARG_ENTRY ||
                kind == ARG_UNMAP || kind == ARG_NONE) {
                kind = ARG_INT;
            }
        }
        a[i] = pick_arg(run, kind, handle_is_bad, &bad);
        if (i == 0) {
            handle_is_bad = bad;
        }
    }
    if (number == FTL_SYS_CONSOLE_WRITE) {
        keep_console_quiet(run, a);
    }
    keep_own_handles(run, number, a);
    if (run->pool.sane && (number == FTL_SYS_COPY_TO_CALLER ||
                           number == FTL_SYS_COPY_FROM_CALLER)) {
        // The request it took last, so that some copies meet a loan.
        a[0] = (uint64_t)run->pool.request_channel;
        a[1] = run->pool.request_id;
    }
    if (run->pool.sane && number == FTL_SYS_PCI_FIND) {
        // The devices of QEMU's default machine: host bridge, ISA, IDE, ACPI.
        static const uint16_t devices[][2] = {{0x8086, 0x1237},
                                              {0x8086, 0x7000},
                                              {0x8086, 0x7010},
                                              {0x8086, 0x7113}};
        unsigned d = (unsigned)fuzz_below(&run->pool, 4);
        a[0] = devices[d][0];
        a[1] = devices[d][1];
        a[2] = fuzz_below(&run->pool, 2);
    }
    if (number == FTL_SYS_CHANNEL_SEND &&
        !fuzz_in_scratch(&run->pool, a[1], sizeof(struct ftl_msg))) {
        a[1] = fuzz_bad_address(&run->pool); // never read a header from code
    }
    if (number == FTL_SYS_CHANNEL_RECV &&
        !fuzz_in_scratch(&run->pool, a[1], sizeof(struct ftl_msg)) &&
        fuzz_one_in(&run->pool, 2)) {
        a[1] = (uint64_t)fuzz_scratch(&run->pool, sizeof(struct ftl_msg));
    }
    if (number == FTL_SYS_CHANNEL_RECV) {
        keep_header_apart(&run->pool, a);
    }
    if (run->calls >= run->trace_from) {
        printf("call %llu: %s (%ld) %llx %llx %llx %llx %llx\n",
               (unsigned long long)run->calls,
               spec != NULL ? spec->name : "unknown", number,
               (unsigned long long)a[0], (unsigned long long)a[1],
               (unsigned long long)a[2], (unsigned long long)a[3],
               (unsigned long long)a[4]);
    }
    long result = ftl_syscall(number, (long)a[0], (long)a[1], (long)a[2],
                              (long)a[3], (long)a[4]);
    if (run->calls >= run->trace_from) {
        printf("  = %ld\n", result);
    }
    run->calls++;
    unsigned slot = spec != NULL ? (unsigned)number : FTL_SYS_COUNT;
    run->made[slot]++;
    if (!ftl_syscall_failed(result)) {
        run->succeeded++;
        run->ok[slot]++;
    }
    // Only what landed in scratch is read back.
    bool readable = number != FTL_SYS_CHANNEL_CREATE ||
                    fuzz_in_scratch(&run->pool, a[0], 2 * sizeof(ftl_handle_t));
    if (number == FTL_SYS_CHANNEL_SEND || number == FTL_SYS_CHANNEL_RECV) {
        readable = fuzz_in_scratch(&run->pool, a[1], sizeof(struct ftl_msg));
    }
    if (readable || ftl_syscall_failed(result)) {
        track(run, number, a, result);
    }
    if (!result_is_plausible(number, result)) {
        run->bad_results++;
        printf("call %llu: %s returned %ld, neither a result nor an error\n",
               (unsigned long long)run->calls - 1,
               spec != NULL ? spec->name : "unknown", result);
        return false;
    }
    return true;
}

void fuzz_print_coverage(const struct fuzz_run *a, const struct fuzz_run *b)
{
    for (unsigned i = 0; i <= FTL_SYS_COUNT; i++) {
        uint64_t made = a->made[i] + (b != NULL ? b->made[i] : 0);
        uint64_t ok = a->ok[i] + (b != NULL ? b->ok[i] : 0);
        const char *name =
            i < FTL_SYS_COUNT && calls[i].name != NULL ? calls[i].name : "?";
        printf("  %-18s %8llu made %8llu succeeded\n",
               i < FTL_SYS_COUNT ? name : "(past the last)",
               (unsigned long long)made, (unsigned long long)ok);
    }
}
