// The server helper (see ftl/server.h): receives requests on served
// channels, turns each into a struct ftl_request for its handler, and sends
// the one reply the handler completes it with.
//
// A served channel is reference counted: the loop's watch holds one
// reference and each pending request another, so a request completed after
// its caller went away still finds its channel (its reply just fails), and
// on_close runs only when nothing refers to the channel any more. The
// server lists its open channels so that ftl_server_destroy can end them.
#include <ftl/server.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/process.h>

#include "client_shared.h"
#include "drain_internal.h"
#include "hot.h"

struct ftl_server {
    struct ftl_loop *loop;
    const struct ftl_server_ops *ops;
    void *data;
    struct served_channel *channels; // every one still open
    unsigned pending;                // requests not completed yet
    struct ftl_request *spare;       // the last one completed, for reuse
    char body[FTL_MSG_BODY_MAX + 1]; // the request being received, + NUL
};

struct served_channel {
    struct served_channel *next, *prev;
    struct ftl_server *server;
    ftl_handle_t handle;
    void *context;
    uint32_t refs;
    struct ftl_client *client; // calls the other way (ftl_server_client)
};

struct ftl_request {
    struct served_channel *channel;
    struct ftl_msg msg;
};

struct ftl_server *ftl_server_create(struct ftl_loop *loop,
                                     const struct ftl_server_ops *ops,
                                     void *data)
{
    struct ftl_server *server = calloc(1, sizeof(*server));
    if (server != NULL) {
        server->loop = loop;
        server->ops = ops;
        server->data = data;
    }
    return server;
}

void *ftl_server_data(const struct ftl_server *server)
{
    return server->data;
}

static void channel_put(struct served_channel *channel)
{
    if (--channel->refs > 0) {
        return;
    }
    struct ftl_server *server = channel->server;
    ftl_handle_close(channel->handle);
    if (channel->prev != NULL) {
        channel->prev->next = channel->next;
    } else {
        server->channels = channel->next;
    }
    if (channel->next != NULL) {
        channel->next->prev = channel->prev;
    }
    void *context = channel->context;
    if (channel->client != NULL) {
        client_release(channel->client);
    }
    free(channel);
    if (server->ops->on_close != NULL) {
        server->ops->on_close(server, context);
    }
}

int ftl_server_destroy(struct ftl_server *server)
{
    if (server->pending > 0) {
        return FTL_ERR_BUSY;
    }
    while (server->channels != NULL) {
        struct served_channel *channel = server->channels;
        ftl_loop_remove(server->loop, channel->handle);
        channel_put(channel); // the watch's reference, the only one left
    }
    free(server->spare);
    free(server);
    return 0;
}

// Sends the reply of req (whose id it repeats) and ends req: kept as the
// server's spare for the next request, or freed.
FTL_HOT static int request_complete(struct ftl_request *req,
                                    struct ftl_msg *reply, const void *body)
{
    reply->id = req->msg.id;
    if (req->msg.handle != FTL_HANDLE_INVALID) {
        ftl_handle_close(req->msg.handle); // came with it, never taken
    }
    int err = ftl_channel_send(req->channel->handle, reply, body);
    struct ftl_server *server = req->channel->server;
    server->pending--;
    channel_put(req->channel);
    // Kept for the next request: a malloc and a free per call were a tenth
    // of the loop's cost over raw IPC under TCG (code and heap pages
    // touched again after every address-space switch).
    if (server->spare == NULL) {
        server->spare = req;
    } else {
        free(req);
    }
    return err;
}

int ftl_request_fail(struct ftl_request *req, int error)
{
    struct ftl_msg reply = {.type = FTL_MSG_ERROR_REPLY,
                            .arg0 = (uint64_t)(int64_t)error};
    return request_complete(req, &reply, NULL);
}

FTL_HOT int ftl_request_reply(struct ftl_request *req, uint64_t value,
                              const void *body, size_t len)
{
    if (len > FTL_MSG_BODY_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return FTL_ERR_TOO_LARGE;
    }
    struct ftl_msg reply = {
        .type = req->msg.type + 1, .arg0 = value, .body_len = (uint32_t)len};
    return request_complete(req, &reply, body);
}

// What a READ may return: the loan, or what the caller asked for inline.
static size_t read_limit(const struct ftl_msg *msg)
{
    if (msg->loan_len > 0) {
        return msg->loan_len;
    }
    return msg->arg1 < FTL_MSG_BODY_MAX ? msg->arg1 : FTL_MSG_BODY_MAX;
}

