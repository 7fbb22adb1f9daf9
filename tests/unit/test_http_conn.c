// The HTTP session's transport over ftl_conn (sdk/lib/http_conn.c): reads
// that hold no buffer, the idle and request time-outs on the real event
// loop (with the fake IPC layer's clock), and the listeners. ftl/tcp.h is
// faked here: a connection is a record of what was asked of it.
#include <check.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/http.h>
#include <ftl/message.h>
#include <ftl/tcp.h>
#include <ftl/time.h>
#include <ftl/tls.h>

#include "drain_internal.h"
#include "fake_ipc.h"

struct ftl_conn {
    bool reading;
    size_t max;
    ftl_conn_read_fn fn;
    void *arg;
    char out[4096];
    size_t out_len;
    bool closed;
    size_t unsent; // what ftl_conn_pending says
    ftl_conn_write_fn written;
    void *written_arg;
};

static struct ftl_conn conn;
static struct {
    uint16_t port;
    bool tls;
    bool closed;
    ftl_tcp_accept_fn on_accept;
    void *arg;
} listener;

struct ftl_tcp_listener *ftl_tcp_listener_open(struct ftl_loop *loop,
                                               uint16_t port,
                                               ftl_tcp_accept_fn on_accept,
                                               ftl_tcp_listen_error_fn on_error,
                                               void *arg)
{
    (void)loop, (void)on_error;
    listener.port = port;
    listener.tls = false;
    listener.closed = false;
    listener.on_accept = on_accept;
    listener.arg = arg;
    return (struct ftl_tcp_listener *)&listener;
}

struct ftl_tcp_listener *ftl_tls_listener_open(struct ftl_loop *loop,
                                               uint16_t port,
                                               ftl_tcp_accept_fn on_accept,
                                               ftl_tcp_listen_error_fn on_error,
                                               void *arg)
{
    struct ftl_tcp_listener *l =
        ftl_tcp_listener_open(loop, port, on_accept, on_error, arg);
    listener.tls = true;
    return l;
}

void ftl_tcp_listener_close(struct ftl_tcp_listener *l)
{
    ck_assert_ptr_eq(l, &listener);
    listener.closed = true;
}

int ftl_conn_read(struct ftl_conn *c, size_t max, ftl_conn_read_fn fn,
                  void *arg)
{
    if (c->reading) {
        return FTL_ERR_BUSY;
    }
    c->reading = true;
    c->max = max;
    c->fn = fn;
    c->arg = arg;
    return 0;
}

int ftl_conn_write(struct ftl_conn *c, const void *data, size_t len,
                   ftl_conn_write_fn fn, void *arg)
{
    c->written = fn;
    c->written_arg = arg;
    ck_assert(!c->closed);
    ck_assert_uint_lt(c->out_len + len, sizeof(c->out));
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    c->out[c->out_len] = '\0';
    return 0;
}

size_t ftl_conn_pending(const struct ftl_conn *c)
{
    return c->unsent;
}

void ftl_conn_close(struct ftl_conn *c)
{
    c->closed = true;
    c->reading = false;
}

// The client sends text (or an error, len < 0): the pending read ends.
static void deliver(const char *text, long len)
{
    ck_assert(conn.reading);
    conn.reading = false;
    conn.fn(&conn, text, len, conn.arg);
}

static struct ftl_loop *loop;
static struct ftl_http_app *app;
static struct ftl_http_response *held;

static void hello(struct ftl_http_request *req, struct ftl_http_response *res,
                  void *arg)
{
    (void)req, (void)arg;
    ftl_http_send_text(res, 200, "hi");
}

static void hold(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)req, (void)arg;
    held = res;
}

static void setup(void)
{
    fake_ipc_reset();
    memset(&conn, 0, sizeof(conn));
    memset(&listener, 0, sizeof(listener));
    held = NULL;
    loop = ftl_loop_create();
    app = ftl_http_app_create(loop);
    ftl_http_route(app, "GET", "/", hello, NULL);
    ftl_http_route(app, "GET", "/hold", hold, NULL);
    struct ftl_http_limits l = {.idle_ns = 60 * FTL_S,
                                .request_ns = 15 * FTL_S};
    ftl_http_set_limits(app, &l);
}

