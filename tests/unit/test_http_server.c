// The HTTP server's protocol (sdk/lib/http_server.c, http_response.c) as a
// client sees it, over the fake connection of http_fake.h: requests split
// anywhere, pipelined, chunked, over the limits, with Expect, HEAD and the
// keep-alive rules of HTTP/1.0 and 1.1, and answers given late.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/http.h>

#include "http_fake.h"

// Answers "METHOD PATH [BODY]" as text.
static void echo(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)arg;
    char text[512];
    size_t len;
    const char *body = ftl_http_body(req, &len);
    snprintf(text, sizeof(text), "%s %s [%.*s]", ftl_http_method(req),
             ftl_http_path(req), (int)len, body);
    ftl_http_send_text(res, 200, text);
}

// Keeps the response, to be answered by the test.
static struct ftl_http_response *held;
static void hold(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)req;
    (void)arg;
    held = res;
}

static void stream(struct ftl_http_request *req, struct ftl_http_response *res,
                   void *arg)
{
    (void)req;
    (void)arg;
    ftl_http_start(res, 200, "text/plain");
    ftl_http_write(res, "hello ", 6);
    ftl_http_write(res, "world", 5);
    ftl_http_end(res);
}

// Answers the headers X-Empty and X-T (a trailer).
static void trailer(struct ftl_http_request *req, struct ftl_http_response *res,
                    void *arg)
{
    (void)arg;
    char text[128];
    const char *t = ftl_http_header(req, "X-T");
    snprintf(text, sizeof(text), "empty=[%s] t=%s body=%s",
             ftl_http_header(req, "X-Empty"), t ? t : "(null)",
             ftl_http_body(req, NULL));
    ftl_http_send_text(res, 200, text);
}

static void setup(void)
{
    http_fake_reset();
    held = NULL;
    ftl_http_route(fake.app, "*", "/hold", hold, NULL);
    ftl_http_route(fake.app, "GET", "/stream", stream, NULL);
    ftl_http_route(fake.app, "POST", "/trailer", trailer, NULL);
    ftl_http_route(fake.app, "*", "/*", echo, NULL);
    http_fake_open();
}

static void teardown(void)
{
    http_fake_teardown();
}

static const char chunked_post[] =
    "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
    "4\r\nWiki\r\n5;ext=1\r\npedia\r\n0\r\nTrailer: x\r\n\r\n";

START_TEST(a_simple_get_is_answered_and_kept_alive)
{
    http_fake_sends("GET /a/b HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_str_eq(fake.out, "HTTP/1.1 200 OK\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "Content-Length: 11\r\n\r\nGET /a/b []");
    ck_assert(!fake.closed);
    ck_assert(fake.reading);
    ck_assert(!fake.in_request); // the idle time-out runs now
}
END_TEST

// Whatever the split, the answer is the same: one read of each part.
static void check_every_split(const char *request, const char *expect_body)
{
    size_t len = strlen(request);
    for (size_t i = 1; i < len; i++) {
        http_fake_teardown();
        setup();
        http_fake_send(request, i);
        ck_assert_int_eq(http_fake_count("HTTP/1.1 200"), 0);
        ck_assert(fake.in_request);
        http_fake_send(request + i, len - i);
        ck_assert_msg(strstr(fake.out, expect_body) != NULL, "split at %zu: %s",
                      i, fake.out);
        ck_assert_int_eq(http_fake_count("HTTP/1.1 "), 1);
    }
}

START_TEST(a_request_split_at_every_byte_is_parsed_the_same)
{
    check_every_split("GET /x?q=1 HTTP/1.1\r\nHost: a\r\nX-Long-Header: "
                      "some value\r\n\r\n",
                      "GET /x []");
    check_every_split("POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
                      "POST /p [hello]");
    check_every_split(chunked_post, "POST /up [Wikipedia]");
}
END_TEST

START_TEST(a_request_fed_one_byte_at_a_time_is_parsed)
{
    for (const char *p = chunked_post; *p; p++) {
        ck_assert(http_fake_send(p, 1));
    }
    ck_assert_ptr_nonnull(strstr(fake.out, "POST /up [Wikipedia]"));
}
END_TEST

