// ping: sends "ping N" to pong every 10 ms and prints how long each answer
// took, then exits (0 if every answer came back intact, 1 otherwise).
//
//   ftl.init=ping.elf ftl.init_arg=5     five pings (default: PINGS or 3)
//
// It asks for a channel to pong with OPEN service/pong on its first
// channel: the supervisor answers (ping's spec requires pong), or pong
// itself if the first channel leads straight to it. Started without a first
// channel (ftl.init=ping.elf) it starts a pong of its own, in its own
// isolation mode.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/loop.h>
#include <ftl/process.h>
#include <ftl/time.h>

#define PING_INTERVAL_NS (10 * FTL_MS)

struct ping {
    struct ftl_loop *loop;
    struct ftl_client *link; // the first channel: where pong is asked for
    struct ftl_client *pong;
    struct ftl_loop_timer timer;
    int sent, count;
    uint64_t sent_at_ns;
    char message[32];
};

static void send_ping(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                      void *arg);

static void on_pong(const struct ftl_result *result, void *arg)
{
    struct ping *ping = arg;
    uint64_t us = (ftl_clock_ns() - ping->sent_at_ns) / FTL_US;
    if (result->error < 0) {
        FTL_LOG_ERROR("ping %d: %s", ping->sent, ftl_error_str(result->error));
        ftl_loop_stop(ping->loop, 1);
        return;
    }
    if (strcmp(result->body, ping->message) != 0) {
        FTL_LOG_ERROR("ping %d came back as \"%s\"", ping->sent, result->body);
        ftl_loop_stop(ping->loop, 1);
        return;
    }
    printf("pong %d: %zu bytes back in %lu us\n", ping->sent, result->body_len,
           (unsigned long)us);
    if (ping->sent == ping->count) {
        ftl_loop_stop(ping->loop, 0);
        return;
    }
    ftl_loop_timer_start(ping->loop, &ping->timer, PING_INTERVAL_NS, 0,
                         send_ping, ping);
}

static void send_ping(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                      void *arg)
{
    (void)timer;
    struct ping *ping = arg;
    ping->sent++;
    int len =
        snprintf(ping->message, sizeof(ping->message), "ping %d", ping->sent);
    ping->sent_at_ns = ftl_clock_ns();
    int err = ftl_client_write(ping->pong, 0, ping->message, (size_t)len,
                               on_pong, ping);
    if (err < 0) {
        FTL_LOG_ERROR("ping %d: %s", ping->sent, ftl_error_str(err));
        ftl_loop_stop(loop, 1);
    }
}

// A channel to a pong of our own (see the top of the file).
static ftl_handle_t start_pong(void)
{
    ftl_handle_t ends[2];
    if (ftl_channel_create(ends) < 0) {
        return FTL_HANDLE_INVALID;
    }
    const char *argv[] = {"pong.elf", NULL};
    struct ftl_spawn request = {.path = "pong.elf",
                                .isolation = ftl_start_info->isolation,
                                .argc = 1,
                                .argv = argv,
                                .channel = ends[1]};
    ftl_handle_t pong = ftl_process_spawn_request(&request);
    if (pong < 0) {
        FTL_LOG_ERROR("cannot start pong: %s", ftl_error_str(pong));
        ftl_handle_close(ends[0]);
        ftl_handle_close(ends[1]);
        return FTL_HANDLE_INVALID;
    }
    ftl_handle_close(pong); // it exits when our end closes
    return ends[0];
}

static void on_pong_opened(const struct ftl_result *result, void *arg)
{
    struct ping *ping = arg;
    if (result->error < 0) {
        FTL_LOG_ERROR("open service/pong: %s", ftl_error_str(result->error));
        ftl_loop_stop(ping->loop, 1);
        return;
    }
    ping->pong = ftl_client_create(ping->loop, result->handle);
    if (ping->pong == NULL) {
        ftl_loop_stop(ping->loop, 1);
        return;
    }
    send_ping(ping->loop, &ping->timer, ping);
}

static int ping_count(int argc, char **argv)
{
    const char *count = argc > 1 ? argv[1] : getenv("PINGS");
    return count != NULL && atoi(count) > 0 ? atoi(count) : 3;
}

int main(int argc, char **argv)
{
    static struct ping ping;
    ping.count = ping_count(argc, argv);
    ftl_handle_t channel = ftl_start_info->channel;
    if (channel == FTL_HANDLE_INVALID) {
        channel = start_pong();
    }
    ping.loop = ftl_loop_create();
    if (channel == FTL_HANDLE_INVALID || ping.loop == NULL) {
        return 1;
    }
    ping.link = ftl_client_create(ping.loop, channel);
    if (ping.link == NULL ||
        ftl_client_open(ping.link, FTL_SERVICE_PREFIX "pong", on_pong_opened,
                        &ping) < 0) {
        return 1;
    }
    int status = ftl_loop_run(ping.loop);
    printf("%d of %d pings answered\n",
           status == 0 ? ping.count : ping.sent - 1, ping.count);
    return status == 0 ? 0 : 1;
}
