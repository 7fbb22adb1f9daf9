// The server helper (sdk/lib/server.c) against the fake IPC layer: the
// test plays the caller with raw channel calls on the other end.
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/client.h>
#include <ftl/drain.h>
#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/server.h>
#include <ftl/start.h>

#include "fake_ipc.h"
#include "loop_util.h"

static struct ftl_loop *loop;
static struct ftl_server *server;
static ftl_handle_t caller; // the test's end; the server serves the other
static ftl_handle_t served;

// What the handlers saw.
static struct {
    char path[64], name[64], value[64];
    uint64_t offset;
    size_t len;
    uint8_t *data;
    void *context;
    struct ftl_request *held; // a request left to complete later
    int closes;
    void *closed_context;
} seen;

static uint8_t read_source[200 * 1024];

static void on_open(struct ftl_request *req, const char *path)
{
    strcpy(seen.path, path);
    ftl_request_reply_channel(req, (void *)0x1234);
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    seen.offset = offset;
    seen.len = len;
    seen.context = ftl_request_context(req);
    // Offers more than asked: the helper cuts it to what the caller lent.
    ftl_request_reply_data(req, read_source + offset, sizeof(read_source) / 2);
}

static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    seen.offset = offset;
    seen.len = len;
    free(seen.data);
    seen.data = malloc(len);
    memcpy(seen.data, data, len);
    seen.held = req; // completed by the test
}

static void on_setattr(struct ftl_request *req, const char *name,
                       const char *value)
{
    strcpy(seen.name, name);
    strcpy(seen.value, value);
    ftl_request_reply(req, 0, NULL, 0);
}

static void on_close(struct ftl_server *s, void *context)
{
    ck_assert_ptr_eq(s, server);
    seen.closes++;
    seen.closed_context = context;
}

static const struct ftl_server_ops ops = {
    .on_open = on_open,
    .on_read = on_read,
    .on_write = on_write,
    .on_setattr = on_setattr,
    .on_close = on_close,
};

static void setup(void)
{
    fake_ipc_reset();
    memset(&seen, 0, sizeof(seen));
    for (size_t i = 0; i < sizeof(read_source); i++) {
        read_source[i] = (uint8_t)(i * 13 + i / 251);
    }
    loop = ftl_loop_create();
    server = ftl_server_create(loop, &ops, &seen);
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    caller = ends[0];
    served = ends[1];
    ck_assert_int_eq(ftl_server_serve(server, ends[1], NULL), 0);
}

static void teardown(void)
{
    free(seen.data);
    ck_assert_int_eq(ftl_server_destroy(server), 0);
    ftl_loop_destroy(loop);
    fake_ipc_reset();
}

static long call(ftl_handle_t channel, struct ftl_msg *req, const void *body,
                 struct ftl_msg *reply, void *reply_body, size_t max)
{
    ck_assert_int_eq(ftl_channel_send(channel, req, body), 0);
    loop_run_pending(loop);
    return ftl_channel_recv(channel, reply, reply_body, max);
}