START_TEST(pipelined_requests_are_answered_in_order)
{
    http_fake_sends("GET /1 HTTP/1.1\r\n\r\nPOST /2 HTTP/1.1\r\n"
                    "Content-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\n\r\n");
    ck_assert_int_eq(http_fake_count("HTTP/1.1 200 OK"), 3);
    const char *a = strstr(fake.out, "GET /1 []");
    const char *b = strstr(fake.out, "POST /2 [abc]");
    const char *c = strstr(fake.out, "GET /3 []");
    ck_assert(a && b && c && a < b && b < c);
    ck_assert(fake.reading && !fake.closed);
}
END_TEST

START_TEST(many_pipelined_requests_in_one_read_are_all_answered)
{
    static char burst[64 * 200 + 1];
    size_t len = 0;
    for (int i = 0; i < 200; i++) {
        len += (size_t)snprintf(burst + len, sizeof(burst) - len,
                                "GET /%d HTTP/1.1\r\n\r\n", i);
    }
    http_fake_send(burst, len);
    ck_assert_int_eq(http_fake_count("HTTP/1.1 200 OK"), 200);
    ck_assert_ptr_nonnull(strstr(fake.out, "GET /199 []"));
    ck_assert(fake.reading && !fake.in_request);
}
END_TEST

// Head and body in one write: one message to tcpip, not two that wait
// for each other.
START_TEST(a_whole_response_is_one_write)
{
    http_fake_sends("POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
    ck_assert_int_eq(fake.writes, 1);
    ck_assert_ptr_nonnull(strstr(fake.out, "\r\n\r\nPOST /x [hello]"));
}
END_TEST

START_TEST(stats_count_requests_and_connections)
{
    struct ftl_http_stats st;
    ftl_http_get_stats(fake.app, &st);
    ck_assert(st.requests == 0 && st.connections == 1 && st.accepted == 1);
    http_fake_sends("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n");
    http_fake_sends("GET /3 HTTP/1.1\r\nConnection: close\r\n\r\n");
    ck_assert(fake.closed);
    ftl_http_get_stats(fake.app, &st);
    ck_assert(st.requests == 3 && st.connections == 0 && st.accepted == 1);
    http_fake_open();
    http_fake_sends("GARBAGE\r\n\r\n"); // answered, never dispatched
    ftl_http_get_stats(fake.app, &st);
    ck_assert(st.requests == 3 && st.connections == 0 && st.accepted == 2);
}
END_TEST

// Leftovers of a read (the start of the next request) join the next read.
START_TEST(pipelined_requests_split_at_every_byte_are_answered_the_same)
{
    static const char two[] = "POST /a HTTP/1.1\r\nContent-Length: 2\r\n\r\n"
                              "hiGET /b HTTP/1.1\r\n\r\n";
    http_fake_sends(two);
    static char whole[sizeof(fake.out)];
    memcpy(whole, fake.out, sizeof(whole));
    ck_assert_int_eq(http_fake_count("HTTP/1.1 200"), 2);
    for (size_t i = 1; i < sizeof(two) - 1; i++) {
        http_fake_clear();
        http_fake_send(two, i);
        http_fake_send(two + i, sizeof(two) - 1 - i);
        ck_assert_msg(strcmp(fake.out, whole) == 0, "split at %zu", i);
        ck_assert(fake.reading && !fake.in_request);
    }
}
END_TEST

START_TEST(a_late_answer_holds_the_next_pipelined_request)
{
    http_fake_sends("GET /hold HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(held);
    ck_assert_uint_eq(fake.out_len, 0);
    ck_assert(!fake.reading); // no reads while answering: backpressure
    ck_assert_int_eq(fake.holds, 1);
    ftl_http_send_text(held, 201, "late");
    ck_assert_int_eq(http_fake_count("HTTP/1.1 "), 2);
    ck_assert_ptr_nonnull(strstr(fake.out, "201 Created"));
    ck_assert(strstr(fake.out, "late") < strstr(fake.out, "GET /after []"));
    ck_assert(fake.reading);
}
END_TEST

START_TEST(a_late_answer_after_the_client_left_is_dropped)
{
    http_fake_sends("GET /hold HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(held);
    http_fake_timeout(); // a transport error or time-out closes it
    ck_assert(fake.closed);
    ck_assert_int_eq(ftl_http_send_text(held, 200, "nobody"), 0);
    ck_assert_ptr_null(strstr(fake.out, "nobody")); // ASan checks the rest
}
END_TEST

START_TEST(a_chunked_body_is_decoded_and_its_trailer_kept)
{
    http_fake_sends(chunked_post);
    ck_assert_ptr_nonnull(strstr(fake.out, "POST /up [Wikipedia]"));
}
END_TEST

START_TEST(trailers_are_read_as_headers)
{
    // X-Empty, last and empty, is followed by the trailer's name.
    http_fake_sends("POST /trailer HTTP/1.1\r\n"
                    "Transfer-Encoding: chunked\r\nX-Empty:\r\n\r\n"
                    "2\r\nok\r\n0\r\nX-T: tv\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "empty=[] t=tv body=ok"));
}
END_TEST

START_TEST(a_bad_chunk_size_is_400_and_closes)
{
    http_fake_sends("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 400 Bad Request\r\n"));
    ck_assert_ptr_nonnull(strstr(fake.out, "Connection: close\r\n"));
    ck_assert(fake.closed);
}
END_TEST

START_TEST(a_streamed_response_is_chunked_for_http_1_1)
{
    http_fake_sends("GET /stream HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(fake.out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain"
                               "\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n");
    ck_assert(!fake.closed);
}
END_TEST

START_TEST(a_streamed_response_to_http_1_0_ends_with_the_connection)
{
    http_fake_sends("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    ck_assert_str_eq(fake.out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain"
                               "\r\nConnection: close\r\n\r\nhello world");
    ck_assert(fake.closed);
}
END_TEST

static void set_small_limits(void)
{
    struct ftl_http_limits l = {
        .line_max = 32, .header_max = 64, .headers_max = 3, .body_max = 10};
    ftl_http_set_limits(fake.app, &l);
}

START_TEST(a_long_target_is_414)
{
    set_small_limits();
    http_fake_sends(
        "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 414 URI Too Long\r\n"));
    ck_assert(fake.closed);
}
END_TEST

START_TEST(large_or_many_headers_are_431)
{
    set_small_limits();
    http_fake_sends("GET / HTTP/1.1\r\nA: 0123456789012345678901234567890"
                    "1234567890123456789012345678901234567890\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 431 "));
    ck_assert(fake.closed);

    http_fake_clear();
    http_fake_open();
    http_fake_sends("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 431 "));
    ck_assert(fake.closed);
}
END_TEST

