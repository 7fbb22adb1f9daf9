// libftl's system call wrappers for a WebAssembly module: the same
// functions as sdk/lib/syscall.c and sdk/lib/ipc.c, each one call of the
// module's only import, ftl_wasm_syscall (ftl/wasm.h). They pass 64-bit
// values as 64-bit arguments (a wasm32 long has 32 bits) and pointers as
// offsets into linear memory, which the runtime checks. Calls a module
// cannot make (threads, memory areas, devices: docs/guides/wasm.md) are
// left out, so a module that needs them fails to link rather than at run
// time.
#include <stddef.h>
#include <stdint.h>

#include <ftl/channel.h>
#include <ftl/console.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/syscall.h>
#include <ftl/time.h>
#include <ftl/wasm.h>

static int64_t call(int32_t n, int64_t a1, int64_t a2, int64_t a3, int64_t a4,
                    int64_t a5)
{
    return ftl_wasm_syscall(n, a1, a2, a3, a4, a5);
}

// A pointer as the runtime receives it: its offset in linear memory.
static int64_t offset_of(const void *p)
{
    return (int64_t)(uintptr_t)p;
}

long ftl_console_write(const char *text, size_t len,
                       enum ftl_console_level level)
{
    return (long)call(FTL_SYS_CONSOLE_WRITE, offset_of(text), (int64_t)len,
                      level, 0, 0);
}

void ftl_process_exit(int status)
{
    call(FTL_SYS_PROCESS_EXIT, status, 0, 0, 0, 0);
    __builtin_unreachable();
}

// The request in the fixed layout the runtime reads (struct
// ftl_wasm_spawn), field by field.
ftl_handle_t ftl_process_spawn_request(const struct ftl_spawn *request)
{
    struct ftl_wasm_spawn w = {
        .path = (uint32_t)(uintptr_t)request->path,
        .name = (uint32_t)(uintptr_t)request->name,
        .isolation = request->isolation,
        .priority = request->priority,
        .argc = request->argc,
        .envc = request->envc,
        .argv = (uint32_t)(uintptr_t)request->argv,
        .envp = (uint32_t)(uintptr_t)request->envp,
        .channel = request->channel,
        .handles_max = request->handles_max,
        .memory_limit = request->memory_limit,
        .image = (uint32_t)(uintptr_t)request->image,
        .image_len = request->image_len,
    };
    return (ftl_handle_t)call(FTL_SYS_PROCESS_SPAWN, offset_of(&w), 0, 0, 0,
                              0);
}

long ftl_process_wait(ftl_handle_t process, uint64_t timeout_ns)
{
    return (long)call(FTL_SYS_PROCESS_WAIT, process, (int64_t)timeout_ns, 0, 0,
                      0);
}

int ftl_process_kill(ftl_handle_t process)
{
    return (int)call(FTL_SYS_PROCESS_KILL, process, 0, 0, 0, 0);
}

int ftl_process_info(ftl_handle_t process, struct ftl_process_info *info)
{
    return (int)call(FTL_SYS_PROCESS_INFO, process, offset_of(info), 0, 0, 0);
}

int ftl_system_stats(struct ftl_system_stats *out)
{
    return (int)call(FTL_SYS_SYSTEM_STATS, offset_of(out), 0, 0, 0, 0);
}

int ftl_handle_close(ftl_handle_t handle)
{
    return (int)call(FTL_SYS_HANDLE_CLOSE, handle, 0, 0, 0, 0);
}

uint64_t ftl_clock_ns(void)
{
    return (uint64_t)call(FTL_SYS_CLOCK_NOW, 0, 0, 0, 0, 0);
}

void ftl_sleep_ns(uint64_t ns)
{
    call(FTL_SYS_THREAD_SLEEP, (int64_t)ns, 0, 0, 0, 0);
}

void ftl_thread_yield(void)
{
    call(FTL_SYS_THREAD_YIELD, 0, 0, 0, 0, 0);
}

int ftl_channel_create(ftl_handle_t ends[2])
{
    return (int)call(FTL_SYS_CHANNEL_CREATE, offset_of(ends), 0, 0, 0, 0);
}

int ftl_channel_send(ftl_handle_t channel, const struct ftl_msg *msg,
                     const void *body)
{
    return (int)call(FTL_SYS_CHANNEL_SEND, channel, offset_of(msg),
                     offset_of(body), 0, 0);
}

long ftl_channel_recv(ftl_handle_t channel, struct ftl_msg *msg, void *body,
                      size_t max)
{
    return (long)call(FTL_SYS_CHANNEL_RECV, channel, offset_of(msg),
                      offset_of(body), (int64_t)max, 0);
}

int ftl_channel_discard(ftl_handle_t channel)
{
    return (int)call(FTL_SYS_CHANNEL_DISCARD, channel, 0, 0, 0, 0);
}

long ftl_copy_to_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                        const void *src, size_t len)
{
    return (long)call(FTL_SYS_COPY_TO_CALLER, channel, (int64_t)id,
                      (int64_t)offset, offset_of(src), (int64_t)len);
}

long ftl_copy_from_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                          void *dst, size_t len)
{
    return (long)call(FTL_SYS_COPY_FROM_CALLER, channel, (int64_t)id,
                      (int64_t)offset, offset_of(dst), (int64_t)len);
}

ftl_handle_t ftl_sink_create(void)
{
    return (ftl_handle_t)call(FTL_SYS_SINK_CREATE, 0, 0, 0, 0, 0);
}

int ftl_sink_add(ftl_handle_t sink, ftl_handle_t handle, uint64_t cookie)
{
    return (int)call(FTL_SYS_SINK_ADD, sink, handle, (int64_t)cookie, 0, 0);
}

int ftl_sink_remove(ftl_handle_t sink, ftl_handle_t handle)
{
    return (int)call(FTL_SYS_SINK_REMOVE, sink, handle, 0, 0, 0);
}

int ftl_sink_wait(ftl_handle_t sink, struct ftl_event *event,
                  uint64_t timeout_ns)
{
    return (int)call(FTL_SYS_SINK_WAIT, sink, offset_of(event),
                     (int64_t)timeout_ns, 0, 0);
}

ftl_handle_t ftl_timer_create(void)
{
    return (ftl_handle_t)call(FTL_SYS_TIMER_CREATE, 0, 0, 0, 0, 0);
}

int ftl_timer_set(ftl_handle_t timer, uint64_t deadline_ns, uint64_t period_ns)
{
    return (int)call(FTL_SYS_TIMER_SET, timer, (int64_t)deadline_ns,
                     (int64_t)period_ns, 0, 0);
}
