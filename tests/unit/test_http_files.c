// Static files from memory (sdk/lib/http_files.c): lookup under a route,
// the index, HEAD, ETag revalidation and refusals.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/http.h>

#include "http_fake.h"

static const char index_html[] = "<h1>hi</h1>";
static const char app_js[] = "alert(1)";
static const struct ftl_http_file files[] = {
    {"/index.html", "text/html", index_html, sizeof(index_html) - 1},
    {"/js/app.js", "text/javascript", app_js, sizeof(app_js) - 1},
};

static void setup(void)
{
    http_fake_reset();
    ck_assert_int_eq(ftl_http_files(fake.app, "/static/*", files, 2), 0);
    ck_assert_int_eq(ftl_http_files(fake.app, "/*", files, 1), 0);
    http_fake_open();
}

static void teardown(void)
{
    http_fake_teardown();
}

static void get(const char *request)
{
    http_fake_clear();
    http_fake_sends(request);
}

START_TEST(files_are_served_under_their_route)
{
    get("GET /static/js/app.js HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 200 OK\r\n"));
    ck_assert_ptr_nonnull(strstr(fake.out, "Content-Type: text/javascript"));
    ck_assert_ptr_nonnull(strstr(fake.out, "\r\n\r\nalert(1)"));
    get("GET /static/ HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "\r\n\r\n<h1>hi</h1>"));
    get("GET / HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "\r\n\r\n<h1>hi</h1>"));
}
END_TEST

START_TEST(unknown_files_are_404)
{
    get("GET /static/nope.css HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 404 "));
    get("GET /js/app.js HTTP/1.1\r\n\r\n"); // not in the root's table
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 404 "));
}
END_TEST

START_TEST(an_etag_turns_a_revalidation_into_304)
{
    get("GET /static/js/app.js HTTP/1.1\r\n\r\n");
    const char *tag = strstr(fake.out, "ETag: \"");
    ck_assert_ptr_nonnull(tag);
    char etag[32] = "";
    size_t n = strcspn(tag + 6, "\r");
    ck_assert_uint_lt(n, sizeof(etag));
    memcpy(etag, tag + 6, n);
    char request[128];
    snprintf(request, sizeof(request),
             "GET /static/js/app.js HTTP/1.1\r\nIf-None-Match: %s\r\n\r\n",
             etag);
    get(request);
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 304 Not Modified\r\n"));
    ck_assert_ptr_null(strstr(fake.out, "alert"));
    ck_assert_ptr_nonnull(strstr(fake.out, etag));
    // Another file's tag does not match.
    get("GET /static/ HTTP/1.1\r\n\r\n");
    ck_assert_ptr_null(strstr(fake.out, etag));
    get("GET /static/js/app.js HTTP/1.1\r\nIf-None-Match: \"x\"\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 200 OK\r\n"));
}
END_TEST

START_TEST(head_of_a_file_has_its_length_only)
{
    get("HEAD /static/js/app.js HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "Content-Length: 8\r\n"));
    ck_assert_ptr_null(strstr(fake.out, "alert"));
}
END_TEST

START_TEST(a_files_pattern_must_end_in_a_star)
{
    ck_assert_int_eq(ftl_http_files(fake.app, "/static", files, 2),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(ftl_http_files(fake.app, "static/*", files, 2),
                     FTL_ERR_INVALID_ARG);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http_files");
    TCase *t = tcase_create("files");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, files_are_served_under_their_route);
    tcase_add_test(t, unknown_files_are_404);
    tcase_add_test(t, an_etag_turns_a_revalidation_into_304);
    tcase_add_test(t, head_of_a_file_has_its_length_only);
    tcase_add_test(t, a_files_pattern_must_end_in_a_star);
    suite_add_tcase(s, t);
    return s;
}
