// The HTTP client (sdk/lib/http_client.c, http_client_conn.c, http_url.c,
// http_reply.c) on the real event loop with the fake IPC layer's clock,
// and ftl/tcp.h faked here: a connection is a record of what was asked
// of it, and the test plays the server by delivering bytes to its reads.
// Responses split at every byte, each way of framing a body, HEAD, 204,
// 304 and interim 1xx, errors, limits, time-outs, cancels, and that the
// callback runs exactly once whatever happens.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/http_client.h>
#include <ftl/message.h>
#include <ftl/tcp.h>
#include <ftl/time.h>
#include <ftl/tls.h>

#include "fake_ipc.h"
#include "http_client_internal.h"

struct ftl_conn {
    bool reading;
    size_t max;
    ftl_conn_read_fn fn;
    void *arg;
    char out[8192];
    size_t out_len;
    int write_error; // what ftl_conn_write returns
    bool given;      // to the client, by connected()
    bool closed;
};

static struct ftl_conn conn;

// The last ftl_tcp_connect or ftl_tls_connect.
static struct {
    int calls;
    char host[64];
    uint16_t port;
    bool tls;
    ftl_tcp_connect_fn fn;
    void *arg;
    int fail_at_once; // an error given to fn before connect returns
} dial;

static int fake_connect(const char *host, uint16_t port, bool tls,
                        ftl_tcp_connect_fn fn, void *arg)
{
    dial.calls++;
    snprintf(dial.host, sizeof(dial.host), "%s", host);
    dial.port = port;
    dial.tls = tls;
    dial.fn = fn;
    dial.arg = arg;
    if (dial.fail_at_once < 0) {
        fn(NULL, dial.fail_at_once, arg);
    }
    return 0;
}

int ftl_tcp_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                    ftl_tcp_connect_fn fn, void *arg)
{
    (void)loop;
    return fake_connect(host, port, false, fn, arg);
}

int ftl_tls_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                    ftl_tcp_connect_fn fn, void *arg)
{
    (void)loop;
    return fake_connect(host, port, true, fn, arg);
}

int ftl_conn_read(struct ftl_conn *c, size_t max, ftl_conn_read_fn fn,
                  void *arg)
{
    ck_assert(!c->closed);
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
    (void)fn, (void)arg;
    ck_assert(!c->closed);
    if (c->write_error < 0) {
        return c->write_error;
    }
    ck_assert_uint_lt(c->out_len + len, sizeof(c->out));
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
    c->out[c->out_len] = '\0';
    return 0;
}

void ftl_conn_close(struct ftl_conn *c)
{
    ck_assert(!c->closed);
    c->closed = true;
    c->reading = false;
}

// What the callback got; it copies, as the reply lives during the call.
static struct {
    int calls;
    int error;
    bool reply; // non-NULL
    int status;
    char body[4096];
    size_t body_len;
    char type[128]; // Content-Type, "(none)" when absent
} got;

static void on_reply(const struct ftl_http_reply *reply, int error, void *arg)
{
    (void)arg;
    ck_assert(!conn.given || conn.closed); // closed before the callback
    got.calls++;
    got.error = error;
    got.reply = reply != NULL;
    ck_assert(error == 0 ? reply != NULL : reply == NULL);
    if (reply) {
        got.status = ftl_http_reply_status(reply);
        const char *body = ftl_http_reply_body(reply, &got.body_len);
        ck_assert_uint_lt(got.body_len, sizeof(got.body));
        memcpy(got.body, body, got.body_len + 1); // with its NUL
        const char *type = ftl_http_reply_header(reply, "content-type");
        snprintf(got.type, sizeof(got.type), "%s", type ? type : "(none)");
    }
}

static struct ftl_loop *loop;

static void setup(void)
{
    fake_ipc_reset();
    memset(&conn, 0, sizeof(conn));
    memset(&dial, 0, sizeof(dial));
    memset(&got, 0, sizeof(got));
    loop = ftl_loop_create();
}

static void teardown(void)
{
    ftl_loop_run(loop); // deadlines of calls a test left (none should be)
    ftl_loop_destroy(loop);
}

