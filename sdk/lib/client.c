// The client helper (see ftl/client.h): sends requests with ids that name
// a slot of a table of calls, so a reply finds its call in one step, and
// turns replies (or the peer's death) into completion callbacks.
//
// A server of many connections holds a client per connection (ftl/tcp.h),
// so a client is kept small: its table starts with CALLS_INITIAL slots and
// doubles up to FTL_CLIENT_CALLS_MAX, and replies are received into one
// buffer of the process's (a loop runs one callback at a time, and a reply
// body is valid during its callback only).
//
// A call's id is its slot plus a per-slot use count above it: a late or
// forged reply for a slot that has moved on to another call does not
// match and is dropped.
//
// Callbacks may call anything here, ftl_client_destroy included; the
// client is freed only once no callback of it is running (`running`).
#include <ftl/client.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/process.h>

#include "client_shared.h"
#include "drain_internal.h"
#include "hot.h"

#define SLOT_BITS 8
#define CALLS_INITIAL 4
_Static_assert(FTL_CLIENT_CALLS_MAX <= 1 << SLOT_BITS, "slots fit in ids");
_Static_assert(CALLS_INITIAL <= FTL_CLIENT_CALLS_MAX, "the table can grow");

struct call {
    uint64_t id;
    bool in_use;
    uint32_t type;     // of the request
    void *read_buffer; // an inline READ: where the reply body goes
    size_t read_len;
    ftl_client_fn fn;
    void *arg;
};

struct ftl_client {
    struct ftl_loop *loop;
    ftl_handle_t channel;
    unsigned pending;
    unsigned running; // callbacks of this client on the stack
    bool peer_closed;
    bool destroyed;
    bool shared; // the channel is served: the server watches and owns it
    unsigned capacity; // slots in calls
    struct call *calls;
    struct call initial[CALLS_INITIAL]; // calls until more are needed
};

// The reply being received, + NUL: shared by every client of the process.
static char reply_body[FTL_MSG_BODY_MAX + 1];

static void on_channel_event(struct ftl_loop *loop,
                             const struct ftl_event *event, void *arg);

struct ftl_client *client_create_shared(struct ftl_loop *loop,
                                        ftl_handle_t channel)
{
    struct ftl_client *client = calloc(1, sizeof(*client));
    if (client == NULL) {
        return NULL;
    }
    client->loop = loop;
    client->channel = channel;
    client->shared = true;
    client->capacity = CALLS_INITIAL;
    client->calls = client->initial;
    for (unsigned i = 0; i < CALLS_INITIAL; i++) {
        client->calls[i].id = i;
    }
    return client;
}

static void client_free(struct ftl_client *client)
{
    if (client->calls != client->initial) {
        free(client->calls);
    }
    free(client);
}

// Doubles the table of calls (at most FTL_CLIENT_CALLS_MAX); false if it
// cannot. Slots keep their index, so ids in flight stay valid.
static bool calls_grow(struct ftl_client *client)
{
    unsigned capacity = client->capacity * 2;
    if (capacity > FTL_CLIENT_CALLS_MAX) {
        return false;
    }
    struct call *calls = malloc(capacity * sizeof(*calls));
    if (calls == NULL) {
        return false;
    }
    memcpy(calls, client->calls, client->capacity * sizeof(*calls));
    for (unsigned i = client->capacity; i < capacity; i++) {
        calls[i] = (struct call){.id = i};
    }
    if (client->calls != client->initial) {
        free(client->calls);
    }
    client->calls = calls;
    client->capacity = capacity;
    return true;
}

struct ftl_client *ftl_client_create(struct ftl_loop *loop,
                                     ftl_handle_t channel)
{
    struct ftl_client *client = client_create_shared(loop, channel);
    if (client == NULL) {
        return NULL;
    }
    client->shared = false;
    if (ftl_loop_add(loop, channel, on_channel_event, client) < 0) {
        client_free(client);
        return NULL;
    }
    return client;
}

void client_release(struct ftl_client *client)
{
    if (client->running > 0) {
        client->destroyed = true; // freed when the callbacks return
        return;
    }
    client_free(client);
}

void ftl_client_destroy(struct ftl_client *client)
{
    if (client->shared) {
        return; // the server frees it with its channel
    }
    if (!client->peer_closed) {
        ftl_loop_remove(client->loop, client->channel);
    }
    ftl_handle_close(client->channel);
    if (client->running > 0) {
        client->destroyed = true; // freed when the callbacks return
        return;
    }
    client_free(client);
}

unsigned ftl_client_pending(const struct ftl_client *client)
{
    return client->pending;
}