// The supervisor connecting a client: OPEN service/NAME is answered by the
// helper itself with a new channel, served like the first, whatever
// on_open would have said.
START_TEST(open_of_a_service_path_gives_a_served_channel)
{
    struct ftl_msg req = {.type = FTL_MSG_OPEN, .id = 3, .body_len = 10},
                   reply;
    ck_assert_int_eq(call(caller, &req, "service/kv", &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_OPEN_REPLY);
    ck_assert_int_gt(reply.handle, 0);
    ck_assert_str_eq(seen.path, ""); // on_open was not asked
    struct ftl_msg set = {.type = FTL_MSG_SETATTR, .id = 4, .body_len = 3};
    ck_assert_int_eq(call(reply.handle, &set, "a=b", &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_SETATTR_REPLY);
    ck_assert_str_eq(seen.name, "a");
}
END_TEST

static struct ftl_result called_back;
static int callbacks;

static void on_result(const struct ftl_result *result, void *arg)
{
    (void)arg;
    called_back = *result;
    callbacks++;
}

// A served channel also carries calls the other way: the server's own
// requests go out on it and their replies come back to its client, while
// requests from the peer still reach the handlers.
START_TEST(a_served_channel_carries_calls_both_ways)
{
    callbacks = 0;
    ck_assert_ptr_null(ftl_server_client(server, caller)); // not served
    struct ftl_client *out = ftl_server_client(server, served);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_eq(ftl_server_client(server, served), out); // one only
    ck_assert_int_eq(ftl_client_getattr(out, "status", on_result, NULL), 0);
    struct ftl_msg incoming;
    char body[32];
    ck_assert_int_eq(ftl_channel_recv(caller, &incoming, body, sizeof(body)),
                     6);
    ck_assert_uint_eq(incoming.type, FTL_MSG_GETATTR);
    // A request from the caller meanwhile still reaches its handler.
    struct ftl_msg set = {.type = FTL_MSG_SETATTR, .id = 9, .body_len = 3},
                   reply;
    ck_assert_int_eq(call(caller, &set, "x=y", &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_SETATTR_REPLY);
    ck_assert_int_eq(callbacks, 0);
    struct ftl_msg answer = {.type = FTL_MSG_GETATTR_REPLY,
                             .id = incoming.id,
                             .body_len = 2};
    ck_assert_int_eq(ftl_channel_send(caller, &answer, "ok"), 0);
    loop_run_pending(loop);
    ck_assert_int_eq(callbacks, 1);
    ck_assert_int_eq(called_back.error, 0);
    ck_assert_str_eq(called_back.body, "ok");
    // The peer goes: a call still in flight fails instead of hanging.
    ck_assert_int_eq(ftl_client_getattr(out, "again", on_result, NULL), 0);
    ftl_handle_close(caller);
    loop_run_pending(loop);
    ck_assert_int_eq(callbacks, 2);
    ck_assert_int_eq(called_back.error, FTL_ERR_PEER_CLOSED);
}
END_TEST

START_TEST(types_without_a_handler_get_not_supported)
{
    uint32_t types[] = {FTL_MSG_GETATTR, 12345};
    for (int i = 0; i < 2; i++) {
        struct ftl_msg req = {.type = types[i], .id = 77 + i}, reply;
        ck_assert_int_eq(call(caller, &req, NULL, &reply, NULL, 0), 0);
        ck_assert_uint_eq(reply.type, FTL_MSG_ERROR_REPLY);
        ck_assert_uint_eq(reply.id, 77 + i);
        ck_assert_int_eq((int)reply.arg0, FTL_ERR_NOT_SUPPORTED);
    }
}
END_TEST

START_TEST(setattr_arrives_split_and_malformed_ones_are_refused)
{
    struct ftl_msg req = {.type = FTL_MSG_SETATTR, .id = 1, .body_len = 13},
                   reply;
    ck_assert_int_eq(call(caller, &req, "colour=green=", &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_SETATTR_REPLY);
    ck_assert_str_eq(seen.name, "colour");
    ck_assert_str_eq(seen.value, "green=");
    req.body_len = 6;
    ck_assert_int_eq(call(caller, &req, "colour", &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_ERROR_REPLY);
    ck_assert_int_eq((int)reply.arg0, FTL_ERR_INVALID_ARG);
}
END_TEST

START_TEST(a_request_completes_later_from_elsewhere)
{
    struct ftl_msg req = {.type = FTL_MSG_WRITE,
                          .id = 5,
                          .arg0 = 9,
                          .body_len = 4},
                   reply;
    ck_assert_int_eq(call(caller, &req, "data", &reply, NULL, 0),
                     FTL_ERR_WOULD_BLOCK); // no reply yet
    ck_assert_ptr_nonnull(seen.held);
    ck_assert_uint_eq(seen.offset, 9);
    ck_assert_uint_eq(seen.len, 4);
    ck_assert_mem_eq(seen.data, "data", 4);
    ck_assert_int_eq(ftl_request_msg(seen.held)->id, 5);
    ck_assert_ptr_eq(ftl_request_server(seen.held), server);
    ck_assert_int_eq(ftl_request_reply(seen.held, 4, NULL, 0), 0);
    ck_assert_int_eq(ftl_channel_recv(caller, &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_WRITE_REPLY);
    ck_assert_uint_eq(reply.id, 5);
    ck_assert_uint_eq(reply.arg0, 4);
}
END_TEST

START_TEST(large_writes_come_through_the_loan_as_one_buffer)
{
    size_t size = 100 * 1024 + 3;
    uint8_t *data = malloc(size);
    for (size_t i = 0; i < size; i++) {
        data[i] = (uint8_t)(i * 7);
    }
    struct ftl_msg req = {.type = FTL_MSG_WRITE,
                          .id = 6,
                          .loan_base = (uint64_t)(uintptr_t)data,
                          .loan_len = size},
                   reply;
    call(caller, &req, NULL, &reply, NULL, 0);
    ck_assert_uint_eq(seen.len, size);
    ck_assert_mem_eq(seen.data, data, size);
    ftl_request_reply(seen.held, size, NULL, 0);
    free(data);
}
END_TEST

START_TEST(reads_go_into_the_loan_or_inline_cut_to_the_request)
{
    size_t size = 64 * 1024;
    uint8_t *buffer = calloc(1, size);
    struct ftl_msg req = {.type = FTL_MSG_READ,
                          .id = 7,
                          .arg0 = 100,
                          .loan_base = (uint64_t)(uintptr_t)buffer,
                          .loan_len = size},
                   reply;
    ck_assert_int_eq(call(caller, &req, NULL, &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_READ_REPLY);
    ck_assert_uint_eq(reply.arg0, size);
    ck_assert_uint_eq(seen.len, size);
    ck_assert_mem_eq(buffer, read_source + 100, size);
    free(buffer);
    // Inline: arg1 asks for 10 bytes, and 10 come in the reply's body.
    req =
        (struct ftl_msg){.type = FTL_MSG_READ, .id = 8, .arg0 = 3, .arg1 = 10};
    char body[FTL_MSG_BODY_MAX];
    ck_assert_int_eq(call(caller, &req, NULL, &reply, body, sizeof(body)), 10);
    ck_assert_uint_eq(reply.arg0, 10);
    ck_assert_mem_eq(body, read_source + 3, 10);
    // Asking for more than a body holds gets at most a body.
    req.arg1 = 1 << 20;
    ck_assert_int_eq(call(caller, &req, NULL, &reply, body, sizeof(body)),
                     FTL_MSG_BODY_MAX);
}
END_TEST

START_TEST(open_replies_with_a_channel_served_with_its_context)
{
    struct ftl_msg req = {.type = FTL_MSG_OPEN, .id = 9, .body_len = 6}, reply;
    ck_assert_int_eq(call(caller, &req, "kv/key", &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_OPEN_REPLY);
    ck_assert_str_eq(seen.path, "kv/key");
    ck_assert_int_gt(reply.handle, 0);
    ftl_handle_t opened = reply.handle;
    uint8_t out[4];
    req = (struct ftl_msg){.type = FTL_MSG_READ, .id = 10, .arg1 = 4};
    ck_assert_int_eq(call(opened, &req, NULL, &reply, out, sizeof(out)), 4);
    ck_assert_ptr_eq(seen.context, (void *)0x1234);
    // Closing it ends it on the server side too, with its context.
    ftl_handle_close(opened);
    loop_run_pending(loop);
    ck_assert_int_eq(seen.closes, 1);
    ck_assert_ptr_eq(seen.closed_context, (void *)0x1234);
}
END_TEST

START_TEST(a_channel_closes_only_after_its_pending_requests)
{
    int handles_before = fake_handles_open();
    struct ftl_msg req = {.type = FTL_MSG_WRITE, .id = 11, .body_len = 1},
                   reply;
    call(caller, &req, "x", &reply, NULL, 0);
    ck_assert_ptr_nonnull(seen.held);
    ftl_handle_close(caller); // the caller goes away mid-call
    loop_run_pending(loop);
    ck_assert_int_eq(seen.closes, 0); // a request still refers to it
    ck_assert_int_eq(ftl_request_reply(seen.held, 1, NULL, 0),
                     FTL_ERR_PEER_CLOSED);
    ck_assert_int_eq(seen.closes, 1);
    ck_assert_int_eq(fake_handles_open(), handles_before - 2);
}
END_TEST

START_TEST(a_reply_body_over_the_limit_fails_the_request)
{
    struct ftl_msg req = {.type = FTL_MSG_WRITE, .id = 12, .body_len = 1},
                   reply;
    call(caller, &req, "x", &reply, NULL, 0);
    static char big[FTL_MSG_BODY_MAX + 1];
    ck_assert_int_eq(ftl_request_reply(seen.held, 0, big, sizeof(big)),
                     FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(ftl_channel_recv(caller, &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_ERROR_REPLY);
    ck_assert_int_eq((int)reply.arg0, FTL_ERR_TOO_LARGE);
}
END_TEST

// The supervisor's requests on the first channel (ftl_start_info's): the
// drain request (ftl/drain.h) and the opener it names in OPEN service/.
static struct ftl_start_info first;
static int drains;

static void count_drain(void *arg)
{
    ck_assert_ptr_eq(arg, &drains);
    drains++;
}

static void make_served_the_first_channel(void)
{
    first.channel = served;
    ftl_start_info = &first;
}

static long send_drain(struct ftl_msg *reply)
{
    static const char body[] = FTL_DRAIN_ATTR "=1";
    struct ftl_msg req = {.type = FTL_MSG_SETATTR, .id = 7,
                          .body_len = sizeof(body) - 1};
    return call(caller, &req, body, reply, NULL, 0);
}

START_TEST(the_supervisors_drain_request_runs_the_hooks_once)
{
    make_served_the_first_channel();
    drains = 0;
    ck_assert_int_eq(ftl_on_drain(count_drain, &drains), 0);
    struct ftl_msg reply;
    ck_assert_int_eq(send_drain(&reply), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_SETATTR_REPLY);
    ck_assert_int_eq(drains, 1);
    ck_assert_str_eq(seen.name, ""); // not the app's on_setattr
    ck_assert_int_eq(send_drain(&reply), 0);
    ck_assert_int_eq(drains, 1); // a second request changes nothing
}
END_TEST

START_TEST(a_drain_request_without_hooks_is_refused)
{
    make_served_the_first_channel();
    struct ftl_msg reply;
    ck_assert_int_eq(send_drain(&reply), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_ERROR_REPLY);
    ck_assert_int_eq((int64_t)reply.arg0, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

START_TEST(a_drain_request_on_another_channel_is_the_apps_attribute)
{
    drains = 0;
    ck_assert_int_eq(ftl_on_drain(count_drain, &drains), 0);
    struct ftl_msg reply;
    ck_assert_int_eq(send_drain(&reply), 0); // no first channel here
    ck_assert_int_eq(drains, 0);
    ck_assert_str_eq(seen.name, FTL_DRAIN_ATTR);
}
END_TEST

static char opener_seen[64];
static const char *name_seen;

static void record_opener(struct ftl_request *req, const char *name)
{
    const char *opener = ftl_service_opener();
    strcpy(opener_seen, opener != NULL ? opener : "(none)");
    name_seen = name;
    ftl_request_fail(req, FTL_ERR_NOT_FOUND);
}

static const struct ftl_server_ops opener_ops = {
    .on_service_open = record_opener,
};

static void open_service(ftl_handle_t channel, const char *path)
{
    struct ftl_msg req = {.type = FTL_MSG_OPEN, .id = 9,
                          .body_len = (uint32_t)strlen(path)},
                   reply;
    ck_assert_int_eq(call(channel, &req, path, &reply, NULL, 0), 0);
    ck_assert_uint_eq(reply.type, FTL_MSG_ERROR_REPLY);
}

START_TEST(the_opener_is_believed_only_from_the_first_channel)
{
    struct ftl_server *other = ftl_server_create(loop, &opener_ops, NULL);
    ftl_handle_t ends[2];
    ftl_channel_create(ends);
    ck_assert_int_eq(ftl_server_serve(other, ends[1], NULL), 0);
    first.channel = ends[1];
    ftl_start_info = &first;
    open_service(ends[0], "service/tcpip?from=web");
    ck_assert_str_eq(opener_seen, "web");
    ck_assert_str_eq(name_seen, "tcpip");
    first.channel = FTL_HANDLE_INVALID; // now a peer's channel, not ours
    open_service(ends[0], "service/tcpip?from=web");
    ck_assert_str_eq(opener_seen, "(none)");
    ck_assert_str_eq(name_seen, "tcpip"); // the claim is cut off all the same
    ftl_handle_close(ends[0]);
    loop_run_pending(loop);
    ck_assert_int_eq(ftl_server_destroy(other), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("server");
    TCase *t = tcase_create("server");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, types_without_a_handler_get_not_supported);
    tcase_add_test(t, setattr_arrives_split_and_malformed_ones_are_refused);
    tcase_add_test(t, a_request_completes_later_from_elsewhere);
    tcase_add_test(t, large_writes_come_through_the_loan_as_one_buffer);
    tcase_add_test(t, reads_go_into_the_loan_or_inline_cut_to_the_request);
    tcase_add_test(t, open_replies_with_a_channel_served_with_its_context);
    tcase_add_test(t, a_channel_closes_only_after_its_pending_requests);
    tcase_add_test(t, a_reply_body_over_the_limit_fails_the_request);
    tcase_add_test(t, open_of_a_service_path_gives_a_served_channel);
    tcase_add_test(t, a_served_channel_carries_calls_both_ways);
    tcase_add_test(t, the_supervisors_drain_request_runs_the_hooks_once);
    tcase_add_test(t, a_drain_request_without_hooks_is_refused);
    tcase_add_test(t, a_drain_request_on_another_channel_is_the_apps_attribute);
    tcase_add_test(t, the_opener_is_believed_only_from_the_first_channel);
    suite_add_tcase(s, t);
    return s;
}
