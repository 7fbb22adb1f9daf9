// {{name}}_test: tests the {{name}} resource from outside,
// as an HTTP client would: one request per step, each on its own
// connection to 127.0.0.1:80 (tcpip's loopback interface), and each answer
// checked for its status and a piece of its text. The steps run in order
// on the store the service started with, so each sees what the ones before
// it did. It prints the summary line `ftl test` collects:
// "{{name}}_test: N passed, N failed".
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/loop.h>
#include <ftl/tcp.h>

#define SERVER_HOST "127.0.0.1"
#define SERVER_PORT 80
#define STEP_TIMEOUT_NS (20 * FTL_S)
#define RETRY_NS (200 * FTL_MS) // the server may not listen yet at first
#define ANSWER_MAX 4096

struct step {
    const char *method;
    const char *path;
    const char *body; // NULL: none
    int status;       // expected
    const char *text; // expected in the answer (headers or body), or NULL
    const char *what; // the behaviour checked
};

static const struct step steps[] = {
    {"GET", "/{{name}}", NULL, 200,
     "[]", "list is empty at first"},
    {"POST", "/{{name}}", "{\"title\":\"first\"}", 201,
     "Location: /{{name}}/1", "create answers 201 and a Location"},
    {"POST", "/{{name}}", "[1, 2]", 400,
     NULL, "create refuses a body that is not a JSON object"},
    {"GET", "/{{name}}/1", NULL, 200,
     "{\"title\":\"first\",\"id\":1}", "show answers the created item"},
    {"GET", "/{{name}}/2", NULL, 404,
     NULL, "show of an absent item is 404"},
    {"PUT", "/{{name}}/1", "{\"title\":\"second\"}", 200,
     "{\"title\":\"second\",\"id\":1}", "update replaces the item"},
    {"PUT", "/{{name}}/2", "{\"title\":\"x\"}", 404,
     NULL, "update of an absent item is 404"},
    {"GET", "/{{name}}", NULL, 200,
     "[{\"title\":\"second\",\"id\":1}]", "list answers the updated item"},
    {"DELETE", "/{{name}}/1", NULL, 204,
     NULL, "delete answers 204"},
    {"GET", "/{{name}}/1", NULL, 404,
     NULL, "show after delete is 404"},
    {"DELETE", "/{{name}}/1", NULL, 404,
     NULL, "delete of an absent item is 404"},
};
#define STEPS_COUNT (sizeof(steps) / sizeof(steps[0]))

struct test {
    struct ftl_loop *loop;
    struct ftl_loop_timer retry, deadline;
    size_t step;
    char answer[ANSWER_MAX + 1]; // NUL-terminated
    size_t answer_len;
    int passed, failed;
};

static void step_start(struct test *t);

static void finish(struct test *t)
{
    printf("{{name}}_test: %d passed, %d failed\n", t->passed,
           t->failed);
    ftl_loop_stop(t->loop, t->failed == 0 ? 0 : 1);
}

// Checks the answer of the current step, then starts the next one.
static void step_check(struct test *t)
{
    const struct step *s = &steps[t->step];
    int status = strncmp(t->answer, "HTTP/1.1 ", 9) == 0
                     ? atoi(t->answer + 9)
                     : 0;
    bool ok = status == s->status &&
              (s->text == NULL || strstr(t->answer, s->text) != NULL);
    if (ok) {
        t->passed++;
        printf("ok %s %s: %s\n", s->method, s->path, s->what);
    } else {
        t->failed++;
        printf("FAIL %s %s: %s (expected %d, got: %s)\n", s->method, s->path,
               s->what, s->status, t->answer);
    }
    ftl_loop_timer_cancel(t->loop, &t->deadline);
    t->step++;
    step_start(t);
}

// Reads the answer to its end: the server closes the connection after it
// (the request said `Connection: close`).
static void on_read(struct ftl_conn *conn, const void *data, long len,
                    void *arg)
{
    struct test *t = arg;
    size_t room = ANSWER_MAX - t->answer_len;
    if (len > 0 && room > 0) {
        size_t n = (size_t)len < room ? (size_t)len : room;
        memcpy(t->answer + t->answer_len, data, n);
        t->answer_len += n;
        t->answer[t->answer_len] = '\0';
    }
    if (len <= 0 || ftl_conn_read(conn, ANSWER_MAX, on_read, t) < 0) {
        ftl_conn_close(conn);
        step_check(t);
    }
}

// Ends the test early: the current step and those left fail.
static void give_up(struct test *t, const char *why)
{
    printf("FAIL %s %s: %s\n", steps[t->step].method, steps[t->step].path,
           why);
    t->failed += (int)(STEPS_COUNT - t->step);
    finish(t);
}

static void on_connect(struct ftl_conn *conn, int error, void *arg);

static void on_retry(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                     void *arg)
{
    (void)timer;
    if (ftl_tcp_connect(loop, SERVER_HOST, SERVER_PORT, on_connect, arg) < 0) {
        give_up(arg, "out of memory");
    }
}

static void on_connect(struct ftl_conn *conn, int error, void *arg)
{
    struct test *t = arg;
    (void)error;
    if (conn == NULL) {
        // Refused: the server is not listening yet; the deadline bounds
        // the retries.
        ftl_loop_timer_start(t->loop, &t->retry, RETRY_NS, 0, on_retry, t);
        return;
    }
    const struct step *s = &steps[t->step];
    const char *body = s->body != NULL ? s->body : "";
    char request[512];
    int len = snprintf(request, sizeof(request),
                       "%s %s HTTP/1.1\r\nHost: " SERVER_HOST "\r\n"
                       "Connection: close\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: %zu\r\n\r\n%s",
                       s->method, s->path, strlen(body), body);
    t->answer_len = 0;
    t->answer[0] = '\0';
    if (len < 0 || (size_t)len >= sizeof(request) ||
        ftl_conn_write(conn, request, (size_t)len, NULL, NULL) < 0 ||
        ftl_conn_read(conn, ANSWER_MAX, on_read, t) < 0) {
        ftl_conn_close(conn);
        step_check(t);
    }
}

// A step without an answer in time ends the test.
static void on_deadline(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                        void *arg)
{
    (void)loop;
    (void)timer;
    give_up(arg, "no answer in time");
}

static void step_start(struct test *t)
{
    if (t->step == STEPS_COUNT) {
        finish(t);
        return;
    }
    ftl_loop_timer_start(t->loop, &t->deadline, STEP_TIMEOUT_NS, 0,
                         on_deadline, t);
    on_retry(t->loop, &t->retry, t);
}

int main(void)
{
    static struct test t;
    t.loop = ftl_loop_create();
    if (t.loop == NULL) {
        printf("{{name}}_test: 0 passed, 1 failed\n");
        return 1;
    }
    step_start(&t);
    return ftl_loop_run(t.loop);
}
