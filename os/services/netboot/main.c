// netboot: a stand-in for the supervisor (issue 6) that boots the network
// path, until the supervisor starts services from the manifest. As the
// first process it may look devices up and spawn; it
//   1. finds the virtio-net device and starts virtio_net, handing it the
//      device (SETATTR device=pci with the device handle);
//   2. opens a frame link on virtio_net (OPEN service/virtio_net) and
//      starts tcpip, handing it the link (SETATTR link=virtio_net);
//   3. starts the app and answers the app's OPEN service/tcpip by
//      forwarding it to tcpip (whose reply is a channel for the app).
// That is the wiring the supervisor will do from specs; see
// docs/concepts/networking.md. Steps 1 and 2 are blocking calls made
// before the loop runs; step 3 is served from the loop.
//
// argv[1]: "APP[,KEY=VALUE...]", e.g. "http_server.elf" or
// "tcp_echo.elf,NET_ADDRESS=10.0.2.15/24,NET_GATEWAY=10.0.2.2": the app to
// start and environment entries for tcpip and the app (a static address,
// the app's PORT).
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/server.h>
#include <ftl/sink.h>
#include <ftl/time.h>

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_NET_TRANSITIONAL 0x1000
#define VIRTIO_NET_MODERN 0x1041
#define CALL_TIMEOUT_NS (10 * FTL_S)
#define ENV_MAX 8

static struct ftl_client *tcpip;

// What was started, for GETATTR status.
#define STARTED_MAX 3
static struct {
    char name[32];
    ftl_handle_t process;
} started[STARTED_MAX];
static unsigned started_count;

// Sends a request (moving `handle` with it) and waits for its reply.
// Returns the reply's handle (OPEN), 0 (other replies) or an error.
static long call(ftl_handle_t channel, uint32_t type, const char *body,
                 ftl_handle_t handle)
{
    struct ftl_msg msg = {.type = type,
                          .id = 1,
                          .body_len = (uint32_t)strlen(body),
                          .handle = handle};
    int err = ftl_channel_send(channel, &msg, body);
    if (err < 0) {
        return err;
    }
    ftl_handle_t sink = ftl_sink_create();
    ftl_sink_add(sink, channel, 0);
    struct ftl_event event;
    err = ftl_sink_wait(sink, &event, CALL_TIMEOUT_NS);
    ftl_handle_close(sink);
    if (err < 0) {
        return err;
    }
    if (event.kind == FTL_EVENT_PEER_CLOSED) {
        return FTL_ERR_PEER_CLOSED;
    }
    struct ftl_msg reply;
    char reply_body[FTL_MSG_BODY_MAX];
    long len = ftl_channel_recv(channel, &reply, reply_body, sizeof(reply_body));
    if (len < 0) {
        return len;
    }
    if (reply.type == FTL_MSG_ERROR_REPLY) {
        return (long)(int64_t)reply.arg0;
    }
    return reply.handle != FTL_HANDLE_INVALID ? reply.handle : 0;
}

// Starts path with a new channel as its first; returns our end.
static ftl_handle_t start(const char *path, const char *const *envp,
                          uint32_t envc)
{
    ftl_handle_t ends[2];
    if (ftl_channel_create(ends) < 0) {
        return FTL_ERR_NO_MEMORY;
    }
    const char *argv[] = {path, NULL};
    struct ftl_spawn request = {.path = path,
                                .isolation = FTL_ISOLATION_USER,
                                .argc = 1,
                                .argv = argv,
                                .envc = envc,
                                .envp = envp,
                                .channel = ends[1]};
    ftl_handle_t process = ftl_process_spawn_request(&request);
    if (process < 0) {
        ftl_handle_close(ends[0]);
        return process;
    }
    if (started_count < STARTED_MAX) {
        snprintf(started[started_count].name, sizeof(started[0].name), "%.*s",
                 (int)strcspn(path, "."), path);
        started[started_count++].process = process;
    }
    return ends[0];
}

