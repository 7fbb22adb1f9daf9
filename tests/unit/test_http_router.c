// Routing and the request's read side (sdk/lib/http_router.c,
// http_request.c): path parameters, 404, 405 with Allow, query and path
// decoding, headers, hooks, request ids and the done hook.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/http.h>

#include "http_fake.h"

extern char http_fake_log[];

static char seen[512];

static void item(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    snprintf(seen, sizeof(seen), "%s id=%s sub=%s", (const char *)arg,
             ftl_http_param(req, "id"),
             ftl_http_param(req, "sub") ? ftl_http_param(req, "sub") : "-");
    ftl_http_send_text(res, 200, seen);
}

static void search(struct ftl_http_request *req, struct ftl_http_response *res,
                   void *arg)
{
    (void)arg;
    const char *keys[] = {"q", "n", "empty", "flag", "missing"};
    const char *v[5];
    for (int i = 0; i < 5; i++) {
        v[i] = ftl_http_query(req, keys[i]);
        v[i] = v[i] ? v[i] : "(null)";
    }
    snprintf(seen, sizeof(seen), "path=%s q=%s n=%s empty=%s flag=%s %s",
             ftl_http_path(req), v[0], v[1], v[2], v[3], v[4]);
    ftl_http_send_text(res, 200, seen);
}

static void headers(struct ftl_http_request *req, struct ftl_http_response *res,
                    void *arg)
{
    (void)arg;
    const char *none = ftl_http_header(req, "X-None");
    snprintf(seen, sizeof(seen), "ua=%s acc=%s empty=[%s] none=%s",
             ftl_http_header(req, "user-agent"), ftl_http_header(req, "ACCEPT"),
             ftl_http_header(req, "X-Empty"), none ? none : "(null)");
    ftl_http_send_text(res, 200, seen);
}

static void setup(void)
{
    http_fake_reset();
    seen[0] = '\0';
    ftl_http_route(fake.app, "GET", "/items/:id", item, "get");
    ftl_http_route(fake.app, "DELETE", "/items/:id", item, "delete");
    ftl_http_route(fake.app, "GET", "/items/:id/parts/:sub", item, "part");
    ftl_http_route(fake.app, "POST", "/items", item, "create");
    ftl_http_route(fake.app, "GET", "/search", search, NULL);
    ftl_http_route(fake.app, "GET", "/files/*", search, NULL);
    ftl_http_route(fake.app, "GET", "/headers", headers, NULL);
}

static void teardown(void)
{
    http_fake_teardown();
}

static void get(const char *request)
{
    http_fake_clear();
    if (!fake.session) {
        http_fake_open();
    }
    http_fake_sends(request);
}

START_TEST(path_parameters_are_matched_and_decoded)
{
    get("GET /items/42 HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(seen, "get id=42 sub=-");
    get("DELETE /items/a%20b HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(seen, "delete id=a b sub=-");
    get("GET /items/7/parts/x HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(seen, "part id=7 sub=x");
}
END_TEST

START_TEST(unknown_paths_are_404)
{
    get("GET /nothing HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 404 Not Found\r\n"));
    get("GET /items/ HTTP/1.1\r\n\r\n"); // an empty parameter
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 404 "));
    get("GET /items/1/2 HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 404 "));
    ck_assert(!fake.closed); // a 404 keeps the connection
}
END_TEST

START_TEST(a_known_path_with_another_method_is_405_with_allow)
{
    get("PUT /items/3 HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(
        strstr(fake.out, "HTTP/1.1 405 Method Not Allowed\r\n"));
    ck_assert_ptr_nonnull(strstr(fake.out, "Allow: GET, HEAD, DELETE\r\n"));
    get("GET /items HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "Allow: POST\r\n"));
    ck_assert_str_eq(seen, "");
}
END_TEST

START_TEST(options_lists_the_methods_of_a_known_path)
{
    get("OPTIONS /items/3 HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 204 No Content\r\n"));
    ck_assert_ptr_nonnull(
        strstr(fake.out, "Allow: GET, HEAD, DELETE, OPTIONS\r\n"));
    ck_assert_ptr_null(strstr(fake.out, "Content-Length"));
    get("OPTIONS /nothing HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 404 "));
}
END_TEST

START_TEST(get_routes_answer_head)
{
    get("HEAD /items/9 HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(seen, "get id=9 sub=-");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 200 OK"));
}
END_TEST