START_TEST(the_limits_themselves_are_allowed)
{
    set_small_limits();
    http_fake_sends("POST /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa HTTP/1.1\r\n"
                    "A: 1\r\nB: 2\r\nContent-Length: 10\r\n\r\n0123456789");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 200 OK"));
}
END_TEST

START_TEST(a_large_body_is_413_by_length_or_by_chunks)
{
    set_small_limits();
    http_fake_sends("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 413 Payload Too Large"));
    ck_assert(fake.closed);

    http_fake_clear();
    http_fake_open();
    http_fake_sends("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "6\r\nabcdef\r\n");
    ck_assert_uint_eq(fake.out_len, 0);
    http_fake_sends("6\r\nabcdef\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 413 "));
    ck_assert(fake.closed);
}
END_TEST

START_TEST(expect_100_continue_is_answered_before_the_body)
{
    http_fake_sends("PUT /e HTTP/1.1\r\nContent-Length: 2\r\n"
                    "Expect: 100-continue\r\n\r\n");
    ck_assert_str_eq(fake.out, "HTTP/1.1 100 Continue\r\n\r\n");
    http_fake_sends("ok");
    ck_assert_ptr_nonnull(strstr(fake.out, "\r\n\r\nHTTP/1.1 200 OK\r\n"));
    ck_assert_ptr_nonnull(strstr(fake.out, "PUT /e [ok]"));
}
END_TEST