FTL_HOT int ftl_request_reply_data(struct ftl_request *req, const void *data,
                                   size_t len)
{
    if (len > read_limit(&req->msg)) {
        len = read_limit(&req->msg);
    }
    if (req->msg.loan_len == 0) {
        return ftl_request_reply(req, len, data, len);
    }
    long copied =
        ftl_copy_to_caller(req->channel->handle, req->msg.id, 0, data, len);
    if (copied < 0) {
        return ftl_request_fail(req, (int)copied);
    }
    return ftl_request_reply(req, len, NULL, 0);
}

int ftl_request_reply_handle(struct ftl_request *req, ftl_handle_t handle)
{
    struct ftl_msg reply = {.type = FTL_MSG_OPEN_REPLY, .handle = handle};
    int err = request_complete(req, &reply, NULL);
    if (err < 0) {
        ftl_handle_close(handle); // a failed send leaves it with us
    }
    return err;
}

int ftl_request_reply_channel(struct ftl_request *req, void *context)
{
    ftl_handle_t ends[2];
    int err = ftl_channel_create(ends);
    if (err == 0) {
        err = ftl_server_serve(req->channel->server, ends[0], context);
        if (err < 0) {
            ftl_handle_close(ends[0]);
            ftl_handle_close(ends[1]);
        }
    }
    if (err < 0) {
        return ftl_request_fail(req, err);
    }
    // If the reply fails, closing ends[1] tells the served end: it goes.
    return ftl_request_reply_handle(req, ends[1]);
}

struct ftl_server *ftl_request_server(const struct ftl_request *req)
{
    return req->channel->server;
}

void *ftl_request_context(const struct ftl_request *req)
{
    return req->channel->context;
}

const struct ftl_msg *ftl_request_msg(const struct ftl_request *req)
{
    return &req->msg;
}

ftl_handle_t ftl_request_take_handle(struct ftl_request *req)
{
    ftl_handle_t handle = req->msg.handle;
    req->msg.handle = FTL_HANDLE_INVALID;
    return handle;
}