static ftl_handle_t find_device(void)
{
    ftl_handle_t device = ftl_pci_find(VIRTIO_VENDOR, VIRTIO_NET_TRANSITIONAL, 0);
    if (device < 0) {
        device = ftl_pci_find(VIRTIO_VENDOR, VIRTIO_NET_MODERN, 0);
    }
    return device;
}

static void on_tcpip_opened(const struct ftl_result *result, void *arg)
{
    struct ftl_request *req = arg;
    if (result->error < 0) {
        ftl_request_fail(req, result->error);
    } else {
        ftl_request_reply_handle(req, result->handle);
    }
}

// The app's requests: OPEN service/tcpip only.
static void on_open(struct ftl_request *req, const char *path)
{
    if (strcmp(path, "service/tcpip") != 0) {
        FTL_LOG_WARN("app asked for %s: not allowed", path);
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    int err = ftl_client_open(tcpip, path, on_tcpip_opened, req);
    if (err < 0) {
        ftl_request_fail(req, err);
    }
}

// GETATTR status: "NAME STATE" lines, as the supervisor will answer.
static void on_getattr(struct ftl_request *req, const char *name)
{
    if (strcmp(name, "status") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    char text[256];
    size_t used = 0;
    for (unsigned i = 0; i < started_count && used < sizeof(text); i++) {
        bool running = ftl_process_wait(started[i].process, 0) ==
                       FTL_ERR_TIMED_OUT;
        int n = snprintf(text + used, sizeof(text) - used, "%s %s\n",
                         started[i].name, running ? "running" : "exited");
        used += n > 0 ? (size_t)n : 0;
    }
    ftl_request_reply(req, 0, text, used < sizeof(text) ? used : 0);
}

static const struct ftl_server_ops app_ops = {.on_open = on_open,
                                              .on_getattr = on_getattr};

static int fail(const char *what, long err)
{
    FTL_LOG_ERROR("%s: %s", what, ftl_error_str((int)err));
    return 1;
}

int main(int argc, char **argv)
{
    char spec[256];
    snprintf(spec, sizeof(spec), "%s", argc > 1 ? argv[1] : "http_server.elf");
    const char *envp[ENV_MAX + 1];
    uint32_t envc = 0;
    char *save;
    const char *app = strtok_r(spec, ",", &save);
    for (char *e = strtok_r(NULL, ",", &save); e && envc < ENV_MAX;
         e = strtok_r(NULL, ",", &save)) {
        envp[envc++] = e;
    }
    envp[envc] = NULL;

    ftl_handle_t device = find_device();
    if (device < 0) {
        return fail("no virtio-net device", device);
    }
    ftl_handle_t driver = start("virtio_net.elf", NULL, 0);
    if (driver < 0) {
        return fail("virtio_net", driver);
    }
    long err = call(driver, FTL_MSG_SETATTR, "device=pci", device);
    if (err < 0) {
        return fail("virtio_net: device", err);
    }
    long frames = call(driver, FTL_MSG_OPEN, "service/virtio_net",
                       FTL_HANDLE_INVALID);
    if (frames < 0) {
        return fail("virtio_net: open", frames);
    }
    ftl_handle_t stack = start("tcpip.elf", envp, envc);
    if (stack < 0) {
        return fail("tcpip", stack);
    }
    err = call(stack, FTL_MSG_SETATTR, "link=virtio_net", (ftl_handle_t)frames);
    if (err < 0) {
        return fail("tcpip: link", err);
    }

    struct ftl_loop *loop = ftl_loop_create();
    tcpip = ftl_client_create(loop, stack);
    struct ftl_server *server = ftl_server_create(loop, &app_ops, NULL);
    ftl_handle_t channel = start(app, envp, envc);
    if (channel < 0) {
        return fail(app, channel);
    }
    ftl_server_serve(server, channel, NULL);
    FTL_LOG_INFO("virtio_net, tcpip and %s started", app);
    // The driver's channel stays open (closing it would not stop the
    // driver, but the supervisor will keep it to ask for status).
    return ftl_loop_run(loop);
}