START_TEST(the_query_is_decoded)
{
    get("GET /search?q=a+b%26c&n=%41%4&empty=&flag&&q=second "
        "HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(seen, "path=/search q=a b&c n=A%4 empty= flag= (null)");
    // Routes match the path as sent; handlers see it decoded.
    get("GET /files/a%2Fb+c%20d HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(seen, "path=/files/a/b+c d q=(null) n=(null) "
                           "empty=(null) flag=(null) (null)");
}
END_TEST

START_TEST(headers_are_found_whatever_their_case)
{
    get("GET /headers HTTP/1.1\r\nUser-Agent: t/1\r\nAccept: */*\r\n"
        "X-Empty:\r\n\r\n");
    ck_assert_str_eq(seen, "ua=t/1 acc=*/* empty=[] none=(null)");
}
END_TEST

static int hook_calls;
static bool deny_hook(struct ftl_http_request *req,
                      struct ftl_http_response *res, void *arg)
{
    (void)arg;
    hook_calls++;
    if (ftl_http_header(req, "X-Deny")) {
        ftl_http_send_text(res, 403, NULL);
        return false;
    }
    ftl_http_set_header(res, "X-Hooked", "yes");
    return true;
}

START_TEST(hooks_run_before_routes_and_may_answer)
{
    hook_calls = 0;
    ftl_http_use(fake.app, deny_hook, NULL);
    get("GET /items/1 HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "X-Hooked: yes\r\n"));
    ck_assert_str_eq(seen, "get id=1 sub=-");
    seen[0] = '\0';
    get("GET /items/1 HTTP/1.1\r\nX-Deny: 1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 403 Forbidden"));
    ck_assert_str_eq(seen, "");
    ck_assert_int_eq(hook_calls, 2);
}
END_TEST

START_TEST(request_ids_are_kept_or_made_and_logged)
{
    ftl_http_use_request_id(fake.app);
    ftl_http_log_requests(fake.app);
    get("GET /items/5 HTTP/1.1\r\nX-Request-Id: abc-123\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "X-Request-Id: abc-123\r\n"));
    ck_assert_ptr_nonnull(strstr(http_fake_log, "GET /items/5 200 "));
    ck_assert_ptr_nonnull(strstr(http_fake_log, "id=abc-123"));
    get("GET /items/5 HTTP/1.1\r\nX-Request-Id: bad id\r\n\r\n");
    const char *id = strstr(fake.out, "X-Request-Id: ");
    ck_assert_ptr_nonnull(id);
    ck_assert_ptr_null(strstr(fake.out, "bad id"));
    get("GET /nothing HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(http_fake_log, "GET /nothing 404 "));
}
END_TEST

// Starts a streamed answer and leaves it to the test.
static struct ftl_http_response *streaming;
static void stream_start(struct ftl_http_request *req,
                         struct ftl_http_response *res, void *arg)
{
    (void)req;
    (void)arg;
    ftl_http_start(res, 200, "text/plain");
    ftl_http_write(res, "first", 5);
    streaming = res;
}

// Over TCP, a client that left is found by a write failing: the streamer
// is told, the done hook says 0, and the connection closes.
START_TEST(a_stream_whose_client_left_is_done_with_status_0)
{
    ftl_http_route(fake.app, "GET", "/stream", stream_start, NULL);
    ftl_http_log_requests(fake.app);
    get("GET /stream HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(fake.out, "5\r\nfirst\r\n"));
    fake.write_error = FTL_ERR_PEER_CLOSED;
    ck_assert_int_eq(ftl_http_write(streaming, "second", 6),
                     FTL_ERR_PEER_CLOSED);
    ck_assert(!fake.closed);
    ftl_http_end(streaming);
    ck_assert_ptr_nonnull(strstr(http_fake_log, "GET /stream 0 "));
    ck_assert(fake.closed);
}
END_TEST

START_TEST(routes_need_a_leading_slash)
{
    ck_assert_int_lt(ftl_http_route(fake.app, "GET", "x", item, NULL), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http_router");
    TCase *t = tcase_create("router");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, path_parameters_are_matched_and_decoded);
    tcase_add_test(t, unknown_paths_are_404);
    tcase_add_test(t, a_known_path_with_another_method_is_405_with_allow);
    tcase_add_test(t, options_lists_the_methods_of_a_known_path);
    tcase_add_test(t, get_routes_answer_head);
    tcase_add_test(t, the_query_is_decoded);
    tcase_add_test(t, headers_are_found_whatever_their_case);
    tcase_add_test(t, hooks_run_before_routes_and_may_answer);
    tcase_add_test(t, request_ids_are_kept_or_made_and_logged);
    tcase_add_test(t, a_stream_whose_client_left_is_done_with_status_0);
    tcase_add_test(t, routes_need_a_leading_slash);
    suite_add_tcase(s, t);
    return s;
}
