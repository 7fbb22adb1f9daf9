// IPC wrappers of libftl: channels, calls with memory copy, sinks, timers.
#include <ftl/channel.h>
#include <ftl/process.h>
#include <ftl/sink.h>
#include <ftl/syscall.h>

#include "hot.h"

// Each wrapper is a tail call of ftl_syscall (syscall.h), so the system
// call returns straight to the wrapper's caller; call_int for the wrappers
// that return an int (an error code or a handle).
static inline long call(long n, long a1, long a2, long a3, long a4, long a5)
{
    return ftl_syscall(n, a1, a2, a3, a4, a5);
}

static inline int call_int(long n, long a1, long a2, long a3, long a4, long a5)
{
    return ftl_syscall_int(n, a1, a2, a3, a4, a5);
}

int ftl_channel_create(ftl_handle_t ends[2])
{
    return call_int(FTL_SYS_CHANNEL_CREATE, (long)ends, 0, 0, 0, 0);
}

FTL_HOT int ftl_channel_send(ftl_handle_t channel, const struct ftl_msg *msg,
                             const void *body)
{
    return call_int(FTL_SYS_CHANNEL_SEND, channel, (long)msg, (long)body, 0, 0);
}

FTL_HOT long ftl_channel_recv(ftl_handle_t channel, struct ftl_msg *msg,
                              void *body, size_t body_max)
{
    return call(FTL_SYS_CHANNEL_RECV, channel, (long)msg, (long)body,
                (long)body_max, 0);
}

FTL_HOT int ftl_channel_discard(ftl_handle_t channel)
{
    return call_int(FTL_SYS_CHANNEL_DISCARD, channel, 0, 0, 0, 0);
}

long ftl_copy_to_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                        const void *src, size_t len)
{
    return call(FTL_SYS_COPY_TO_CALLER, channel, (long)id, (long)offset,
                (long)src, (long)len);
}

long ftl_copy_from_caller(ftl_handle_t channel, uint64_t id, uint64_t offset,
                          void *dst, size_t len)
{
    return call(FTL_SYS_COPY_FROM_CALLER, channel, (long)id, (long)offset,
                (long)dst, (long)len);
}

ftl_handle_t ftl_sink_create(void)
{
    return call_int(FTL_SYS_SINK_CREATE, 0, 0, 0, 0, 0);
}

int ftl_sink_add(ftl_handle_t sink, ftl_handle_t handle, uint64_t cookie)
{
    return call_int(FTL_SYS_SINK_ADD, sink, handle, (long)cookie, 0, 0);
}

int ftl_sink_remove(ftl_handle_t sink, ftl_handle_t handle)
{
    return call_int(FTL_SYS_SINK_REMOVE, sink, handle, 0, 0, 0);
}

FTL_HOT int ftl_sink_wait(ftl_handle_t sink, struct ftl_event *event,
                          uint64_t timeout_ns)
{
    return call_int(FTL_SYS_SINK_WAIT, sink, (long)event, (long)timeout_ns, 0,
                    0);
}

ftl_handle_t ftl_timer_create(void)
{
    return call_int(FTL_SYS_TIMER_CREATE, 0, 0, 0, 0, 0);
}

int ftl_timer_set(ftl_handle_t timer, uint64_t deadline_ns, uint64_t period_ns)
{
    return call_int(FTL_SYS_TIMER_SET, timer, (long)deadline_ns,
                    (long)period_ns, 0, 0);
}
