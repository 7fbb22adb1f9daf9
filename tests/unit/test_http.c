// apps/http_server's request-head parser.
#include <check.h>
#include <string.h>

#include "http.h"

static int parse(const char *text, struct http_request *req)
{
    size_t head = http_head_length(text, strlen(text));
    ck_assert_uint_gt(head, 0);
    return http_parse(text, head, req);
}

START_TEST(head_ends_at_the_empty_line)
{
    const char *t = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next";
    ck_assert_uint_eq(http_head_length(t, strlen(t)), 27);
    ck_assert_uint_eq(http_head_length("GET / HTTP/1.1\r\nHost:", 21), 0);
    ck_assert_uint_eq(http_head_length("GET / HTTP/1.1\n\n", 16), 16);
}
END_TEST

START_TEST(request_line_and_keep_alive)
{
    struct http_request r;
    ck_assert_int_eq(parse("GET /a/b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    ck_assert_str_eq(r.method, "GET");
    ck_assert_str_eq(r.path, "/a/b");
    ck_assert(r.keep_alive);
    ck_assert_int_eq(r.content_length, -1);
    ck_assert_int_eq(parse("HEAD / HTTP/1.1\r\nConnection: Close\r\n\r\n", &r),
                     0);
    ck_assert(!r.keep_alive);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);
    ck_assert(!r.keep_alive);
    ck_assert_int_eq(
        parse("GET / HTTP/1.0\r\nconnection: te, keep-alive\r\n\r\n", &r), 0);
    ck_assert(r.keep_alive);
}
END_TEST

START_TEST(content_length_and_transfer_encoding)
{
    struct http_request r;
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n", &r),
                     0);
    ck_assert_int_eq(r.content_length, 12);
    ck_assert_int_eq(
        parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &r), 0);
    ck_assert(r.chunked);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", &r),
                     400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nContent-Length: 1\r\n"
                           "Content-Length: 1\r\n\r\n",
                           &r),
                     400);
}
END_TEST

START_TEST(malformed_heads_are_400_or_505)
{
    struct http_request r;
    ck_assert_int_eq(parse("GARBAGE\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET  / HTTP/1.1\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET / HTTP/1.1 x\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET http://a/ HTTP/1.1\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET / HTTP/2.0\r\n\r\n", &r), 505);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nNo colon\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nA : b\r\n\r\n", &r), 400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", &r),
                     400);
    ck_assert_int_eq(parse("G(T / HTTP/1.1\r\n\r\n", &r), 400);
}
END_TEST

// A NUL is no token character (strchr finds the string's terminator).
START_TEST(a_nul_in_the_method_is_400)
{
    static const char text[] = "GE\0T / HTTP/1.1\r\n\r\n";
    struct http_request r;
    size_t head = http_head_length(text, sizeof(text) - 1);
    ck_assert_uint_gt(head, 0);
    ck_assert_int_eq(http_parse(text, head, &r), 400);
    ck_assert_int_eq(http_check_start(text, 3), 400);
}
END_TEST

// What an unfinished head already shows is answered without waiting for
// the rest: an HTTP/0.9 request line never gets its empty line.
START_TEST(a_bad_start_is_found_before_the_head_ends)
{
    ck_assert_int_eq(http_check_start("GET /\r\n", 7), 400);
    ck_assert_int_eq(http_check_start("GET / HTTP/2.0\r\nHost", 20), 505);
    ck_assert_int_eq(http_check_start("G(T", 3), 400);
    ck_assert_int_eq(http_check_start("ABCDEFGHIJKLMNOP", 16), 400);
    // Nothing wrong so far: wait for more.
    ck_assert_int_eq(http_check_start("ABCDEFGHIJKLMNO", 15), 0);
    ck_assert_int_eq(http_check_start("GET /index.ht", 13), 0);
    ck_assert_int_eq(http_check_start("GET / HTTP/1.1\r\nHo", 18), 0);
    ck_assert_int_eq(http_check_start("GET / HTTP/1.9\r\n", 16), 0);
}
END_TEST

START_TEST(long_targets_are_414)
{
    static char text[HTTP_TARGET_MAX + 64];
    strcpy(text, "GET /");
    memset(text + 5, 'a', HTTP_TARGET_MAX);
    strcpy(text + 5 + HTTP_TARGET_MAX, " HTTP/1.1\r\n\r\n");
    struct http_request r;
    ck_assert_int_eq(parse(text, &r), 414);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http");
    TCase *t = tcase_create("parse");
    tcase_add_test(t, head_ends_at_the_empty_line);
    tcase_add_test(t, request_line_and_keep_alive);
    tcase_add_test(t, content_length_and_transfer_encoding);
    tcase_add_test(t, malformed_heads_are_400_or_505);
    tcase_add_test(t, a_nul_in_the_method_is_400);
    tcase_add_test(t, a_bad_start_is_found_before_the_head_ends);
    tcase_add_test(t, long_targets_are_414);
    suite_add_tcase(s, t);
    return s;
}