// The pending connect succeeds: the request is written and read for.
static void connected(void)
{
    ck_assert_ptr_nonnull(dial.fn);
    conn.given = true;
    dial.fn(&conn, 0, dial.arg);
}

// The server sends text (len bytes; 0 for the end, < 0 an error): the
// pending read ends.
static void deliver(const char *text, long len)
{
    ck_assert(conn.reading);
    conn.reading = false;
    conn.fn(&conn, text, len, conn.arg);
}

static void delivers(const char *text)
{
    deliver(text, (long)strlen(text));
}

static void get(const char *url)
{
    ck_assert_int_eq(ftl_http_get(loop, url, on_reply, NULL), 0);
}

// A GET of / that the server answers with response, split after `split`
// bytes (0: whole), then with the end of the stream if still reading.
static void exchange_split(const char *response, size_t split, bool head)
{
    memset(&conn, 0, sizeof(conn));
    memset(&dial, 0, sizeof(dial));
    memset(&got, 0, sizeof(got));
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/",
                                          .method = head ? "HEAD" : "GET"};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL), 0);
    connected();
    size_t len = strlen(response);
    if (split > 0 && split < len) {
        deliver(response, (long)split);
        ck_assert_int_eq(got.calls, 0);
        deliver(response + split, (long)(len - split));
    } else {
        deliver(response, (long)len);
    }
    if (got.calls == 0) {
        deliver(NULL, 0);
    }
    ck_assert_int_eq(got.calls, 1);
    ck_assert(conn.closed);
}

START_TEST(a_get_sends_its_request_and_gets_the_reply)
{
    get("http://127.0.0.1/status?x=1");
    ck_assert_int_eq(dial.calls, 1);
    ck_assert_str_eq(dial.host, "127.0.0.1");
    ck_assert_uint_eq(dial.port, 80);
    ck_assert(!dial.tls);
    ck_assert_uint_eq(conn.out_len, 0); // nothing before the connection
    connected();
    ck_assert_str_eq(conn.out, "GET /status?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Connection: close\r\n\r\n");
    ck_assert(conn.reading);
    ck_assert_uint_le(conn.max, FTL_MSG_BODY_MAX);
    delivers("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
             "Content-Length: 11\r\n\r\n{\"ok\":true}");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, 0);
    ck_assert_int_eq(got.status, 200);
    ck_assert_str_eq(got.body, "{\"ok\":true}");
    ck_assert_uint_eq(got.body_len, 11);
    ck_assert_str_eq(got.type, "application/json");
    ck_assert(conn.closed);
}
END_TEST

static const char *const framings[] = {
    "HTTP/1.1 200 OK\r\nContent-Length: 9\r\nX-A: b\r\n\r\nWikipedia",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nX-Trailer: t\r\n\r\n",
    "HTTP/1.0 200 OK\r\nX-A: b\r\n\r\nWikipedia", // until the close
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n"
    "\r\nWikipedia",
};

// Whatever the split, the outcome is the same.
START_TEST(a_response_split_at_every_byte_is_parsed_the_same)
{
    for (size_t f = 0; f < sizeof(framings) / sizeof(framings[0]); f++) {
        size_t len = strlen(framings[f]);
        for (size_t i = 0; i < len; i++) {
            exchange_split(framings[f], i, false);
            ck_assert_msg(got.error == 0 && got.status == 200 &&
                              strcmp(got.body, "Wikipedia") == 0,
                          "framing %zu split at %zu: %d %d [%s]", f, i,
                          got.error, got.status, got.body);
        }
    }
}
END_TEST

START_TEST(a_response_fed_one_byte_at_a_time_is_parsed)
{
    const char *r = framings[1];
    get("http://10.0.0.1/");
    connected();
    for (const char *p = r; *p; p++) {
        ck_assert_int_eq(got.calls, 0);
        deliver(p, 1);
    }
    ck_assert_int_eq(got.calls, 1);
    ck_assert_str_eq(got.body, "Wikipedia");
}
END_TEST

static void keep_headers(const struct ftl_http_reply *reply, int error,
                         void *arg)
{
    char *out = arg;
    on_reply(reply, error, NULL);
    const char *name, *value;
    for (size_t i = 0; ftl_http_reply_header_at(reply, i, &name, &value); i++) {
        strcat(out, name);
        strcat(out, "=");
        strcat(out, value);
        strcat(out, ";");
    }
    strcat(out, ftl_http_reply_header(reply, "X-TRAILER") ? "t" : "-");
    strcat(out, ftl_http_reply_header(reply, "X-Interim") ? "i" : "-");
}

