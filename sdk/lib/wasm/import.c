// The one import of a WebAssembly service, ftl.syscall (ftl/wasm.h): FTL
// system calls with pointers as offsets into the module's linear memory.
// Each call is decoded (which arguments are buffers, and how long),
// checked (each buffer lies wholly inside the memory, with
// wasm_memory_span) and then made with native pointers through libftl, so
// the kernel's own checks apply after ours. Pointers inside structures are
// translated too: a message's loan is an offset the kernel must not see.
// Calls not listed here return FTL_ERR_NOT_SUPPORTED.
#include <string.h>

#include <ftl/channel.h>
#include <ftl/console.h>
#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/start.h>
#include <ftl/syscall.h>
#include <ftl/wasm.h>

#include "instance.h"
#include "memory.h"
#include "import_spawn.h"

struct call {
    const wasm_rt_memory_t *mem;
    uint64_t a[5];
};

// The native address of a buffer of len bytes at the module's offset, NULL
// if it does not fit; len 0 is no buffer (NULL) wherever it points.
static int span(const struct call *c, uint64_t offset, uint64_t len, void **out)
{
    *out = NULL;
    if (len == 0) {
        return 0;
    }
    *out = wasm_memory_span(c->mem, offset, len);
    return *out == NULL ? FTL_ERR_BAD_ADDRESS : 0;
}

// The native address of a structure of size bytes (not 0) the call reads
// or fills at the module's offset, NULL if it does not lie wholly inside.
static void *structure(const struct call *c, uint64_t offset, size_t size)
{
    return wasm_memory_span(c->mem, offset, size);
}

static int64_t sys_console_write(const struct call *c)
{
    void *text;
    int err = span(c, c->a[0], c->a[1], &text);
    if (err < 0) {
        return err;
    }
    return ftl_console_write(text, c->a[1], (enum ftl_console_level)c->a[2]);
}