START_TEST(expect_with_a_too_large_body_is_413_without_100)
{
    set_small_limits();
    http_fake_sends("PUT /e HTTP/1.1\r\nContent-Length: 99\r\n"
                    "Expect: 100-continue\r\n\r\n");
    ck_assert_ptr_null(strstr(fake.out, "100 Continue"));
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 413 "));
}
END_TEST

START_TEST(an_unknown_expectation_is_417)
{
    http_fake_sends("PUT /e HTTP/1.1\r\nContent-Length: 2\r\n"
                    "Expect: something\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 417 "));
}
END_TEST

START_TEST(head_gets_the_length_without_the_body)
{
    http_fake_sends("HEAD /h HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(fake.out, "HTTP/1.1 200 OK\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "Content-Length: 10\r\n\r\n");
    // The next response starts right after the head.
    http_fake_sends("GET /g HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "\r\n\r\nHTTP/1.1 200 OK"));
}
END_TEST

START_TEST(http_1_1_closes_when_asked)
{
    http_fake_sends("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
                    "GET /ignored HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "Connection: close\r\n"));
    ck_assert_int_eq(http_fake_count("HTTP/1.1 "), 1);
    ck_assert(fake.closed);
}
END_TEST

START_TEST(http_1_0_closes_unless_kept_alive)
{
    http_fake_sends("GET / HTTP/1.0\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "Connection: close\r\n"));
    ck_assert(fake.closed);

    http_fake_clear();
    http_fake_open();
    http_fake_sends("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "Connection: keep-alive\r\n"));
    ck_assert(!fake.closed && fake.reading);
}
END_TEST

START_TEST(malformed_requests_are_400_501_or_505_and_close)
{
#define REQUEST(text) text, sizeof(text) - 1
    static const struct {
        const char *request;
        size_t len;
        const char *status;
    } cases[] = {
        {REQUEST("GARBAGE\r\n\r\n"), "HTTP/1.1 400 "},
        {REQUEST("PURGEX / HTTP/1.1\r\n\r\n"), "HTTP/1.1 501 "},
        {REQUEST("GE\0T / HTTP/1.1\r\n\r\n"), "HTTP/1.1 400 "},
        {REQUEST("\0"), "HTTP/1.1 400 "},
        {REQUEST("GET /\r\n"), "HTTP/1.1 400 "}, // HTTP/0.9: no headers come
        {REQUEST("GET / HTTP/1.1\r\nNo colon\r\n\r\n"), "HTTP/1.1 400 "},
        {REQUEST("GET / HTTP/2.0\r\n\r\n"), "HTTP/1.1 505 "},
        {REQUEST("GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"),
         "HTTP/1.1 400 "},
        {REQUEST("GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: "
                 "chunked\r\n\r\n"),
         "HTTP/1.1 400 "},
    };
#undef REQUEST
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        http_fake_clear();
        if (i > 0) {
            http_fake_open();
        }
        http_fake_send(cases[i].request, cases[i].len);
        ck_assert_msg(
            strncmp(fake.out, cases[i].status, strlen(cases[i].status)) == 0,
            "case %zu -> %s", i, fake.out);
        ck_assert(fake.closed);
    }
}
END_TEST

START_TEST(time_outs_are_408_inside_a_request_and_quiet_when_idle)
{
    http_fake_sends("GET / HTTP/1.1\r\nHost:");
    ck_assert(fake.in_request);
    http_fake_timeout();
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 408 Request Timeout"));
    ck_assert(fake.closed);

    http_fake_clear();
    http_fake_open();
    http_fake_sends("GET / HTTP/1.1\r\n\r\n");
    http_fake_clear();
    ck_assert(!fake.in_request);
    http_fake_timeout();
    ck_assert_uint_eq(fake.out_len, 0);
    ck_assert(fake.closed);
}
END_TEST

START_TEST(the_end_of_stream_closes_quietly)
{
    http_fake_sends("GET / HT");
    http_fake_eof();
    ck_assert_uint_eq(fake.out_len, 0);
    ck_assert(fake.closed);
}
END_TEST

static void bad_status(struct ftl_http_request *req,
                       struct ftl_http_response *res, void *arg)
{
    (void)req;
    (void)arg;
    ck_assert_int_eq(ftl_http_send_text(res, 42, "odd"), FTL_ERR_INVALID_ARG);
}

START_TEST(a_status_outside_200_599_is_answered_500)
{
    // An app of this route alone: the fixture's catch-all would win.
    http_fake_teardown();
    http_fake_reset();
    ftl_http_route(fake.app, "GET", "/bad", bad_status, NULL);
    http_fake_open();
    http_fake_sends("GET /bad HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(fake.out, "HTTP/1.1 500 Internal Server Error\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "Content-Length: 0\r\n\r\n");
}
END_TEST

START_TEST(response_headers_are_checked_and_sent)
{
    struct ftl_http_response res = {0};
    ck_assert_int_eq(ftl_http_set_header(&res, "X-A", "1\r\nEvil: 1"),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(ftl_http_set_header(&res, "Bad:Name", "1"),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(ftl_http_set_header(&res, "content-length", "1"),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(ftl_http_set_header(&res, "X-A", "1"), 0);
    ck_assert_str_eq(res.headers, "X-A: 1\r\n");
    free(res.headers);
    ck_assert_str_eq(ftl_http_reason(404), "Not Found");
    ck_assert_str_eq(ftl_http_reason(799), "");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http_server");
    TCase *t = tcase_create("protocol");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, a_simple_get_is_answered_and_kept_alive);
    tcase_add_test(t, a_request_split_at_every_byte_is_parsed_the_same);
    tcase_add_test(t, a_request_fed_one_byte_at_a_time_is_parsed);
    tcase_add_test(t, pipelined_requests_are_answered_in_order);
    tcase_add_test(t, many_pipelined_requests_in_one_read_are_all_answered);
    tcase_add_test(t, stats_count_requests_and_connections);
    tcase_add_test(t, a_whole_response_is_one_write);
    tcase_add_test(
        t, pipelined_requests_split_at_every_byte_are_answered_the_same);
    tcase_add_test(t, a_late_answer_holds_the_next_pipelined_request);
    tcase_add_test(t, a_late_answer_after_the_client_left_is_dropped);
    tcase_add_test(t, a_chunked_body_is_decoded_and_its_trailer_kept);
    tcase_add_test(t, trailers_are_read_as_headers);
    tcase_add_test(t, a_bad_chunk_size_is_400_and_closes);
    tcase_add_test(t, a_streamed_response_is_chunked_for_http_1_1);
    tcase_add_test(t, a_streamed_response_to_http_1_0_ends_with_the_connection);
    tcase_add_test(t, a_long_target_is_414);
    tcase_add_test(t, large_or_many_headers_are_431);
    tcase_add_test(t, the_limits_themselves_are_allowed);
    tcase_add_test(t, a_large_body_is_413_by_length_or_by_chunks);
    tcase_add_test(t, expect_100_continue_is_answered_before_the_body);
    tcase_add_test(t, expect_with_a_too_large_body_is_413_without_100);
    tcase_add_test(t, an_unknown_expectation_is_417);
    tcase_add_test(t, head_gets_the_length_without_the_body);
    tcase_add_test(t, http_1_1_closes_when_asked);
    tcase_add_test(t, http_1_0_closes_unless_kept_alive);
    tcase_add_test(t, malformed_requests_are_400_501_or_505_and_close);
    tcase_add_test(t, time_outs_are_408_inside_a_request_and_quiet_when_idle);
    tcase_add_test(t, the_end_of_stream_closes_quietly);
    tcase_add_test(t, a_status_outside_200_599_is_answered_500);
    tcase_add_test(t, response_headers_are_checked_and_sent);
    suite_add_tcase(s, t);
    return s;
}