START_TEST(headers_and_trailers_are_kept_in_order_and_found_in_any_case)
{
    static char out[512];
    out[0] = '\0';
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/"};
    ftl_http_request(loop, &req, keep_headers, out, NULL);
    connected();
    delivers("HTTP/1.1 103 Early Hints\r\nX-Interim: 1\r\n\r\n"
             "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
             "X-Empty:\r\nSet-Cookie: a=1\r\nset-cookie: b=2\r\n\r\n"
             "2\r\nok\r\n0\r\nX-Trailer: t\r\n\r\n");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_str_eq(out, "Transfer-Encoding=chunked;X-Empty=;"
                          "Set-Cookie=a=1;set-cookie=b=2;X-Trailer=t;t-");
}
END_TEST

START_TEST(a_body_until_close_ends_with_the_stream)
{
    get("http://10.0.0.1/");
    connected();
    delivers("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome ");
    delivers("more");
    ck_assert_int_eq(got.calls, 0);
    deliver(NULL, 0);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, 0);
    ck_assert_str_eq(got.body, "some more");
}
END_TEST

START_TEST(a_head_response_has_no_body_whatever_its_length_says)
{
    exchange_split("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", 0, true);
    ck_assert_int_eq(got.error, 0);
    ck_assert_int_eq(got.status, 200);
    ck_assert_uint_eq(got.body_len, 0);
    ck_assert_str_eq(conn.out, "HEAD / HTTP/1.1\r\nHost: 10.0.0.1\r\n"
                               "Connection: close\r\n\r\n");
    exchange_split("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0,
                   true);
    ck_assert_int_eq(got.error, 0);
    ck_assert_uint_eq(got.body_len, 0);
}
END_TEST

// Completed at the end of the head: no read waits for a body.
START_TEST(responses_204_and_304_have_no_body)
{
    get("http://10.0.0.1/");
    connected();
    delivers("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n"
             "ETag: \"x\"\r\n\r\n");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.status, 304);
    ck_assert_uint_eq(got.body_len, 0);
    exchange_split("HTTP/1.1 204 No Content\r\n\r\n", 0, false);
    ck_assert_int_eq(got.error, 0);
    ck_assert_int_eq(got.status, 204);
    ck_assert_str_eq(got.body, "");
}
END_TEST

START_TEST(interim_responses_are_skipped)
{
    exchange_split("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n"
                   "X-Interim: 1\r\n\r\nHTTP/1.1 201 Created\r\n"
                   "Content-Length: 2\r\n\r\nok",
                   30, false);
    ck_assert_int_eq(got.error, 0);
    ck_assert_int_eq(got.status, 201);
    ck_assert_str_eq(got.body, "ok");
    // An interim response alone is no response.
    exchange_split("HTTP/1.1 100 Continue\r\n\r\n", 0, false);
    ck_assert_int_eq(got.error, FTL_ERR_PEER_CLOSED);
}
END_TEST

START_TEST(bytes_after_the_response_are_ignored)
{
    get("http://10.0.0.1/");
    connected();
    delivers("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\n"
             "nopeHTTP/1.1 200 OK\r\n\r\ngarbage \x01\x02");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, 0);
    ck_assert_int_eq(got.status, 404);
    ck_assert_str_eq(got.body, "nope");
    ck_assert(conn.closed && !conn.reading);
}
END_TEST

START_TEST(a_malformed_response_is_bad_format)
{
    static const char *const bad[] = {
        "garbage\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n"
        "Connection: upgrade\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        exchange_split(bad[i], 0, false);
        ck_assert_msg(got.error == FTL_ERR_BAD_FORMAT, "%zu: %d", i, got.error);
        ck_assert(!got.reply);
    }
}
END_TEST