// WRITE: the data comes inline (body) or is pulled from the caller's loan
// into memory of ours before the handler sees it.
FTL_HOT static void dispatch_write(struct ftl_request *req, const char *body,
                                   size_t len)
{
    const struct ftl_server_ops *ops = req->channel->server->ops;
    if (req->msg.loan_len == 0) {
        ops->on_write(req, req->msg.arg0, body, len);
        return;
    }
    if (req->msg.loan_len > FTL_SERVER_WRITE_MAX) {
        ftl_request_fail(req, FTL_ERR_TOO_LARGE);
        return;
    }
    size_t size = req->msg.loan_len;
    void *data = malloc(size);
    if (data == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    long copied =
        ftl_copy_from_caller(req->channel->handle, req->msg.id, 0, data, size);
    if (copied < 0) {
        ftl_request_fail(req, (int)copied);
    } else {
        ops->on_write(req, req->msg.arg0, data, size);
    }
    free(data);
}

static void dispatch_setattr(struct ftl_request *req, char *body)
{
    char *equals = strchr(body, '=');
    if (equals == NULL) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    *equals = '\0';
    if (drain_is_request(req->channel->handle, body)) {
        int err = drain_start();
        if (err < 0) {
            ftl_request_fail(req, err);
        } else {
            ftl_request_reply(req, 0, NULL, 0);
        }
        return;
    }
    if (req->channel->server->ops->on_setattr == NULL) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    req->channel->server->ops->on_setattr(req, body, equals + 1);
}

static const char *opener;

const char *ftl_service_opener(void)
{
    return opener;
}

// OPEN service/NAME[?from=CLIENT]: the suffix is cut off NAME, and
// believed only on the first channel, where the supervisor is the peer.
static void service_open(struct ftl_request *req, char *name)
{
    char *from = strstr(name, FTL_SERVICE_OPENER);
    if (from != NULL) {
        *from = '\0';
        from += strlen(FTL_SERVICE_OPENER);
    }
    bool from_supervisor = ftl_start_info != NULL &&
                           req->channel->handle == ftl_start_info->channel;
    opener = from_supervisor ? from : NULL;
    req->channel->server->ops->on_service_open(req, name);
    opener = NULL;
}

// Hands req to the handler of its type; body holds len bytes and a NUL.
FTL_HOT static void dispatch(struct ftl_request *req, char *body, size_t len)
{
    const struct ftl_server_ops *ops = req->channel->server->ops;
    switch (req->msg.type) {
    case FTL_MSG_OPEN:
        if (strncmp(body, FTL_SERVICE_PREFIX, strlen(FTL_SERVICE_PREFIX)) ==
            0) {
            if (ops->on_service_open != NULL) {
                service_open(req, body + strlen(FTL_SERVICE_PREFIX));
            } else {
                // The supervisor connecting a client: a channel of its
                // own, served like the one the request came on.
                ftl_request_reply_channel(req, req->channel->context);
            }
            return;
        }
        if (ops->on_open != NULL) {
            ops->on_open(req, body);
            return;
        }
        break;
    case FTL_MSG_READ:
        if (ops->on_read != NULL) {
            ops->on_read(req, req->msg.arg0, read_limit(&req->msg));
            return;
        }
        break;
    case FTL_MSG_WRITE:
        if (ops->on_write != NULL) {
            dispatch_write(req, body, len);
            return;
        }
        break;
    case FTL_MSG_GETATTR:
        if (ops->on_getattr != NULL) {
            ops->on_getattr(req, body);
            return;
        }
        break;
    case FTL_MSG_SETATTR:
        // Also without on_setattr: the drain request is libftl's.
        dispatch_setattr(req, body);
        return;
    }
    ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
}

FTL_HOT static void receive(struct served_channel *channel,
                            const struct ftl_event *event)
{
    struct ftl_server *server = channel->server;
    if (ftl_msg_is_reply(event->msg.type)) {
        if (channel->client != NULL) {
            client_receive(channel->client, event);
        } else {
            ftl_channel_discard(channel->handle); // answers nothing of ours
        }
        return;
    }
    struct ftl_msg msg;
    long len =
        ftl_channel_recv(channel->handle, &msg, server->body, FTL_MSG_BODY_MAX);
    if (len < 0) {
        // FTL_ERR_LIMIT: its handle does not fit in our table. Drop it
        // rather than see it again at once.
        ftl_channel_discard(channel->handle);
        return;
    }
    if (ftl_msg_is_reply(msg.type)) {
        if (msg.handle != FTL_HANDLE_INVALID) {
            ftl_handle_close(msg.handle);
        }
        return; // not a request: nothing to answer
    }
    struct ftl_request *req = server->spare;
    if (req != NULL) {
        server->spare = NULL;
    } else {
        req = malloc(sizeof(*req));
    }
    if (req == NULL) {
        struct ftl_msg reply = {.type = FTL_MSG_ERROR_REPLY,
                                .id = msg.id,
                                .arg0 = (uint64_t)(int64_t)FTL_ERR_NO_MEMORY};
        ftl_channel_send(channel->handle, &reply, NULL);
        if (msg.handle != FTL_HANDLE_INVALID) {
            ftl_handle_close(msg.handle);
        }
        return;
    }
    req->channel = channel;
    req->msg = msg;
    channel->refs++;
    server->pending++;
    server->body[len] = '\0';
    dispatch(req, server->body, (size_t)len);
}

FTL_HOT static void on_channel_event(struct ftl_loop *loop,
                                     const struct ftl_event *event, void *arg)
{
    struct served_channel *channel = arg;
    if (event->kind == FTL_EVENT_MESSAGE) {
        receive(channel, event);
    } else if (event->kind == FTL_EVENT_PEER_CLOSED) {
        ftl_loop_remove(loop, channel->handle);
        if (channel->client != NULL) {
            channel->refs++; // its callbacks may complete requests
            client_peer_closed(channel->client);
            channel_put(channel);
        }
        const struct ftl_server_ops *ops = channel->server->ops;
        if (channel->refs > 1 && ops->on_hangup != NULL) {
            channel->refs++; // the channel outlives the handler
            ops->on_hangup(channel->server, channel->context);
            channel_put(channel);
        }
        channel_put(channel); // the watch's reference
    }
}

int ftl_server_serve(struct ftl_server *server, ftl_handle_t handle,
                     void *context)
{
    struct served_channel *channel = malloc(sizeof(*channel));
    if (channel == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *channel = (struct served_channel){
        .server = server, .handle = handle, .context = context, .refs = 1};
    int err = ftl_loop_add(server->loop, handle, on_channel_event, channel);
    if (err < 0) {
        free(channel);
        return err;
    }
    channel->next = server->channels;
    if (channel->next != NULL) {
        channel->next->prev = channel;
    }
    server->channels = channel;
    return 0;
}

struct ftl_client *ftl_server_client(struct ftl_server *server,
                                     ftl_handle_t handle)
{
    struct served_channel *channel = server->channels;
    while (channel != NULL && channel->handle != handle) {
        channel = channel->next;
    }
    if (channel == NULL) {
        return NULL;
    }
    if (channel->client == NULL) {
        channel->client = client_create_shared(server->loop, handle);
    }
    return channel->client;
}