FTL_HOT static struct call *call_alloc(struct ftl_client *client)
{
    if (client->pending == client->capacity && !calls_grow(client)) {
        return NULL;
    }
    for (unsigned i = 0; i < client->capacity; i++) {
        struct call *call = &client->calls[i];
        if (!call->in_use) {
            call->id += 1 << SLOT_BITS;
            call->in_use = true;
            client->pending++;
            return call;
        }
    }
    return NULL;
}

FTL_HOT static void call_free(struct ftl_client *client, struct call *call)
{
    call->in_use = false;
    client->pending--;
}

FTL_HOT static struct call *call_lookup(struct ftl_client *client, uint64_t id)
{
    uint64_t slot = id & ((1 << SLOT_BITS) - 1);
    if (slot >= client->capacity) {
        return NULL;
    }
    struct call *call = &client->calls[slot];
    return call->in_use && call->id == id ? call : NULL;
}

// Sends req (its id and type filled in here) as a new call. On failure
// nothing is in flight and the callback will not run.
FTL_HOT static int call_start(struct ftl_client *client, struct ftl_msg *req,
                              const void *body, ftl_client_fn fn, void *arg,
                              struct call **out)
{
    if (client->peer_closed) {
        return FTL_ERR_PEER_CLOSED;
    }
    struct call *call = call_alloc(client);
    if (call == NULL) {
        return FTL_ERR_WOULD_BLOCK;
    }
    call->type = req->type;
    call->read_buffer = NULL;
    call->fn = fn;
    call->arg = arg;
    req->id = call->id;
    int err = ftl_channel_send(client->channel, req, body);
    if (err < 0) {
        call_free(client, call);
        return err;
    }
    if (out != NULL) {
        *out = call;
    }
    return 0;
}