START_TEST(a_response_cut_short_is_peer_closed)
{
    static const char *const cut[] = {
        "",
        "HTTP/1.1 200 OK\r\nContent-",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWi",
    };
    for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        exchange_split(cut[i], 0, false);
        ck_assert_msg(got.error == FTL_ERR_PEER_CLOSED, "%zu: %d", i,
                      got.error);
    }
}
END_TEST

START_TEST(a_read_error_is_passed_on)
{
    get("http://10.0.0.1/");
    connected();
    delivers("HTTP/1.1 200 OK\r\n");
    deliver(NULL, FTL_ERR_IO);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, FTL_ERR_IO);
    ck_assert(conn.closed);
}
END_TEST

static void request_limited(size_t head_max, size_t headers_max,
                            size_t body_max)
{
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/",
                                          .head_max = head_max,
                                          .headers_max = headers_max,
                                          .body_max = body_max};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL), 0);
    connected();
}

START_TEST(a_response_over_the_limits_is_too_large)
{
    // A body announced over the limit fails at the head.
    request_limited(0, 0, 8);
    delivers("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n");
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE);
    memset(&conn, 0, sizeof(conn));
    // Exactly at the limit is fine.
    request_limited(0, 0, 8);
    delivers("HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678");
    ck_assert_int_eq(got.error, 0);
    memset(&conn, 0, sizeof(conn));
    // Chunks and close-delimited bodies are counted as they come.
    request_limited(0, 0, 8);
    delivers("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\n12345\r\n");
    ck_assert_int_eq(got.calls, 2);
    delivers("4\r\n6789\r\n");
    ck_assert_int_eq(got.calls, 3);
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE);
    memset(&conn, 0, sizeof(conn));
    request_limited(0, 0, 8);
    delivers("HTTP/1.0 200 OK\r\n\r\n123456789");
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE);
    memset(&conn, 0, sizeof(conn));
    // The head: its bytes, its number of headers.
    request_limited(64, 0, 0);
    delivers("HTTP/1.1 200 OK\r\nX-Long: "
             "0123456789012345678901234567890123456789012345678901234567\r\n");
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE);
    memset(&conn, 0, sizeof(conn));
    request_limited(0, 2, 0);
    delivers("HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n");
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE);
    memset(&conn, 0, sizeof(conn));
    // Each response of a series of interim ones has its own head limit.
    request_limited(64, 2, 0);
    delivers("HTTP/1.1 100 Continue\r\nA: 0123456789012345678901234\r\n\r\n"
             "HTTP/1.1 100 Continue\r\nA: 0123456789012345678901234\r\n\r\n"
             "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n");
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE); // 3 headers in the last
    memset(&conn, 0, sizeof(conn));
    request_limited(64, 2, 0);
    delivers("HTTP/1.1 100 Continue\r\nA: 0123456789012345678901234\r\n\r\n"
             "HTTP/1.1 100 Continue\r\nA: 0123456789012345678901234\r\n\r\n"
             "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    ck_assert_int_eq(got.error, 0);
    ck_assert_int_eq(got.calls, 8);
}
END_TEST

START_TEST(the_default_body_limit_is_1_mib)
{
    exchange_split("HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n", 0,
                   false);
    ck_assert_int_eq(got.error, FTL_ERR_TOO_LARGE);
    exchange_split("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n", 0,
                   false);
    ck_assert_int_eq(got.error, FTL_ERR_PEER_CLOSED); // allowed, then cut
}
END_TEST

// The body of the last reply, checked byte by byte.
static size_t big_len;
static bool big_intact;
static void on_big(const struct ftl_http_reply *reply, int error, void *arg)
{
    (void)arg;
    got.calls++;
    got.error = error;
    ck_assert(error == 0 && conn.closed);
    const char *body = ftl_http_reply_body(reply, &big_len);
    big_intact = body[big_len] == '\0';
    for (size_t i = 0; i < big_len; i++) {
        big_intact = big_intact && body[i] == (char)('a' + i % 26);
    }
}

