// The client helper (sdk/lib/client.c) against the fake IPC layer: the
// test plays the service with raw channel calls on the other end, and at
// the end a real server helper does.
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/drain.h>
#include <ftl/start.h>
#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/server.h>

#include "fake_ipc.h"
#include "loop_util.h"

static struct ftl_loop *loop;
static struct ftl_client *client;
static ftl_handle_t service; // the test's end

// A completion as recorded by done().
struct outcome {
    int calls;
    int error;
    uint64_t value;
    ftl_handle_t handle;
    char body[64];
    bool destroy_client; // from inside the callback
};

static void done(const struct ftl_result *result, void *arg)
{
    struct outcome *o = arg;
    o->calls++;
    o->error = result->error;
    o->value = result->value;
    o->handle = result->handle;
    strncpy(o->body, result->body, sizeof(o->body) - 1);
    if (o->destroy_client && client != NULL) {
        ftl_client_destroy(client);
        client = NULL;
    }
}

static ftl_handle_t client_end; // the channel the client calls on

static void setup(void)
{
    fake_ipc_reset();
    loop = ftl_loop_create();
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    service = ends[1];
    client_end = ends[0];
    client = ftl_client_create(loop, ends[0]);
    ck_assert_ptr_nonnull(client);
}

static void teardown(void)
{
    if (client != NULL) {
        ftl_client_destroy(client);
    }
    ftl_loop_destroy(loop);
    fake_ipc_reset();
}

// The service side: takes the next request.
static long take_request(struct ftl_msg *req, char *body)
{
    return ftl_channel_recv(service, req, body, FTL_MSG_BODY_MAX);
}

static void answer(const struct ftl_msg *req, uint32_t type, uint64_t arg0,
                   const char *body)
{
    struct ftl_msg reply = {.type = type,
                            .id = req->id,
                            .arg0 = arg0,
                            .body_len = body ? (uint32_t)strlen(body) : 0};
    ck_assert_int_eq(ftl_channel_send(service, &reply, body), 0);
}

START_TEST(replies_in_any_order_reach_their_own_calls)
{
    struct outcome o[3] = {0};
    const char *data[3] = {"one", "two", "three"};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(
            ftl_client_write(client, i, data[i], strlen(data[i]), done, &o[i]),
            0);
    }
    ck_assert_uint_eq(ftl_client_pending(client), 3);
    struct ftl_msg req[3];
    char body[FTL_MSG_BODY_MAX];
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(take_request(&req[i], body), strlen(data[i]));
        ck_assert_uint_eq(req[i].type, FTL_MSG_WRITE);
        ck_assert_uint_eq(req[i].arg0, i);
    }
    for (int i = 2; i >= 0; i--) { // backwards
        answer(&req[i], FTL_MSG_WRITE_REPLY, 10 + i, data[i]);
    }
    loop_run_pending(loop);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(o[i].calls, 1);
        ck_assert_int_eq(o[i].error, 0);
        ck_assert_uint_eq(o[i].value, 10 + i);
        ck_assert_str_eq(o[i].body, data[i]);
    }
    ck_assert_uint_eq(ftl_client_pending(client), 0);
}
END_TEST