// A request with a string body (OPEN path, GETATTR name).
static int call_with_string(struct ftl_client *client, uint32_t type,
                            const char *text, ftl_client_fn fn, void *arg)
{
    size_t len = strlen(text);
    if (len > FTL_MSG_BODY_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    struct ftl_msg req = {.type = type, .body_len = (uint32_t)len};
    return call_start(client, &req, text, fn, arg, NULL);
}

int ftl_client_open(struct ftl_client *client, const char *path,
                    ftl_client_fn fn, void *arg)
{
    return call_with_string(client, FTL_MSG_OPEN, path, fn, arg);
}

int ftl_client_getattr(struct ftl_client *client, const char *name,
                       ftl_client_fn fn, void *arg)
{
    return call_with_string(client, FTL_MSG_GETATTR, name, fn, arg);
}

int ftl_client_setattr(struct ftl_client *client, const char *name,
                       const char *value, ftl_client_fn fn, void *arg)
{
    size_t name_len = strlen(name), value_len = strlen(value);
    if (name_len + value_len >= FTL_MSG_BODY_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    char *body = malloc(name_len + 1 + value_len + 1);
    if (body == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    memcpy(body, name, name_len);
    body[name_len] = '=';
    memcpy(body + name_len + 1, value, value_len + 1);
    int err = call_with_string(client, FTL_MSG_SETATTR, body, fn, arg);
    free(body);
    return err;
}

FTL_HOT int ftl_client_read(struct ftl_client *client, uint64_t offset,
                            void *buffer, size_t len, ftl_client_fn fn,
                            void *arg)
{
    struct ftl_msg req = {.type = FTL_MSG_READ, .arg0 = offset};
    bool inline_reply = len <= FTL_MSG_BODY_MAX;
    if (inline_reply) {
        req.arg1 = len; // the reply body brings at most this much
    } else {
        req.loan_base = (uint64_t)(uintptr_t)buffer;
        req.loan_len = len;
    }
    struct call *call;
    int err = call_start(client, &req, NULL, fn, arg, &call);
    if (err == 0 && inline_reply) {
        call->read_buffer = buffer;
        call->read_len = len;
    }
    return err;
}

FTL_HOT int ftl_client_write(struct ftl_client *client, uint64_t offset,
                             const void *data, size_t len, ftl_client_fn fn,
                             void *arg)
{
    struct ftl_msg req = {.type = FTL_MSG_WRITE, .arg0 = offset};
    const void *body = NULL;
    if (len <= FTL_MSG_BODY_MAX) {
        req.body_len = (uint32_t)len;
        body = data;
    } else {
        req.loan_base = (uint64_t)(uintptr_t)data;
        req.loan_len = len;
    }
    return call_start(client, &req, body, fn, arg, NULL);
}

// Runs a call's callback with the client kept alive across it. Returns
// false if the callback destroyed the client (which is then freed).
FTL_HOT static bool run_callback(struct ftl_client *client, ftl_client_fn fn,
                                 void *arg, const struct ftl_result *result)
{
    client->running++;
    fn(result, arg);
    client->running--;
    if (client->destroyed) {
        if (client->running == 0) {
            client_free(client);
        }
        return false;
    }
    return true;
}

// The reply's verdict: the server's error, a reply of the wrong type, or
// success.
FTL_HOT static int reply_error(const struct call *call,
                               const struct ftl_msg *reply)
{
    if (reply->type == FTL_MSG_ERROR_REPLY) {
        int error = (int)(int64_t)reply->arg0;
        return error < 0 && error >= FTL_ERROR_MIN ? error : FTL_ERR_IO;
    }
    return reply->type == call->type + 1 ? 0 : FTL_ERR_BAD_FORMAT;
}

// The supervisor's drain request (drain.h) on the first channel, called
// on only: its answer, else FTL_ERR_NOT_SUPPORTED.
static int answer_drain(const struct ftl_client *client,
                        const struct ftl_msg *req, long len)
{
    if (req->type != FTL_MSG_SETATTR || len <= 0) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    reply_body[len < FTL_MSG_BODY_MAX ? len : FTL_MSG_BODY_MAX] = '\0';
    char *equals = strchr(reply_body, '=');
    if (equals == NULL) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    *equals = '\0';
    return drain_is_request(client->channel, reply_body)
               ? drain_start()
               : FTL_ERR_NOT_SUPPORTED;
}

// A request on a channel we only call on: nothing here serves it but the
// drain request, and the caller waits for an answer (the supervisor
// forwarding an OPEN would wait for good), so it gets an error reply.
static void refuse_request(struct ftl_client *client)
{
    struct ftl_msg req;
    long len = ftl_channel_recv(client->channel, &req, reply_body,
                                FTL_MSG_BODY_MAX);
    if (len < 0) {
        ftl_channel_discard(client->channel);
        return;
    }
    if (req.handle != FTL_HANDLE_INVALID) {
        ftl_handle_close(req.handle);
    }
    int err = answer_drain(client, &req, len);
    struct ftl_msg reply = {.type = err < 0 ? FTL_MSG_ERROR_REPLY
                                            : FTL_MSG_SETATTR_REPLY,
                            .id = req.id,
                            .arg0 = (uint64_t)(int64_t)err};
    ftl_channel_send(client->channel, &reply, NULL);
}

FTL_HOT static void receive_reply(struct ftl_client *client,
                                  const struct ftl_event *event)
{
    if (!ftl_msg_is_reply(event->msg.type)) {
        refuse_request(client);
        return;
    }
    struct call *call = call_lookup(client, event->msg.id);
    if (call == NULL) {
        ftl_channel_discard(client->channel); // not a reply to a call of ours
        return;
    }
    bool into_buffer =
        call->read_buffer != NULL && event->msg.type == FTL_MSG_READ_REPLY;
    struct ftl_msg reply;
    long len = into_buffer ? ftl_channel_recv(client->channel, &reply,
                                              call->read_buffer, call->read_len)
                           : ftl_channel_recv(client->channel, &reply,
                                              reply_body, FTL_MSG_BODY_MAX);
    struct ftl_result result = {.body = ""};
    if (len < 0) {
        ftl_channel_discard(client->channel); // too large, or no handle room
        result.error = (int)len;
    } else {
        result.error = reply_error(call, &reply);
        result.value = reply.arg0;
        if (!into_buffer) {
            reply_body[len] = '\0';
            result.body = reply_body;
            result.body_len = (size_t)len;
        }
        result.handle = reply.handle;
        if (result.error < 0 && reply.handle != FTL_HANDLE_INVALID) {
            ftl_handle_close(reply.handle);
            result.handle = FTL_HANDLE_INVALID;
        }
    }
    ftl_client_fn fn = call->fn;
    void *arg = call->arg;
    call_free(client, call); // the callback may start a new call in it
    run_callback(client, fn, arg, &result);
}

// The service is gone: every call in flight fails.
static void fail_all(struct ftl_client *client)
{
    struct ftl_result result = {.error = FTL_ERR_PEER_CLOSED, .body = ""};
    for (unsigned i = 0; i < client->capacity; i++) {
        struct call *call = &client->calls[i];
        if (!call->in_use) {
            continue;
        }
        call_free(client, call);
        if (!run_callback(client, call->fn, call->arg, &result)) {
            return;
        }
    }
}

FTL_HOT void client_receive(struct ftl_client *client,
                            const struct ftl_event *event)
{
    receive_reply(client, event);
}

void client_peer_closed(struct ftl_client *client)
{
    client->peer_closed = true;
    fail_all(client);
}

FTL_HOT static void on_channel_event(struct ftl_loop *loop,
                                     const struct ftl_event *event, void *arg)
{
    struct ftl_client *client = arg;
    if (event->kind == FTL_EVENT_MESSAGE) {
        receive_reply(client, event);
    } else if (event->kind == FTL_EVENT_PEER_CLOSED) {
        ftl_loop_remove(loop, client->channel);
        client_peer_closed(client);
    }
}
