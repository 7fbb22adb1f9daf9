// A test server on its start channel (and on any channel it hands out):
//   WRITE with a body    -> WRITE_REPLY echoing the body
//   WRITE with a loan    -> copies the data out, WRITE_REPLY arg0 = bytes,
//                           arg1 = sum of the bytes
//   READ with a loan     -> fills it with bytes (offset + i) & 0xff,
//                           READ_REPLY arg0 = bytes
//   OPEN                 -> OPEN_REPLY carrying a new channel it also serves
//   SETATTR "crash"      -> faults on purpose (its clients see PEER_CLOSED)
//   anything else        -> ERROR_REPLY FTL_ERR_NOT_SUPPORTED
// It exits when its start channel closes.
#include <stdint.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/sink.h>

#include "unusable.h"

#define CHUNK 4096

static uint8_t body[FTL_MSG_BODY_MAX];
static uint8_t chunk[CHUNK];

static void reply(ftl_handle_t channel, const struct ftl_msg *req,
                  uint32_t type, uint64_t arg0, uint64_t arg1,
                  const void *reply_body, uint32_t len, ftl_handle_t handle)
{
    struct ftl_msg msg = {.type = type,
                          .id = req->id,
                          .arg0 = arg0,
                          .arg1 = arg1,
                          .body_len = len,
                          .handle = handle};
    ftl_channel_send(channel, &msg, reply_body);
}

static void serve_loan(ftl_handle_t channel, const struct ftl_msg *req)
{
    uint64_t sum = 0;
    for (uint64_t done = 0; done < req->loan_len; done += CHUNK) {
        uint64_t n =
            req->loan_len - done < CHUNK ? req->loan_len - done : CHUNK;
        if (req->type == FTL_MSG_READ) {
            for (uint64_t i = 0; i < n; i++) {
                chunk[i] = (uint8_t)(req->arg0 + done + i);
            }
            ftl_copy_to_caller(channel, req->id, done, chunk, n);
        } else {
            ftl_copy_from_caller(channel, req->id, done, chunk, n);
            for (uint64_t i = 0; i < n; i++) {
                sum += chunk[i];
            }
        }
    }
    reply(channel, req, req->type + 1, req->loan_len, sum, NULL, 0,
          FTL_HANDLE_INVALID);
}

static void serve(ftl_handle_t sink, ftl_handle_t channel)
{
    struct ftl_msg req;
    long len = ftl_channel_recv(channel, &req, body, sizeof(body));
    if (len < 0) {
        return;
    }
    if ((req.type == FTL_MSG_READ || req.type == FTL_MSG_WRITE) &&
        req.loan_len > 0) {
        serve_loan(channel, &req);
    } else if (req.type == FTL_MSG_WRITE) {
        reply(channel, &req, FTL_MSG_WRITE_REPLY, (uint64_t)len, 0, body,
              (uint32_t)len, FTL_HANDLE_INVALID);
    } else if (req.type == FTL_MSG_OPEN) {
        ftl_handle_t ends[2];
        ftl_channel_create(ends);
        ftl_sink_add(sink, ends[0], (uint64_t)ends[0]);
        reply(channel, &req, FTL_MSG_OPEN_REPLY, 0, 0, NULL, 0, ends[1]);
    } else if (req.type == FTL_MSG_SETATTR && len == 5 &&
               memcmp(body, "crash", 5) == 0) {
        crash_on_purpose();
    } else {
        reply(channel, &req, FTL_MSG_ERROR_REPLY,
              (uint64_t)(int64_t)FTL_ERR_NOT_SUPPORTED, 0, NULL, 0,
              FTL_HANDLE_INVALID);
    }
}

int main(void)
{
    ftl_handle_t start = ftl_start_info->channel;
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, start, (uint64_t)start);
    for (;;) {
        struct ftl_event event;
        if (ftl_sink_wait(sink, &event, FTL_WAIT_FOREVER) < 0) {
            continue;
        }
        if (event.kind == FTL_EVENT_PEER_CLOSED) {
            if (event.handle == start) {
                return 0;
            }
            ftl_handle_close(event.handle);
            continue;
        }
        serve(sink, event.handle);
    }
}