START_TEST(a_large_body_arrives_over_many_reads)
{
    static char piece[FTL_MSG_BODY_MAX];
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/"};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_big, NULL, NULL), 0);
    connected();
    delivers("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    size_t sent = 0;
    for (int i = 0; i < 64; i++) { // 64 chunks of 4,000 bytes
        int n = snprintf(piece, sizeof(piece), "%x\r\n", 4000);
        for (int j = 0; j < 4000; j++) {
            piece[n + j] = (char)('a' + (sent + (size_t)j) % 26);
        }
        memcpy(piece + n + 4000, "\r\n", 2);
        deliver(piece, n + 4002);
        sent += 4000;
    }
    ck_assert_int_eq(got.calls, 0);
    delivers("0\r\n\r\n");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, 0);
    ck_assert_uint_eq(big_len, 256000);
    ck_assert(big_intact);
}
END_TEST

START_TEST(a_call_times_out_after_30_s_by_default)
{
    get("http://10.0.0.1/");
    connected();
    delivers("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nslow");
    ftl_loop_run(loop); // only the deadline is left to wait for
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, FTL_ERR_TIMED_OUT);
    ck_assert_uint_eq(ftl_clock_ns(), FTL_HTTP_CLIENT_TIMEOUT_NS);
    ck_assert_uint_eq(FTL_HTTP_CLIENT_TIMEOUT_NS, 30 * FTL_S);
    ck_assert(conn.closed);
}
END_TEST

// The deadline covers the connect too; the late connection is closed.
START_TEST(a_connect_that_never_completes_times_out)
{
    struct ftl_http_client_request req = {.url = "http://10.0.0.1:8080/",
                                          .timeout_ns = 2 * FTL_S};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL), 0);
    ftl_loop_run(loop);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, FTL_ERR_TIMED_OUT);
    ck_assert_uint_eq(ftl_clock_ns(), 2 * FTL_S);
    connected();
    ck_assert(conn.closed);
    ck_assert_uint_eq(conn.out_len, 0);
    ck_assert_int_eq(got.calls, 1);
}
END_TEST

START_TEST(a_refused_connection_is_an_io_error)
{
    get("http://10.0.0.1:9/");
    ck_assert_uint_eq(dial.port, 9);
    dial.fn(NULL, FTL_ERR_IO, dial.arg);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, FTL_ERR_IO);
    ck_assert(!got.reply);
}
END_TEST

// ftl_tcp_connect may fail before it returns (no tcpip): the callback
// still runs from the loop, not inside ftl_http_get.
START_TEST(a_connect_that_fails_at_once_is_reported_from_the_loop)
{
    dial.fail_at_once = FTL_ERR_NOT_FOUND;
    get("http://nowhere.example/");
    ck_assert_int_eq(got.calls, 0);
    ftl_loop_run(loop);
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, FTL_ERR_NOT_FOUND);
    ck_assert_uint_eq(ftl_clock_ns(), 0); // not at the deadline
}
END_TEST

START_TEST(a_cancelled_call_never_calls_back)
{
    struct ftl_http_call *call = NULL;
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/"};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, &call), 0);
    ck_assert_ptr_nonnull(call);
    connected();
    delivers("HTTP/1.1 200 OK\r\n");
    ftl_http_cancel(call);
    ck_assert(conn.closed);
    ftl_loop_run(loop); // no deadline left
    ck_assert_uint_eq(ftl_clock_ns(), 0);
    ck_assert_int_eq(got.calls, 0);
}
END_TEST

START_TEST(a_call_cancelled_while_connecting_closes_the_late_connection)
{
    struct ftl_http_call *call = NULL;
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/"};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, &call), 0);
    ftl_http_cancel(call);
    ftl_loop_run(loop);
    connected();
    ck_assert(conn.closed);
    ck_assert_uint_eq(conn.out_len, 0);
    ck_assert_int_eq(got.calls, 0);
    // A failed connect after a cancel is quiet too.
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, &call), 0);
    ftl_http_cancel(call);
    dial.fn(NULL, FTL_ERR_IO, dial.arg);
    ck_assert_int_eq(got.calls, 0);
}
END_TEST

static struct ftl_http_call *self;
static void cancel_self(const struct ftl_http_reply *reply, int error,
                        void *arg)
{
    on_reply(reply, error, arg);
    ftl_http_cancel(self); // too late: harmless
}

