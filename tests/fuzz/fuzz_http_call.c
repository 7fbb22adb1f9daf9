// Fuzz target: the life of an HTTP client call (sdk/lib/http_client.c)
// under any order of events, through a fake transport that checks the
// transport's contract, on the real event loop with the fake IPC layer's
// clock. The input is a script: the first byte picks the method and
// whether the connect fails before it returns; then each byte is an
// event (the connect completes or fails, the server sends the next bytes
// of the input, ends its stream or breaks it, time passes, the caller
// cancels, writes start failing). Whatever the script, the callback runs
// at most once, never after a cancel and only after the transport is
// closed; a call that was not cancelled has called back by the end (its
// deadline at the latest); the transport is used only between its
// connect and its close; and everything is freed (LeakSanitizer).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/loop.h>

#include "fake_ipc.h"
#include "http_client_internal.h"

static struct {
    struct ftl_http_call *call;
    bool connecting, connected, reading, closed;
    bool fail_at_once; // the connect fails before it returns
    int write_error;
} tp;

static int callbacks;
static bool cancelled;

static void check(bool ok)
{
    if (!ok) {
        abort();
    }
}

static int fake_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                        bool tls, struct ftl_http_call *call, void **t)
{
    (void)loop, (void)host, (void)port, (void)tls;
    tp.call = call;
    tp.connecting = !tp.fail_at_once;
    *t = &tp;
    if (tp.fail_at_once) {
        http_call_connected(call, FTL_ERR_NOT_FOUND);
        check(callbacks == 0); // passed on from the loop
    }
    return 0;
}

static int fake_read(void *t)
{
    check(t == &tp && tp.connected && !tp.closed && !tp.reading);
    tp.reading = true;
    return 0;
}

static int fake_write(void *t, const void *data, size_t len)
{
    check(t == &tp && tp.connected && !tp.closed && len > 0 && data);
    return tp.write_error;
}

static void fake_close(void *t)
{
    check(t == &tp && !tp.closed);
    tp.closed = true;
    tp.reading = false;
}

static const struct http_client_transport transport = {
    .connect = fake_connect,
    .read = fake_read,
    .write = fake_write,
    .close = fake_close,
};

// ftl_http_request's, which this target does not call (no ftl/tcp.h).
const struct http_client_transport http_client_conn_transport = {
    .connect = fake_connect,
    .read = fake_read,
    .write = fake_write,
    .close = fake_close,
};

static void on_reply(const struct ftl_http_reply *reply, int error, void *arg)
{
    (void)arg;
    check(tp.closed && !cancelled && ++callbacks == 1);
    check(error == 0 ? reply != NULL : (reply == NULL && error < 0));
    if (reply) {
        size_t len;
        const char *body = ftl_http_reply_body(reply, &len);
        check(body[len] == '\0' && ftl_http_reply_status(reply) >= 200);
    }
}

static void stop_loop(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                      void *arg)
{
    (void)timer, (void)arg;
    ftl_loop_stop(loop, 0);
}

// Runs what is due after ns more nanoseconds.
static void pass_time(struct ftl_loop *loop, uint64_t ns)
{
    struct ftl_loop_timer stop = {0};
    ftl_loop_timer_start(loop, &stop, ns + 1, 0, stop_loop, NULL);
    ftl_loop_run(loop);
    ftl_loop_timer_cancel(loop, &stop);
}

static void connect_done(int error)
{
    if (tp.connecting && !tp.closed) {
        tp.connecting = false;
        tp.connected = error == 0;
        http_call_connected(tp.call, error);
    }
}

static void deliver(const void *data, long len)
{
    if (tp.reading && !tp.closed) {
        tp.reading = false;
        http_call_input(tp.call, data, len);
    }
}

// One event of the script at data[*i]; moves *i past it and its bytes.
static void event(struct ftl_loop *loop, const uint8_t *data, size_t size,
                  size_t *i)
{
    uint8_t op = data[(*i)++];
    switch (op % 8) {
    case 0:
        connect_done(0);
        break;
    case 1:
        connect_done(FTL_ERR_IO);
        break;
    case 2: { // the server sends the next (op / 8) + 1 bytes
        size_t n = (size_t)(op / 8) + 1;
        n = n < size - *i ? n : size - *i;
        if (n > 0) {
            char *piece = malloc(n); // exactly n: ASan sees reads past it
            memcpy(piece, data + *i, n);
            deliver(piece, (long)n);
            free(piece);
            *i += n;
        }
        break;
    }
    case 3:
        deliver(NULL, 0);
        break;
    case 4:
        deliver(NULL, FTL_ERR_IO);
        break;
    case 5:
        pass_time(loop, (uint64_t)(op / 8) * FTL_S);
        break;
    case 6:
        if (!cancelled && callbacks == 0) {
            cancelled = true;
            ftl_http_cancel(tp.call);
        }
        break;
    default:
        tp.write_error = tp.write_error ? 0 : FTL_ERR_PEER_CLOSED;
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    fake_ipc_reset();
    memset(&tp, 0, sizeof(tp));
    callbacks = 0;
    cancelled = false;
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/",
                                          .method =
                                              data[0] & 1 ? "HEAD" : "GET",
                                          .timeout_ns = 10 * FTL_S,
                                          .head_max = 512,
                                          .body_max = 1024};
    struct ftl_http_call *call = NULL;
    tp.fail_at_once = data[0] & 2;
    check(http_call_start(loop, &req, &transport, on_reply, NULL, &call) == 0 &&
          call == tp.call && callbacks == 0);
    for (size_t i = 1; i < size;) {
        event(loop, data, size, &i);
    }
    ftl_loop_run(loop); // the deadline, if nothing else ended the call
    check(callbacks == (cancelled ? 0 : 1) && tp.closed);
    ftl_loop_destroy(loop);
    return 0;
}
