// The server helper: serves the predefined requests on channels, through an
// event loop, with one handler per message type.
//
//   static void on_write(struct ftl_request *req, uint64_t offset,
//                        const void *data, size_t len)
//   {
//       ftl_request_reply(req, len, data, len); // echo
//   }
//   static const struct ftl_server_ops ops = {.on_write = on_write};
//   ...
//   struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
//   ftl_server_serve(server, ftl_start_info->channel, NULL);
//   ftl_loop_run(loop);
//
// Every request reaches its handler as a struct ftl_request. The handler
// completes it with one of the ftl_request_reply* functions or
// ftl_request_fail, right away or later from any other callback (a timer,
// a reply from another service): a request is a promise of exactly one
// reply. Each completion function sends the reply and frees the request.
//
// What the helper does so that handlers need not:
// - A type without a handler (or an unknown type) gets ERROR_REPLY with
//   FTL_ERR_NOT_SUPPORTED; a malformed request (SETATTR without '=') gets
//   FTL_ERR_INVALID_ARG.
// - WRITE data is handed over as one buffer whether it came inline or
//   through a loan (pulled with ftl_copy_from_caller before the handler
//   runs); READ data given to ftl_request_reply_data goes inline or into
//   the caller's loan with ftl_copy_to_caller. Handlers never see loans.
// - Strings (OPEN's path, GETATTR's name, SETATTR's name and value) arrive
//   NUL-terminated.
// - A served channel whose peer goes away is closed once no request of it
//   is pending; on_close then says so.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/loop.h>
#include <ftl/message.h>

// Largest WRITE a server accepts through a loan; bigger ones get
// FTL_ERR_TOO_LARGE. The data is pulled into memory of the server first.
#define FTL_SERVER_WRITE_MAX (16u * 1024 * 1024)

struct ftl_server;
struct ftl_request;

// The handlers. Any may be NULL. Pointer arguments are valid until the
// handler returns (copy what you keep); the request stays valid until it
// is completed.
struct ftl_server_ops {
    // OPEN path: reply with ftl_request_reply_channel (or _handle).
    void (*on_open)(struct ftl_request *req, const char *path);
    // READ up to len bytes at offset: reply with ftl_request_reply_data.
    // len is what the caller lent, or what it asked for inline (at most
    // FTL_MSG_BODY_MAX).
    void (*on_read)(struct ftl_request *req, uint64_t offset, size_t len);
    // WRITE data at offset: reply with ftl_request_reply(req, bytes
    // consumed, NULL, 0).
    void (*on_write)(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len);
    // GETATTR name: reply with the value as the body.
    void (*on_getattr)(struct ftl_request *req, const char *name);
    // SETATTR name=value: reply with ftl_request_reply(req, 0, NULL, 0).
    void (*on_setattr)(struct ftl_request *req, const char *name,
                       const char *value);
    // A served channel is gone (its peer closed it or died) and has no
    // pending request any more; context is the one it was served with.
    void (*on_close)(struct ftl_server *server, void *context);
    // The peer of a served channel is gone while requests of it are still
    // pending (requests that wait for an event, such as an accept or a
    // read with no data yet): complete them now, or on_close waits for
    // them. Their replies fail; on_close follows once the last is done.
    void (*on_hangup)(struct ftl_server *server, void *context);
    // OPEN of FTL_SERVICE_PREFIX "NAME" (message.h). NULL, as in nearly
    // every service: the helper answers with a new channel served like the
    // one the request came on (that is how the supervisor connects a
    // client). The supervisor sets it to do the routing.
    void (*on_service_open)(struct ftl_request *req, const char *name);
};

// While on_service_open runs: the name of the service the channel is
// opened for, as the supervisor said it (message.h FTL_SERVICE_OPENER), or
// NULL when the OPEN did not come on the first channel, the supervisor's.
// Providers use it to keep one client's things from another's (tcpip lets
// only a new instance of the same service share a listening port).
const char *ftl_service_opener(void);

// A server on loop with the handlers of ops (kept by pointer: it must
// outlive the server) and user data for the handlers. NULL when out of
// memory.
struct ftl_server *ftl_server_create(struct ftl_loop *loop,
                                     const struct ftl_server_ops *ops,
                                     void *data);

// Stops serving: every served channel is closed (on_close runs for each)
// and the server is freed. FTL_ERR_BUSY, and nothing happens, while a
// request is still to be completed. Not from inside a handler.
int ftl_server_destroy(struct ftl_server *server);

// The data given to ftl_server_create.
void *ftl_server_data(const struct ftl_server *server);

// Serves requests arriving on channel, whose requests then carry context
// (ftl_request_context). On success the server owns the handle and closes
// it when the peer is gone. Errors of ftl_loop_add.
int ftl_server_serve(struct ftl_server *server, ftl_handle_t channel,
                     void *context);

// A client calling the other way on served `channel`: a service's first
// channel is served (the supervisor connects clients through it) and also
// where the service makes its own requests (OPEN service/NAME). The client
// belongs to the served channel: it goes when the channel goes, and
// ftl_client_destroy does nothing to it. NULL if the channel is not served
// by this server, or out of memory.
struct ftl_client *ftl_server_client(struct ftl_server *server,
                                     ftl_handle_t channel);

// The server and the context of the channel a request arrived on.
struct ftl_server *ftl_request_server(const struct ftl_request *req);
void *ftl_request_context(const struct ftl_request *req);

// The request as it arrived (type, id, arguments, loan), for handlers that
// need more than their arguments.
const struct ftl_msg *ftl_request_msg(const struct ftl_request *req);

// Takes the handle that came with the request (a device grant, a channel),
// which the handler then owns; FTL_HANDLE_INVALID if none came. A handle
// not taken is closed when the request completes.
ftl_handle_t ftl_request_take_handle(struct ftl_request *req);

// Completions. Each sends the reply and frees req, whatever it returns.
// They return 0, or the error of sending the reply (FTL_ERR_PEER_CLOSED:
// the caller is gone, and the reply with it).

// Replies with the request's *_REPLY type, arg0 = value and an optional
// body of len bytes (at most FTL_MSG_BODY_MAX; more fails the request
// with FTL_ERR_TOO_LARGE instead, which is also returned).
int ftl_request_reply(struct ftl_request *req, uint64_t value, const void *body,
                      size_t len);

// Completes a READ with len bytes of data (cut to what the caller asked
// for), into the caller's loan or inline. READ_REPLY's arg0 is the count.
int ftl_request_reply_data(struct ftl_request *req, const void *data,
                           size_t len);

// Completes an OPEN with a handle that moves to the caller (closed if the
// reply cannot be sent).
int ftl_request_reply_handle(struct ftl_request *req, ftl_handle_t handle);

// Completes an OPEN with a new channel that this server serves with
// context; the caller gets the other end.
int ftl_request_reply_channel(struct ftl_request *req, void *context);

// Fails the request: ERROR_REPLY with error (an FTL_ERR_* code).
int ftl_request_fail(struct ftl_request *req, int error);