START_TEST(cancelling_from_the_callback_is_harmless)
{
    struct ftl_http_client_request req = {.url = "http://10.0.0.1/"};
    ck_assert_int_eq(ftl_http_request(loop, &req, cancel_self, NULL, &self), 0);
    connected();
    delivers("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.status, 200);
}
END_TEST

START_TEST(a_write_that_fails_ends_the_call)
{
    get("http://10.0.0.1/");
    conn.write_error = FTL_ERR_PEER_CLOSED;
    connected();
    ck_assert_int_eq(got.calls, 1);
    ck_assert_int_eq(got.error, FTL_ERR_PEER_CLOSED);
    ck_assert(conn.closed);
}
END_TEST

START_TEST(a_request_carries_its_method_headers_and_body)
{
    static const struct ftl_http_field headers[] = {
        {"Content-Type", "application/json"},
        {"Host", "kv.internal"},
        {"X-Request-Id", "abc"},
    };
    struct ftl_http_client_request req = {
        .method = "POST",
        .url = "http://10.0.0.2:8080/items?x=%20",
        .headers = headers,
        .nheaders = 3,
        .body = "{\"a\":1}",
        .body_len = 7,
    };
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL), 0);
    ck_assert_uint_eq(dial.port, 8080);
    connected();
    ck_assert_str_eq(conn.out, "POST /items?x=%20 HTTP/1.1\r\n"
                               "Content-Type: application/json\r\n"
                               "Host: kv.internal\r\nX-Request-Id: abc\r\n"
                               "Content-Length: 7\r\nConnection: close\r\n"
                               "\r\n{\"a\":1}");
    deliver(NULL, 0);
    ck_assert_int_eq(got.calls, 1);
}
END_TEST

START_TEST(a_post_without_a_body_says_content_length_0)
{
    struct ftl_http_client_request req = {.method = "POST",
                                          .url = "http://h:81"};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL), 0);
    connected();
    ck_assert_str_eq(conn.out, "POST / HTTP/1.1\r\nHost: h:81\r\n"
                               "Content-Length: 0\r\nConnection: close\r\n"
                               "\r\n");
    deliver(NULL, 0);
}
END_TEST

// What reaches the connect and the request line for each form of URL.
static void check_url(const char *url, const char *host, uint16_t port,
                      bool tls, const char *line)
{
    memset(&conn, 0, sizeof(conn));
    get(url);
    ck_assert_str_eq(dial.host, host);
    ck_assert_uint_eq(dial.port, port);
    ck_assert(dial.tls == tls);
    connected();
    ck_assert_msg(strncmp(conn.out, line, strlen(line)) == 0, "%s: %s", url,
                  conn.out);
    deliver(NULL, 0);
}

START_TEST(urls_give_the_host_port_and_target)
{
    check_url("http://10.0.0.1:8080", "10.0.0.1", 8080, false,
              "GET / HTTP/1.1\r\nHost: 10.0.0.1:8080\r\n");
    check_url("https://kv.internal/p?q=1#frag", "kv.internal", 443, true,
              "GET /p?q=1 HTTP/1.1\r\nHost: kv.internal\r\n");
    check_url("HTTP://H?x=1", "H", 80, false, "GET /?x=1 HTTP/1.1\r\nHost: H");
    check_url("http://h#f", "h", 80, false, "GET / HTTP/1.1\r\n");
    check_url("http://h:65535//a/../b", "h", 65535, false,
              "GET //a/../b HTTP/1.1\r\nHost: h:65535\r\n");
}
END_TEST

