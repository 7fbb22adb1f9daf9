// Frame links (see ftl/link.h): frames are WRITE requests, acknowledged by
// WRITE_REPLY, with a credit window per direction; a GETATTR may travel
// beside them. The link watches its channel through the loop, except while
// the owner has paused it (on_frame said FTL_ERR_WOULD_BLOCK): then the
// waiting frame stays first in the channel until ftl_link_resume.
//
// Callbacks may destroy the link; it is freed once none of its callbacks
// is on the stack any more (`running`).
#include <ftl/link.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/error.h>
#include <ftl/process.h>

#define GETATTR_ID (1ULL << 63) // frames use ids below it
#define NAME_MAX 64

_Static_assert(2 * FTL_LINK_WINDOW + 2 <= FTL_CHANNEL_QUEUE_MAX,
               "frames and acknowledgements fit in a queue");

struct ftl_link {
    struct ftl_loop *loop;
    ftl_handle_t channel;
    const struct ftl_link_ops *ops;
    void *arg;
    unsigned credits;
    bool watched;    // in the loop (not paused, not closed)
    bool wants_room; // a send found no credit: on_ready is owed
    bool getattr_pending;
    bool closed;
    bool destroyed;
    bool holding; // a frame on_frame refused waits in held/body
    struct ftl_msg held;
    size_t held_len;
    unsigned running;
    uint64_t next_id;
    struct ftl_link_stats stats;
    char body[FTL_MSG_BODY_MAX + 1];
};

static void on_event(struct ftl_loop *loop, const struct ftl_event *event,
                     void *arg);

struct ftl_link *ftl_link_create(struct ftl_loop *loop, ftl_handle_t channel,
                                 const struct ftl_link_ops *ops, void *arg)
{
    struct ftl_link *link = calloc(1, sizeof(*link));
    if (link == NULL) {
        return NULL;
    }
    *link = (struct ftl_link){.loop = loop,
                              .channel = channel,
                              .ops = ops,
                              .arg = arg,
                              .credits = FTL_LINK_WINDOW,
                              .watched = true};
    if (ftl_loop_add(loop, channel, on_event, link) < 0) {
        free(link);
        return NULL;
    }
    return link;
}

void ftl_link_destroy(struct ftl_link *link)
{
    if (link->watched) {
        ftl_loop_remove(link->loop, link->channel);
        link->watched = false;
    }
    ftl_handle_close(link->channel);
    if (link->running > 0) {
        link->destroyed = true;
        return;
    }
    free(link);
}

int ftl_link_can_send(const struct ftl_link *link)
{
    return !link->closed && link->credits > 0;
}

