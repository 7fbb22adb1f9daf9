// The client helper: calls a service over a channel, asynchronously, with
// a completion callback per call.
//
//   static void done(const struct ftl_result *result, void *arg)
//   {
//       if (result->error < 0) {
//           FTL_LOG_ERROR("read: %s", ftl_error_str(result->error));
//       } else {
//           printf("read %lu bytes\n", (unsigned long)result->value);
//       }
//   }
//   struct ftl_client *kv = ftl_client_create(loop, channel);
//   ftl_client_read(kv, 0, buffer, sizeof(buffer), done, state);
//
// Many calls may be in flight on one channel; replies are matched to calls
// by message id, in whatever order the server sends them. Every call
// function returns 0, and then its callback runs exactly once, from the
// loop, or an error, and then the callback never runs.
//
// When the service goes away (closes the channel, crashes), every call in
// flight completes with FTL_ERR_PEER_CLOSED and later calls fail at once
// with it: a dead server never leaves a caller hanging.
//
// Data of any size moves the same way: up to FTL_MSG_BODY_MAX bytes inline
// in the message, more through a loan of the caller's buffer that the
// server copies into or out of (message.h). Either way the buffer given to
// ftl_client_read or ftl_client_write must stay valid, and untouched,
// until the callback runs.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/loop.h>

// Most calls in flight on one client: one more returns
// FTL_ERR_WOULD_BLOCK. It equals the channel's queue length, so that the
// server's replies always fit in the queue back.
#define FTL_CLIENT_CALLS_MAX 64

struct ftl_client;

// The outcome of a call, valid during the callback only.
struct ftl_result {
    int error;      // 0, or an FTL_ERR_* code (the server's or the channel's)
    uint64_t value; // read, write: bytes moved; others: the reply's arg0
    ftl_handle_t handle; // open: the new channel (the callback owns it)
    const char *body;    // getattr: the value, NUL-terminated; else ""
    size_t body_len;
};

typedef void (*ftl_client_fn)(const struct ftl_result *result, void *arg);

// A client calling over channel, which it owns from now on (closed by
// ftl_client_destroy). NULL when out of memory or the channel cannot be
// watched (it is then not taken).
struct ftl_client *ftl_client_create(struct ftl_loop *loop,
                                     ftl_handle_t channel);

// Closes the channel and frees the client. Calls in flight are dropped
// without their callbacks. Allowed from inside a callback of this client.
void ftl_client_destroy(struct ftl_client *client);

// OPEN path; the result's handle is a channel to what was opened.
int ftl_client_open(struct ftl_client *client, const char *path,
                    ftl_client_fn fn, void *arg);

// READ up to len bytes at offset into buffer; the result's value says how
// many came.
int ftl_client_read(struct ftl_client *client, uint64_t offset, void *buffer,
                    size_t len, ftl_client_fn fn, void *arg);

// WRITE len bytes of data at offset; the result's value says how many the
// server took.
int ftl_client_write(struct ftl_client *client, uint64_t offset,
                     const void *data, size_t len, ftl_client_fn fn, void *arg);

// GETATTR name; the value arrives as the result's body.
int ftl_client_getattr(struct ftl_client *client, const char *name,
                       ftl_client_fn fn, void *arg);

// SETATTR name=value.
int ftl_client_setattr(struct ftl_client *client, const char *name,
                       const char *value, ftl_client_fn fn, void *arg);

// Calls in flight.
unsigned ftl_client_pending(const struct ftl_client *client);