static void teardown(void)
{
    if (conn.reading) {
        deliver(NULL, 0);
    }
    ftl_http_app_destroy(app);
    ftl_loop_destroy(loop);
}

static void accept_one(void)
{
    ck_assert_int_eq(ftl_http_listen(app, 8080), 0);
    ck_assert_uint_eq(listener.port, 8080);
    listener.on_accept(&conn, listener.arg);
}

START_TEST(a_connection_is_read_in_pieces_that_hold_no_buffer)
{
    accept_one();
    ck_assert(!listener.tls);
    ck_assert(conn.reading);
    ck_assert_uint_le(conn.max, FTL_MSG_BODY_MAX);
    deliver("GET / HTTP/1.1\r\n\r\n", 18);
    ck_assert_ptr_nonnull(strstr(conn.out, "HTTP/1.1 200 OK\r\n"));
    ck_assert(conn.reading && !conn.closed);
}
END_TEST

START_TEST(https_listens_through_tls)
{
    ck_assert_int_eq(ftl_http_listen_tls(app, 8443), 0);
    ck_assert(listener.tls);
    ck_assert_uint_eq(listener.port, 8443);
}
END_TEST

START_TEST(an_idle_connection_closes_quietly_after_idle_ns)
{
    accept_one();
    deliver("GET / HTTP/1.1\r\n\r\n", 18);
    uint64_t answered = ftl_clock_ns();
    conn.out_len = 0;
    ftl_loop_run(loop); // only the time-out is left to wait for
    ck_assert(conn.closed);
    ck_assert_uint_eq(conn.out_len, 0);
    ck_assert_uint_eq(ftl_clock_ns() - answered, 60 * FTL_S);
}
END_TEST

START_TEST(a_slow_request_is_408_after_request_ns_from_its_first_byte)
{
    accept_one();
    deliver("GET / HTTP/1.1\r\n", 16);
    fake_clock_advance(10 * FTL_S);
    deliver("Host: a\r\n", 9); // trickling does not move the deadline
    ftl_loop_run(loop);
    ck_assert(conn.closed);
    ck_assert_ptr_nonnull(strstr(conn.out, "HTTP/1.1 408 "));
    ck_assert_uint_eq(ftl_clock_ns(), 15 * FTL_S);
}
END_TEST

START_TEST(no_time_out_runs_while_the_app_answers)
{
    accept_one();
    deliver("GET /hold HTTP/1.1\r\n\r\n", 22);
    ck_assert_ptr_nonnull(held);
    ck_assert(!conn.reading);
    ftl_loop_run(loop); // nothing armed: returns at once
    ck_assert(!conn.closed);
    ck_assert_uint_eq(ftl_clock_ns(), 0);
    ftl_http_send_text(held, 200, "late");
    ck_assert_ptr_nonnull(strstr(conn.out, "late"));
    ck_assert(conn.reading);
}
END_TEST

static void big(struct ftl_http_request *req, struct ftl_http_response *res,
                void *arg)
{
    (void)req, (void)arg;
    conn.unsent = 100 * 1024; // as if the answer were that large
    ftl_http_send_text(res, 200, "big");
}

START_TEST(the_next_request_waits_for_the_answers_to_be_sent)
{
    ftl_http_route(app, "GET", "/big", big, NULL);
    accept_one();
    deliver("GET /big HTTP/1.1\r\n\r\n", 21);
    ck_assert_ptr_nonnull(strstr(conn.out, "big"));
    ck_assert(!conn.reading); // 100 KiB unsent
    conn.unsent = 70 * 1024;
    conn.written(&conn, 0, conn.written_arg);
    ck_assert(!conn.reading);
    conn.unsent = 10 * 1024;
    conn.written(&conn, 0, conn.written_arg);
    ck_assert(conn.reading && !conn.closed);
}
END_TEST

