// http_fetch: calls the system's own http_server over the loopback
// interface with the HTTP client of libftl (ftl/http_client.h), for
// tests/qemu/http_client_test.py. One line per request, in order:
//   "http_fetch: GET URL -> STATUS type=TYPE bytes=N length=LENGTH"
//   "http_fetch: GET URL -> error: WHY"
// then a burst of concurrent requests, SEQUENTIAL requests one after the
// other ("http_fetch: 100 sequential -> N ok in N us"), and a last line
// that counts the callbacks: "http_fetch: done: N requests, N callbacks,
// N twice".
//
// The server may not be listening yet when this starts: /status is asked
// for until it answers (up to WAIT_TRIES times) before the list begins.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/http_client.h>
#include <ftl/loop.h>
#include <ftl/time.h>

#define WAIT_TRIES 100
#define WAIT_NS (200 * FTL_MS)
#define BURST 16
#define SEQUENTIAL 100

struct step {
    const char *method;
    const char *url;
    uint64_t timeout_ns;
};

// Port 81 is closed; 10.0.2.99 is on the guest's network but nobody
// answers there, so the call's deadline ends the connect.
static const struct step steps[] = {
    {"GET", "http://127.0.0.1/status", 0},
    {"GET", "http://127.0.0.1/style.css", 0},
    {"GET", "http://127.0.0.1/no/such/page", 0},
    {"HEAD", "http://127.0.0.1/", 0},
    {"GET", "http://127.0.0.1:81/", 0},
    {"GET", "https://127.0.0.1/", 0},
    {"GET", "http://10.0.2.99/", 2 * FTL_S},
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static struct ftl_loop *loop;
static struct ftl_loop_timer wait_timer;
static int waits;
static int callbacks[NSTEPS + BURST + SEQUENTIAL];
static int requests, burst_ok, burst_left, sequential_ok;
static uint64_t sequential_start_ns;

static void step_start(size_t i);

static void print_outcome(const struct step *s,
                          const struct ftl_http_reply *reply, int error)
{
    if (error < 0) {
        printf("http_fetch: %s %s -> error: %s\n", s->method, s->url,
               ftl_error_str(error));
        return;
    }
    size_t len;
    ftl_http_reply_body(reply, &len);
    const char *type = ftl_http_reply_header(reply, "Content-Type");
    const char *length = ftl_http_reply_header(reply, "Content-Length");
    printf("http_fetch: %s %s -> %d type=%s bytes=%zu length=%s\n", s->method,
           s->url, ftl_http_reply_status(reply), type ? type : "-", len,
           length ? length : "-");
}

static void finish(void)
{
    int total = 0, twice = 0;
    for (int i = 0; i < requests; i++) {
        total += callbacks[i];
        twice += callbacks[i] > 1;
    }
    printf("http_fetch: done: %d requests, %d callbacks, %d twice\n", requests,
           total, twice);
    ftl_loop_stop(loop, 0);
}

static void sequential_next(size_t i);

static void on_sequential(const struct ftl_http_reply *reply, int error,
                          void *arg)
{
    size_t i = (size_t)arg;
    callbacks[NSTEPS + BURST + i]++;
    sequential_ok += error == 0 && ftl_http_reply_status(reply) == 200;
    if (i + 1 < SEQUENTIAL) {
        sequential_next(i + 1);
        return;
    }
    uint64_t us = (ftl_clock_ns() - sequential_start_ns) / 1000;
    printf("http_fetch: %d sequential -> %d ok in %llu us\n", SEQUENTIAL,
           sequential_ok, (unsigned long long)us);
    finish();
}

static void sequential_next(size_t i)
{
    requests++;
    if (ftl_http_get(loop, "http://127.0.0.1/", on_sequential, (void *)i) < 0) {
        on_sequential(NULL, FTL_ERR_NO_MEMORY, (void *)i);
    }
}

static void on_burst(const struct ftl_http_reply *reply, int error, void *arg)
{
    callbacks[NSTEPS + (size_t)arg]++;
    burst_ok += error == 0 && ftl_http_reply_status(reply) == 200;
    if (--burst_left == 0) {
        printf("http_fetch: %d concurrent -> %d ok\n", BURST, burst_ok);
        sequential_start_ns = ftl_clock_ns();
        sequential_next(0);
    }
}

static void burst_start(void)
{
    burst_left = BURST;
    for (size_t i = 0; i < BURST; i++) {
        requests++;
        if (ftl_http_get(loop, "http://127.0.0.1/", on_burst, (void *)i) < 0) {
            on_burst(NULL, FTL_ERR_NO_MEMORY, (void *)i);
        }
    }
}

static void on_step(const struct ftl_http_reply *reply, int error, void *arg)
{
    size_t i = (size_t)arg;
    callbacks[i]++;
    print_outcome(&steps[i], reply, error);
    if (i + 1 < NSTEPS) {
        step_start(i + 1);
    } else {
        burst_start();
    }
}

static void step_start(size_t i)
{
    const struct step *s = &steps[i];
    struct ftl_http_client_request req = {
        .method = s->method, .url = s->url, .timeout_ns = s->timeout_ns};
    requests++;
    int err = ftl_http_request(loop, &req, on_step, (void *)i, NULL);
    if (err < 0) {
        on_step(NULL, err, (void *)i);
    }
}

static void wait_for_server(void);

static void on_wait_timer(struct ftl_loop *l, struct ftl_loop_timer *t,
                          void *arg)
{
    (void)l, (void)t, (void)arg;
    wait_for_server();
}

static void on_waited(const struct ftl_http_reply *reply, int error, void *arg)
{
    (void)reply, (void)arg;
    if (error == 0) {
        step_start(0);
    } else if (++waits == WAIT_TRIES) {
        printf("http_fetch: the server never answered: %s\n",
               ftl_error_str(error));
        ftl_loop_stop(loop, 1);
    } else {
        ftl_loop_timer_start(loop, &wait_timer, WAIT_NS, 0, on_wait_timer,
                             NULL);
    }
}

static void wait_for_server(void)
{
    int err = ftl_http_get(loop, "http://127.0.0.1/status", on_waited, NULL);
    if (err < 0) {
        on_waited(NULL, err, NULL);
    }
}

int main(void)
{
    loop = ftl_loop_create();
    if (loop == NULL) {
        return 1;
    }
    wait_for_server();
    return ftl_loop_run(loop);
}