int ftl_link_send(struct ftl_link *link, const void *frame, size_t len)
{
    if (len > FTL_LINK_FRAME_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    if (link->closed) {
        return FTL_ERR_PEER_CLOSED;
    }
    if (link->credits == 0) {
        link->wants_room = true;
        link->stats.no_credit++;
        return FTL_ERR_WOULD_BLOCK;
    }
    struct ftl_msg msg = {.type = FTL_MSG_WRITE,
                          .id = link->next_id++ & (GETATTR_ID - 1),
                          .body_len = (uint32_t)len};
    int err = ftl_channel_send(link->channel, &msg, frame);
    if (err == 0) {
        link->credits--;
        link->stats.frames_out++;
    }
    return err;
}

int ftl_link_getattr(struct ftl_link *link, const char *name)
{
    size_t len = strlen(name);
    if (link->getattr_pending) {
        return FTL_ERR_BUSY;
    }
    if (len > NAME_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    struct ftl_msg msg = {
        .type = FTL_MSG_GETATTR, .id = GETATTR_ID, .body_len = (uint32_t)len};
    int err = ftl_channel_send(link->channel, &msg, name);
    if (err == 0) {
        link->getattr_pending = true;
    }
    return err;
}

static bool deliver(struct ftl_link *link);

void ftl_link_resume(struct ftl_link *link)
{
    if (link->watched || link->closed || link->destroyed) {
        return;
    }
    if (link->holding && !deliver(link)) {
        if (link->destroyed && link->running == 0) {
            free(link); // destroyed by on_frame
        }
        return; // refused again, or gone
    }
    // Level-triggered: frames that waited meanwhile are reported at once.
    if (ftl_loop_add(link->loop, link->channel, on_event, link) == 0) {
        link->watched = true;
    }
}

const struct ftl_link_stats *ftl_link_stats(const struct ftl_link *link)
{
    return &link->stats;
}

static void reply(struct ftl_link *link, const struct ftl_msg *req,
                  uint32_t type, int64_t arg0, const void *body, size_t len)
{
    struct ftl_msg msg = {.type = type,
                          .id = req->id,
                          .arg0 = (uint64_t)arg0,
                          .body_len = (uint32_t)len};
    // Cannot be full: the other side keeps at most FTL_LINK_WINDOW frames
    // and one GETATTR unanswered.
    ftl_channel_send(link->channel, &msg, body);
}

// Hands the frame in held/body to on_frame. Taken: acknowledged, true.
// Refused: the link stops watching its channel and keeps the frame for
// ftl_link_resume, false.
static bool deliver(struct ftl_link *link)
{
    link->running++;
    int err = link->ops->on_frame(link, link->body, link->held_len, link->arg);
    link->running--;
    if (link->destroyed) {
        return false;
    }
    if (err == FTL_ERR_WOULD_BLOCK) {
        if (link->watched) {
            ftl_loop_remove(link->loop, link->channel);
            link->watched = false;
        }
        link->holding = true;
        return false;
    }
    link->holding = false;
    link->stats.frames_in++;
    reply(link, &link->held, FTL_MSG_WRITE_REPLY, (int64_t)link->held_len, NULL,
          0);
    return true;
}

static void answer_getattr(struct ftl_link *link, const struct ftl_msg *msg,
                           size_t len)
{
    char value[FTL_MSG_BODY_MAX];
    link->body[len] = '\0';
    long n = FTL_ERR_NOT_SUPPORTED;
    if (link->ops->on_getattr != NULL) {
        link->running++;
        n = link->ops->on_getattr(link, link->body, value, sizeof(value),
                                  link->arg);
        link->running--;
    }
    if (link->destroyed) {
        return;
    }
    if (n < 0) {
        reply(link, msg, FTL_MSG_ERROR_REPLY, n, NULL, 0);
    } else {
        reply(link, msg, FTL_MSG_GETATTR_REPLY, 0, value, (size_t)n);
    }
}

static void take_reply(struct ftl_link *link, const struct ftl_msg *msg,
                       size_t len)
{
    if (msg->id != GETATTR_ID) {
        // A frame of ours was taken (or refused): a credit comes back.
        if (link->credits < FTL_LINK_WINDOW) {
            link->credits++;
        }
        if (link->wants_room && link->ops->on_ready != NULL) {
            link->wants_room = false;
            link->running++;
            link->ops->on_ready(link, link->arg);
            link->running--;
        }
        return;
    }
    if (!link->getattr_pending) {
        return;
    }
    link->getattr_pending = false;
    link->body[len] = '\0';
    int error = msg->type == FTL_MSG_ERROR_REPLY ? (int)msg->arg0 : 0;
    if (msg->type == FTL_MSG_ERROR_REPLY && error >= 0) {
        error = FTL_ERR_IO;
    }
    if (link->ops->on_getattr_reply != NULL) {
        link->running++;
        link->ops->on_getattr_reply(link, error, error < 0 ? "" : link->body,
                                    link->arg);
        link->running--;
    }
}

static void take_message(struct ftl_link *link)
{
    long len = ftl_channel_recv(link->channel, &link->held, link->body,
                                sizeof(link->body) - 1);
    if (len < 0) {
        ftl_channel_discard(link->channel); // no message of this protocol
        return;
    }
    if (link->held.handle != FTL_HANDLE_INVALID) {
        ftl_handle_close(link->held.handle); // none is expected
    }
    switch (link->held.type) {
    case FTL_MSG_WRITE:
        link->held_len = (size_t)len;
        deliver(link);
        break;
    case FTL_MSG_GETATTR:
        answer_getattr(link, &link->held, (size_t)len);
        break;
    case FTL_MSG_WRITE_REPLY:
    case FTL_MSG_GETATTR_REPLY:
    case FTL_MSG_ERROR_REPLY:
        take_reply(link, &link->held, (size_t)len);
        break;
    default:
        if (!ftl_msg_is_reply(link->held.type)) {
            reply(link, &link->held, FTL_MSG_ERROR_REPLY, FTL_ERR_NOT_SUPPORTED,
                  NULL, 0);
        }
    }
}

static void on_event(struct ftl_loop *loop, const struct ftl_event *event,
                     void *arg)
{
    (void)loop;
    struct ftl_link *link = arg;
    if (event->kind == FTL_EVENT_MESSAGE) {
        take_message(link);
    } else if (event->kind == FTL_EVENT_PEER_CLOSED) {
        ftl_loop_remove(link->loop, link->channel);
        link->watched = false;
        link->closed = true;
        link->running++;
        if (link->ops->on_close != NULL) {
            link->ops->on_close(link, link->arg);
        }
        link->running--;
    }
    if (link->destroyed && link->running == 0) {
        free(link);
    }
}
