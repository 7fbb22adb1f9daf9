// JSON helpers (sdk/lib/http_json.c): a JSON body parsed for the handler
// or answered 400 for it, and JSON responses.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <cJSON.h>
#include <ftl/http.h>

#include "http_fake.h"

static int handled; // handler runs that got a body

static void create(struct ftl_http_request *req, struct ftl_http_response *res,
                   void *arg)
{
    (void)arg;
    cJSON *body = ftl_http_json_body(req, res);
    if (!body) {
        return;
    }
    handled++;
    ck_assert_ptr_eq(ftl_http_json_body(req, res), body); // parsed once
    cJSON *name = cJSON_GetObjectItem(body, "name");
    cJSON *out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "hello",
                            cJSON_IsString(name) ? name->valuestring : "?");
    cJSON_AddNumberToObject(out, "n", 2);
    ftl_http_send_json(res, 201, out);
}

static void setup(void)
{
    http_fake_reset();
    handled = 0;
    ftl_http_route(fake.app, "POST", "/items", create, NULL);
    http_fake_open();
}

static void teardown(void)
{
    http_fake_teardown();
}

static void post(const char *json)
{
    char request[512];
    snprintf(request, sizeof(request),
             "POST /items HTTP/1.1\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n%s",
             strlen(json), json);
    http_fake_clear();
    http_fake_sends(request);
}

START_TEST(a_json_body_is_parsed_and_a_json_answer_sent)
{
    post("{\"name\": \"ada\"}");
    ck_assert_int_eq(handled, 1);
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 201 Created\r\n"));
    ck_assert_ptr_nonnull(
        strstr(fake.out, "Content-Type: application/json\r\n"));
    ck_assert_ptr_nonnull(
        strstr(fake.out, "\r\n\r\n{\"hello\":\"ada\",\"n\":2}"));
}
END_TEST

START_TEST(malformed_json_is_400_and_skips_the_handler)
{
    static const char *bad[] = {"{\"name\": ", "{\"a\":1} trailing", "", "nul",
                                "[1,]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        post(bad[i]);
        ck_assert_msg(strstr(fake.out, "HTTP/1.1 400 Bad Request\r\n"),
                      "%s -> %s", bad[i], fake.out);
        ck_assert_ptr_nonnull(strstr(fake.out, "{\"error\":"));
        ck_assert(!fake.closed); // the request was well-formed HTTP
    }
    ck_assert_int_eq(handled, 0);
    // Deeper than libftl's nesting limit (64): refused, not recursed into.
    char deep[2 * 100 + 1] = "";
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    post(deep);
    ck_assert_ptr_nonnull(strstr(fake.out, "HTTP/1.1 400 "));
    ck_assert_int_eq(handled, 0);
    memset(deep, 0, sizeof(deep));
    memset(deep, '[', 60);
    memset(deep + 60, ']', 60);
    post(deep);
    ck_assert_int_eq(handled, 1);
    post("  [1, 2]\r\n"); // white space around a value is fine
    ck_assert_int_eq(handled, 2);
}
END_TEST

// What a handler sends when building its JSON ran out of memory.
static void nothing(struct ftl_http_request *req, struct ftl_http_response *res,
                    void *arg)
{
    (void)req;
    (void)arg;
    ftl_http_send_json(res, 200, NULL);
}

START_TEST(sending_no_json_is_500)
{
    ftl_http_route(fake.app, "GET", "/nothing", nothing, NULL);
    http_fake_sends("GET /nothing HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(
        strstr(fake.out, "HTTP/1.1 500 Internal Server Error\r\n"));
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("http_json");
    TCase *t = tcase_create("json");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, a_json_body_is_parsed_and_a_json_answer_sent);
    tcase_add_test(t, malformed_json_is_400_and_skips_the_handler);
    tcase_add_test(t, sending_no_json_is_500);
    suite_add_tcase(s, t);
    return s;
}