START_TEST(a_client_that_does_not_read_its_answers_is_dropped)
{
    ftl_http_route(app, "GET", "/big", big, NULL);
    accept_one();
    deliver("GET /big HTTP/1.1\r\n\r\n", 21);
    ftl_loop_run(loop);
    ck_assert(conn.closed);
    ck_assert_uint_eq(ftl_clock_ns(), 15 * FTL_S);
}
END_TEST

START_TEST(a_read_error_closes_the_connection)
{
    accept_one();
    deliver(NULL, FTL_ERR_IO);
    ck_assert(conn.closed);
    ck_assert_uint_eq(conn.out_len, 0);
}
END_TEST

// Draining (ftl/drain.h), as when the supervisor's request arrives.
START_TEST(a_drain_closes_the_port_and_answers_with_connection_close)
{
    accept_one();
    deliver("GET /hold HTTP/1.1\r\n\r\n", 22);
    ck_assert_int_eq(drain_start(), 0);
    ck_assert(listener.closed);
    ck_assert(!conn.closed); // the request under way is answered
    ftl_http_send_text(held, 200, "last");
    ck_assert_ptr_nonnull(strstr(conn.out, "Connection: close\r\n"));
    ck_assert_ptr_nonnull(strstr(conn.out, "last"));
    ck_assert(conn.closed);
    ck_assert_int_eq(ftl_loop_run(loop), 0); // stopped: nothing is left
    ck_assert_uint_eq(ftl_clock_ns(), 0);
}
END_TEST

START_TEST(a_drain_gives_an_idle_connection_one_second_for_a_request)
{
    accept_one();
    deliver("GET / HTTP/1.1\r\n\r\n", 18);
    ck_assert_ptr_null(strstr(conn.out, "Connection: close"));
    fake_clock_advance(5 * FTL_S);
    ck_assert_int_eq(drain_start(), 0);
    ck_assert(!conn.closed);
    ck_assert_int_eq(ftl_loop_run(loop), 0);
    ck_assert(conn.closed);
    ck_assert_uint_eq(ftl_clock_ns(), 6 * FTL_S); // not the 60 s idle limit
}
END_TEST

START_TEST(a_request_in_the_drain_second_is_answered_then_closed)
{
    accept_one();
    ck_assert_int_eq(drain_start(), 0);
    deliver("GET / HTTP/1.1\r\n\r\n", 18);
    ck_assert_ptr_nonnull(strstr(conn.out, "HTTP/1.1 200 OK\r\n"));
    ck_assert_ptr_nonnull(strstr(conn.out, "Connection: close\r\n"));
    ck_assert(conn.closed);
}
END_TEST

START_TEST(without_a_listener_there_is_no_drain_hook)
{
    ck_assert_int_eq(drain_start(), FTL_ERR_NOT_SUPPORTED);
    ck_assert_int_eq(ftl_http_listen(app, 8080), 0);
    ftl_http_app_destroy(app); // takes its hook back
    ck_assert(listener.closed);
    app = ftl_http_app_create(loop);
    ck_assert_int_eq(drain_start(), FTL_ERR_NOT_SUPPORTED);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http_conn");
    TCase *t = tcase_create("conn");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, a_connection_is_read_in_pieces_that_hold_no_buffer);
    tcase_add_test(t, https_listens_through_tls);
    tcase_add_test(t, an_idle_connection_closes_quietly_after_idle_ns);
    tcase_add_test(t,
                   a_slow_request_is_408_after_request_ns_from_its_first_byte);
    tcase_add_test(t, no_time_out_runs_while_the_app_answers);
    tcase_add_test(t, the_next_request_waits_for_the_answers_to_be_sent);
    tcase_add_test(t, a_client_that_does_not_read_its_answers_is_dropped);
    tcase_add_test(t, a_read_error_closes_the_connection);
    tcase_add_test(t, a_drain_closes_the_port_and_answers_with_connection_close);
    tcase_add_test(t, a_drain_gives_an_idle_connection_one_second_for_a_request);
    tcase_add_test(t, a_request_in_the_drain_second_is_answered_then_closed);
    tcase_add_test(t, without_a_listener_there_is_no_drain_hook);
    suite_add_tcase(s, t);
    return s;
}