START_TEST(bad_requests_are_refused_before_any_connection)
{
    static const char *const urls[] = {
        "ftp://h/",      "http://",           "http:/h/",   "h/path",
        "http://a b/",   "http://h/a b",      "http://h:0", "http://h:65536",
        "http://h:",     "http://h:8x/",      "http://u@h", "http://[::1]/",
        "http://h/\r\n", "http://h/\xc3\xa9", "",
    };
    for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
        ck_assert_msg(ftl_http_get(loop, urls[i], on_reply, NULL) ==
                          FTL_ERR_INVALID_ARG,
                      "%s", urls[i]);
    }
    static const struct ftl_http_field bad_headers[][1] = {
        {{"X-A", "1\r\nX-Injected: 2"}},
        {{"X A", "1"}},
        {{"", "1"}},
        {{"Content-Length", "5"}},
        {{"transfer-encoding", "x"}},
        {{"Connection", "keep-alive"}},
        {{"X-B", NULL}},
    };
    for (size_t i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
        struct ftl_http_client_request req = {
            .url = "http://h/", .headers = bad_headers[i], .nheaders = 1};
        ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL),
                         FTL_ERR_INVALID_ARG);
    }
    struct ftl_http_client_request req = {.url = "http://h/", .method = "GE T"};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL),
                     FTL_ERR_INVALID_ARG);
    req = (struct ftl_http_client_request){.url = "http://h/", .body_len = 3};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL),
                     FTL_ERR_INVALID_ARG);
    req = (struct ftl_http_client_request){0};
    ck_assert_int_eq(ftl_http_request(loop, &req, on_reply, NULL, NULL),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(ftl_http_request(loop, NULL, on_reply, NULL, NULL),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(ftl_http_get(loop, "http://h/", NULL, NULL),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(dial.calls, 0);
    ftl_loop_run(loop);
    ck_assert_int_eq(got.calls, 0);
}
END_TEST

// The parser alone (http_reply.c), as the fuzz target drives it.
START_TEST(the_parser_stops_at_the_end_of_the_response)
{
    struct http_reply_limits limits = {
        .head_max = 1024, .headers_max = 8, .body_max = 1024};
    struct ftl_http_reply reply;
    http_reply_init(&reply, &limits, false);
    static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    ck_assert_int_eq(http_reply_input(&reply, r, 10), 0);
    ck_assert_int_eq(http_reply_input(&reply, r + 10, sizeof(r) - 11), 1);
    ck_assert_int_eq(ftl_http_reply_status(&reply), 200);
    ck_assert_str_eq(ftl_http_reply_body(&reply, NULL), "ok");
    http_reply_free(&reply);
    http_reply_init(&reply, &limits, false);
    ck_assert_int_eq(http_reply_eof(&reply), FTL_ERR_PEER_CLOSED);
    http_reply_free(&reply);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http_client");
    TCase *t = tcase_create("client");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 30);
    tcase_add_test(t, a_get_sends_its_request_and_gets_the_reply);
    tcase_add_test(t, a_response_split_at_every_byte_is_parsed_the_same);
    tcase_add_test(t, a_response_fed_one_byte_at_a_time_is_parsed);
    tcase_add_test(
        t, headers_and_trailers_are_kept_in_order_and_found_in_any_case);
    tcase_add_test(t, a_body_until_close_ends_with_the_stream);
    tcase_add_test(t, a_head_response_has_no_body_whatever_its_length_says);
    tcase_add_test(t, responses_204_and_304_have_no_body);
    tcase_add_test(t, interim_responses_are_skipped);
    tcase_add_test(t, bytes_after_the_response_are_ignored);
    tcase_add_test(t, a_malformed_response_is_bad_format);
    tcase_add_test(t, a_response_cut_short_is_peer_closed);
    tcase_add_test(t, a_read_error_is_passed_on);
    tcase_add_test(t, a_response_over_the_limits_is_too_large);
    tcase_add_test(t, the_default_body_limit_is_1_mib);
    tcase_add_test(t, a_large_body_arrives_over_many_reads);
    tcase_add_test(t, a_call_times_out_after_30_s_by_default);
    tcase_add_test(t, a_connect_that_never_completes_times_out);
    tcase_add_test(t, a_refused_connection_is_an_io_error);
    tcase_add_test(t, a_connect_that_fails_at_once_is_reported_from_the_loop);
    tcase_add_test(t, a_cancelled_call_never_calls_back);
    tcase_add_test(
        t, a_call_cancelled_while_connecting_closes_the_late_connection);
    tcase_add_test(t, cancelling_from_the_callback_is_harmless);
    tcase_add_test(t, a_write_that_fails_ends_the_call);
    tcase_add_test(t, a_request_carries_its_method_headers_and_body);
    tcase_add_test(t, a_post_without_a_body_says_content_length_0);
    tcase_add_test(t, urls_give_the_host_port_and_target);
    tcase_add_test(t, bad_requests_are_refused_before_any_connection);
    tcase_add_test(t, the_parser_stops_at_the_end_of_the_response);
    suite_add_tcase(s, t);
    return s;
}