START_TEST(error_replies_and_wrong_replies_complete_with_errors)
{
    struct outcome a = {0}, b = {0};
    ftl_client_getattr(client, "size", done, &a);
    ftl_client_getattr(client, "size", done, &b);
    struct ftl_msg req;
    char body[FTL_MSG_BODY_MAX];
    ck_assert_int_eq(take_request(&req, body), 4);
    ck_assert_mem_eq(body, "size", 4);
    answer(&req, FTL_MSG_ERROR_REPLY, (uint64_t)(int64_t)FTL_ERR_NOT_FOUND,
           NULL);
    take_request(&req, body);
    answer(&req, FTL_MSG_READ_REPLY, 0, NULL); // not a GETATTR reply
    loop_run_pending(loop);
    ck_assert_int_eq(a.error, FTL_ERR_NOT_FOUND);
    ck_assert_int_eq(b.error, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(a_reply_nobody_waits_for_is_dropped)
{
    struct outcome o = {0};
    ftl_client_setattr(client, "mode", "fast", done, &o);
    struct ftl_msg req, stray = {.type = FTL_MSG_SETATTR_REPLY, .id = 999};
    char body[FTL_MSG_BODY_MAX];
    ck_assert_int_eq(take_request(&req, body), 9);
    ck_assert_mem_eq(body, "mode=fast", 9);
    ftl_channel_send(service, &stray, NULL);
    loop_run_pending(loop);
    ck_assert_int_eq(o.calls, 0);
    answer(&req, FTL_MSG_SETATTR_REPLY, 0, NULL);
    loop_run_pending(loop);
    ck_assert_int_eq(o.calls, 1);
    ck_assert_int_eq(o.error, 0);
}
END_TEST

// Found by tests/net/ipc_fuzz.c: the supervisor forwarding an OPEN to a
// service that is only a client on its channel (http_server) waited for
// good, and the service's peer with it.
START_TEST(a_request_to_a_client_gets_an_error_reply)
{
    struct outcome o = {0};
    ftl_client_getattr(client, "size", done, &o);
    struct ftl_msg req, reply;
    char body[FTL_MSG_BODY_MAX];
    ck_assert_int_eq(take_request(&req, body), 4);
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    struct ftl_msg open = {.type = FTL_MSG_OPEN,
                           .id = req.id, // a call's id: still not a reply
                           .body_len = 12,
                           .handle = ends[0]};
    ck_assert_int_eq(ftl_channel_send(service, &open, "service/http"), 0);
    loop_run_pending(loop);
    ck_assert_int_eq(o.calls, 0);
    ck_assert_int_eq(ftl_channel_recv(service, &reply, body, sizeof(body)), 0);
    ck_assert_int_eq(reply.type, FTL_MSG_ERROR_REPLY);
    ck_assert_uint_eq(reply.id, req.id);
    ck_assert_int_eq((int64_t)reply.arg0, FTL_ERR_NOT_SUPPORTED);
    struct ftl_msg ping = {.type = FTL_MSG_GETATTR};
    ck_assert_int_eq(ftl_channel_send(ends[1], &ping, NULL),
                     FTL_ERR_PEER_CLOSED); // the moved handle was closed
    answer(&req, FTL_MSG_GETATTR_REPLY, 0, "3");
    loop_run_pending(loop);
    ck_assert_int_eq(o.calls, 1);
    ck_assert_int_eq(o.error, 0);
}
END_TEST

// The first channel is often only called on (an HTTP app's): the
// supervisor's drain request reaches the program's hooks through it.
static int drains;

static void count_drain(void *arg)
{
    (void)arg;
    drains++;
}

START_TEST(the_drain_request_on_the_first_channel_runs_the_hooks)
{
    static struct ftl_start_info first;
    first.channel = client_end;
    ftl_start_info = &first;
    drains = 0;
    ck_assert_int_eq(ftl_on_drain(count_drain, NULL), 0);
    static const char body[] = FTL_DRAIN_ATTR "=1";
    struct ftl_msg req = {.type = FTL_MSG_SETATTR, .id = 5,
                          .body_len = sizeof(body) - 1},
                   reply;
    ck_assert_int_eq(ftl_channel_send(service, &req, body), 0);
    loop_run_pending(loop);
    ck_assert_int_eq(ftl_channel_recv(service, &reply, NULL, 0), 0);
    ck_assert_int_eq(reply.type, FTL_MSG_SETATTR_REPLY);
    ck_assert_uint_eq(reply.id, 5);
    ck_assert_int_eq(drains, 1);
    ftl_start_info = NULL; // elsewhere the same request is refused
    ck_assert_int_eq(ftl_channel_send(service, &req, body), 0);
    loop_run_pending(loop);
    ck_assert_int_eq(ftl_channel_recv(service, &reply, NULL, 0), 0);
    ck_assert_int_eq(reply.type, FTL_MSG_ERROR_REPLY);
    ck_assert_int_eq(drains, 1);
}
END_TEST

START_TEST(the_services_death_fails_every_call_in_flight)
{
    struct outcome o[5] = {0};
    for (int i = 0; i < 5; i++) {
        ftl_client_write(client, 0, "x", 1, done, &o[i]);
    }
    struct ftl_msg req;
    char body[FTL_MSG_BODY_MAX];
    take_request(&req, body);
    answer(&req, FTL_MSG_WRITE_REPLY, 1, NULL); // the first one made it
    ftl_handle_close(service);
    loop_run_pending(loop);
    ck_assert_int_eq(o[0].error, 0);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(o[i].calls, 1);
    }
    for (int i = 1; i < 5; i++) {
        ck_assert_int_eq(o[i].error, FTL_ERR_PEER_CLOSED);
    }
    struct outcome late = {0};
    ck_assert_int_eq(ftl_client_write(client, 0, "x", 1, done, &late),
                     FTL_ERR_PEER_CLOSED);
    ck_assert_int_eq(late.calls, 0);
}
END_TEST

START_TEST(destroying_the_client_from_a_failing_callback_is_safe)
{
    struct outcome o[3] = {{.destroy_client = true}, {0}, {0}};
    for (int i = 0; i < 3; i++) {
        ftl_client_write(client, 0, "x", 1, done, &o[i]);
    }
    ftl_handle_close(service);
    loop_run_pending(loop); // ASan would catch a use after free
    ck_assert_ptr_null(client);
    ck_assert_int_eq(o[0].calls, 1);
    ck_assert_int_eq(o[1].calls + o[2].calls, 0); // dropped with the client
}
END_TEST

START_TEST(the_call_after_the_last_slot_is_refused)
{
    static struct outcome o[FTL_CLIENT_CALLS_MAX];
    for (int i = 0; i < FTL_CLIENT_CALLS_MAX; i++) {
        ck_assert_int_eq(ftl_client_write(client, 0, "x", 1, done, &o[i]), 0);
    }
    struct outcome extra = {0};
    ck_assert_int_eq(ftl_client_write(client, 0, "x", 1, done, &extra),
                     FTL_ERR_WOULD_BLOCK);
    // Answer one: its slot is free again, under a new id.
    struct ftl_msg req;
    char body[FTL_MSG_BODY_MAX];
    take_request(&req, body);
    uint64_t first_id = req.id;
    answer(&req, FTL_MSG_WRITE_REPLY, 1, NULL);
    loop_run_pending(loop);
    ck_assert_int_eq(ftl_client_write(client, 0, "x", 1, done, &extra), 0);
    for (int i = 0; i < FTL_CLIENT_CALLS_MAX; i++) {
        take_request(&req, body);
    }
    ck_assert_uint_ne(req.id, first_id);
    answer(&(struct ftl_msg){.id = first_id}, FTL_MSG_WRITE_REPLY, 1, NULL);
    loop_run_pending(loop);
    ck_assert_int_eq(extra.calls, 0); // the old id does not complete it
}
END_TEST

START_TEST(large_reads_and_writes_lend_the_buffer)
{
    size_t size = FTL_MSG_BODY_MAX + 1;
    char *buffer = calloc(1, size);
    struct outcome r = {0};
    ftl_client_read(client, 5, buffer, size, done, &r);
    struct ftl_msg req;
    char body[FTL_MSG_BODY_MAX];
    ck_assert_int_eq(take_request(&req, body), 0);
    ck_assert_uint_eq(req.loan_len, size);
    ck_assert_uint_eq(req.arg0, 5);
    ck_assert_int_eq(ftl_copy_to_caller(service, req.id, size - 3, "end", 3),
                     3);
    answer(&req, FTL_MSG_READ_REPLY, size, NULL);
    loop_run_pending(loop);
    ck_assert_uint_eq(r.value, size);
    ck_assert_mem_eq(buffer + size - 3, "end", 3);
    struct outcome w = {0};
    ftl_client_write(client, 0, buffer, size, done, &w);
    ck_assert_int_eq(take_request(&req, body), 0);
    ck_assert_uint_eq(req.loan_len, size);
    free(buffer);
}
END_TEST

START_TEST(small_reads_come_inline_into_the_buffer)
{
    char buffer[8] = {0};
    struct outcome r = {0};
    ftl_client_read(client, 0, buffer, 5, done, &r);
    struct ftl_msg req;
    char body[FTL_MSG_BODY_MAX];
    take_request(&req, body);
    ck_assert_uint_eq(req.loan_len, 0);
    ck_assert_uint_eq(req.arg1, 5);
    answer(&req, FTL_MSG_READ_REPLY, 5, "hello");
    loop_run_pending(loop);
    ck_assert_int_eq(r.error, 0);
    ck_assert_uint_eq(r.value, 5);
    ck_assert_str_eq(buffer, "hello");
}
END_TEST

// The two helpers together, as services use them.
static void on_open(struct ftl_request *req, const char *path)
{
    char *copy = malloc(strlen(path) + 1);
    strcpy(copy, path);
    ftl_request_reply_channel(req, copy);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    (void)name;
    const char *path = ftl_request_context(req);
    ftl_request_reply(req, 0, path, strlen(path));
}

static void on_close(struct ftl_server *server, void *context)
{
    (void)server;
    free(context);
}

START_TEST(a_client_opens_and_calls_through_a_server_helper)
{
    static const struct ftl_server_ops ops = {
        .on_open = on_open, .on_getattr = on_getattr, .on_close = on_close};
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    ftl_server_serve(server, service, NULL);
    struct outcome opened = {0};
    ftl_client_open(client, "files/readme", done, &opened);
    loop_run_pending(loop);
    ck_assert_int_eq(opened.error, 0);
    ck_assert_int_gt(opened.handle, 0);
    struct ftl_client *file = ftl_client_create(loop, opened.handle);
    struct outcome attr = {0};
    ftl_client_getattr(file, "path", done, &attr);
    loop_run_pending(loop);
    ck_assert_str_eq(attr.body, "files/readme");
    ftl_client_destroy(file);
    loop_run_pending(loop); // the server sees the close and frees the context
    ck_assert_int_eq(ftl_server_destroy(server), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("client");
    TCase *t = tcase_create("client");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, replies_in_any_order_reach_their_own_calls);
    tcase_add_test(t, error_replies_and_wrong_replies_complete_with_errors);
    tcase_add_test(t, a_reply_nobody_waits_for_is_dropped);
    tcase_add_test(t, a_request_to_a_client_gets_an_error_reply);
    tcase_add_test(t, the_services_death_fails_every_call_in_flight);
    tcase_add_test(t, destroying_the_client_from_a_failing_callback_is_safe);
    tcase_add_test(t, the_call_after_the_last_slot_is_refused);
    tcase_add_test(t, the_drain_request_on_the_first_channel_runs_the_hooks);
    tcase_add_test(t, large_reads_and_writes_lend_the_buffer);
    tcase_add_test(t, small_reads_come_inline_into_the_buffer);
    tcase_add_test(t, a_client_opens_and_calls_through_a_server_helper);
    suite_add_tcase(s, t);
    return s;
}
