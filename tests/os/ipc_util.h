// Small helpers the IPC test programs share: a blocking call (send a
// request, wait for the reply on a sink) written with the raw system calls.
#pragma once

#include <stdint.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/sink.h>

#define IPC_TIMEOUT_NS (5ULL * 1000 * 1000 * 1000)

// Sends req (with body) on channel and waits on sink (which watches
// channel) for the reply; receives it into *reply and reply_body. Returns
// the reply body length or an error (FTL_ERR_PEER_CLOSED if the server
// went away).
static inline long ipc_call(ftl_handle_t sink, ftl_handle_t channel,
                            const struct ftl_msg *req, const void *body,
                            struct ftl_msg *reply, void *reply_body,
                            size_t reply_max)
{
    int err = ftl_channel_send(channel, req, body);
    if (err < 0) {
        return err;
    }
    for (;;) {
        struct ftl_event event;
        err = ftl_sink_wait(sink, &event, IPC_TIMEOUT_NS);
        if (err < 0) {
            return err;
        }
        if (event.handle != channel) {
            continue;
        }
        if (event.kind == FTL_EVENT_PEER_CLOSED) {
            return FTL_ERR_PEER_CLOSED;
        }
        return ftl_channel_recv(channel, reply, reply_body, reply_max);
    }
}

// A call whose body is the string text (a path or "name=value") on a
// channel sink does not watch yet; the reply's header in *reply, and the
// result of ipc_call.
static inline long ipc_request(ftl_handle_t sink, ftl_handle_t channel,
                               uint32_t type, const char *text,
                               struct ftl_msg *reply)
{
    struct ftl_msg req = {
        .type = type, .id = 1, .body_len = (uint32_t)strlen(text)};
    ftl_sink_add(sink, channel, 0);
    long n = ipc_call(sink, channel, &req, text, reply, NULL, 0);
    ftl_sink_remove(sink, channel);
    return n;
}