// The message header is copied out of linear memory once and checked
// there; its loan, an offset, becomes the native address of the buffer.
static int64_t sys_channel_send(const struct call *c)
{
    struct ftl_msg msg;
    void *header = structure(c, c->a[1], sizeof(msg));
    if (header == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    memcpy(&msg, header, sizeof(msg));
    if (msg.body_len > FTL_MSG_BODY_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    void *body, *loan;
    int err = span(c, c->a[2], msg.body_len, &body);
    if (err < 0) {
        return err;
    }
    err = span(c, msg.loan_base, msg.loan_len, &loan);
    if (err < 0) {
        return err;
    }
    msg.loan_base = (uint64_t)(uintptr_t)loan;
    return ftl_channel_send((ftl_handle_t)c->a[0], &msg, body);
}

static int64_t sys_channel_recv(const struct call *c)
{
    void *msg = structure(c, c->a[1], sizeof(struct ftl_msg));
    if (msg == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    void *body;
    int err = span(c, c->a[2], c->a[3], &body);
    if (err < 0) {
        return err;
    }
    return ftl_channel_recv((ftl_handle_t)c->a[0], msg, body, c->a[3]);
}

static int64_t sys_channel_create(const struct call *c)
{
    void *ends = structure(c, c->a[0], 2 * sizeof(ftl_handle_t));
    if (ends == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    return ftl_channel_create(ends);
}

static int64_t sys_copy_to_caller(const struct call *c)
{
    void *src;
    int err = span(c, c->a[3], c->a[4], &src);
    if (err < 0) {
        return err;
    }
    return ftl_copy_to_caller((ftl_handle_t)c->a[0], c->a[1], c->a[2], src,
                              c->a[4]);
}

static int64_t sys_copy_from_caller(const struct call *c)
{
    void *dst;
    int err = span(c, c->a[3], c->a[4], &dst);
    if (err < 0) {
        return err;
    }
    return ftl_copy_from_caller((ftl_handle_t)c->a[0], c->a[1], c->a[2], dst,
                                c->a[4]);
}

static int64_t sys_sink_wait(const struct call *c)
{
    void *event = structure(c, c->a[1], sizeof(struct ftl_event));
    if (event == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    return ftl_sink_wait((ftl_handle_t)c->a[0], event, c->a[2]);
}

// Calls that fill a structure of the module's: the same layout in wasm32
// (no pointer-sized fields).
static int64_t sys_process_info(const struct call *c)
{
    void *info = structure(c, c->a[1], sizeof(struct ftl_process_info));
    if (info == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    return ftl_process_info((ftl_handle_t)c->a[0], info);
}

static int64_t sys_system_stats(const struct call *c)
{
    void *stats = structure(c, c->a[0], sizeof(struct ftl_system_stats));
    if (stats == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    return ftl_system_stats(stats);
}

// Copies at most len bytes of string s to the module's buffer.
static int64_t copy_string(const struct call *c, const char *s,
                           uint64_t buffer_offset, uint64_t len)
{
    void *buffer;
    int err = span(c, buffer_offset, len, &buffer);
    if (err < 0) {
        return err;
    }
    size_t n = strlen(s);
    if (buffer != NULL) { // len 0: no buffer, and memcpy(NULL) is undefined
        memcpy(buffer, s, n < len ? n : len);
    }
    return (int64_t)n;
}

// The index-th string of a NULL-terminated array of count entries.
static int64_t copy_nth(const struct call *c, const char *const *strings,
                        uint64_t count)
{
    if (strings == NULL || c->a[0] >= count || strings[c->a[0]] == NULL) {
        return FTL_ERR_NOT_FOUND;
    }
    return copy_string(c, strings[c->a[0]], c->a[1], c->a[2]);
}

static uint64_t strings_count(const char *const *strings)
{
    uint64_t n = 0;
    while (strings != NULL && strings[n] != NULL) {
        n++;
    }
    return n;
}

// Calls whose arguments are all numbers (handles, times, cookies) go to the
// kernel as they are.
static int64_t sys_plain(int32_t number, const struct call *c)
{
    return ftl_syscall(number, (long)c->a[0], (long)c->a[1], (long)c->a[2], 0,
                       0);
}

// The time-stamp counter, as bench_util.h reads it natively: a module
// cannot execute rdtsc. Nanoseconds (FTL_SYS_CLOCK_NOW) would not do for
// benchmarks: their figures are cycles beside the native ones, and under
// QEMU's instruction counting the counter counts guest instructions.
static uint64_t read_cycles(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t Z_ftlZ_syscall(struct Z_ftl_instance_t *self, uint32_t number,
                        uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    struct call c = {.mem = self->memory, .a = {a1, a2, a3, a4, a5}};
    switch (number) {
    case FTL_SYS_CONSOLE_WRITE:
        return (uint64_t)sys_console_write(&c);
    case FTL_SYS_PROCESS_EXIT:
        ftl_process_exit((int)a1);
    case FTL_SYS_HANDLE_CLOSE:
    case FTL_SYS_CLOCK_NOW:
    case FTL_SYS_THREAD_YIELD:
    case FTL_SYS_THREAD_SLEEP:
    case FTL_SYS_CHANNEL_DISCARD:
    case FTL_SYS_SINK_CREATE:
    case FTL_SYS_SINK_ADD:
    case FTL_SYS_SINK_REMOVE:
    case FTL_SYS_TIMER_CREATE:
    case FTL_SYS_TIMER_SET:
    case FTL_SYS_PROCESS_WAIT:
    case FTL_SYS_PROCESS_KILL:
        return (uint64_t)sys_plain((int32_t)number, &c);
    case FTL_SYS_PROCESS_SPAWN:
        return (uint64_t)wasm_process_spawn(self->memory, a1);
    case FTL_SYS_PROCESS_INFO:
        return (uint64_t)sys_process_info(&c);
    case FTL_SYS_SYSTEM_STATS:
        return (uint64_t)sys_system_stats(&c);
    case FTL_SYS_CHANNEL_CREATE:
        return (uint64_t)sys_channel_create(&c);
    case FTL_SYS_CHANNEL_SEND:
        return (uint64_t)sys_channel_send(&c);
    case FTL_SYS_CHANNEL_RECV:
        return (uint64_t)sys_channel_recv(&c);
    case FTL_SYS_COPY_TO_CALLER:
        return (uint64_t)sys_copy_to_caller(&c);
    case FTL_SYS_COPY_FROM_CALLER:
        return (uint64_t)sys_copy_from_caller(&c);
    case FTL_SYS_SINK_WAIT:
        return (uint64_t)sys_sink_wait(&c);
    case FTL_WASM_SYS_START_CHANNEL:
        return (uint64_t)(int64_t)ftl_start_info->channel;
    case FTL_WASM_SYS_START_NAME:
        return (uint64_t)copy_string(&c, ftl_start_info->name, a1, a2);
    case FTL_WASM_SYS_START_ARG:
        return (uint64_t)copy_nth(&c, ftl_start_info->argv,
                                  (uint64_t)ftl_start_info->argc);
    case FTL_WASM_SYS_START_ENV:
        return (uint64_t)copy_nth(&c, ftl_start_info->envp,
                                  strings_count(ftl_start_info->envp));
    case FTL_WASM_SYS_CYCLES:
        return read_cycles();
    default:
        return (uint64_t)(int64_t)FTL_ERR_NOT_SUPPORTED;
    }
}
