// http_api: the routed JSON API that tests/qemu/http_api_test.py drives
// from the host with curl and raw sockets (tests/net/http_api.yaml), on
// ftl/http.h alone. An items resource over an in-memory store, a route
// that needs a JSON body, one that counts any body, a streamed response
// answered piece by piece from a timer, and static files with ETags. The
// limits are tight (HTTP_API_LIMITS) so that each status code the library
// answers for them is provoked with a few hundred bytes, and the request
// time-out is short so that the slow-client test takes two seconds.
//
//   GET /items                 every item, a JSON array
//   POST /items                a new item from a JSON object: 201, Location
//   GET, PUT, DELETE /items/:id  200, 200, 204; 404 when there is none
//   POST /echo                 {"json": the body, "bytes": its length}
//   POST /upload               {"bytes": length, "sum": sum of the bytes}
//   GET /stream/:n             n chunks "chunk I of N\n", one each 20 ms
//   GET /static/*              hello.txt and index.html, with ETags
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <ftl/http.h>
#include <ftl/log.h>

#define ITEMS_MAX 32
#define STREAM_CHUNKS_MAX 50
#define STREAM_PERIOD_NS (20 * FTL_MS)

// The limits the test's requests go over (tests/qemu/http_api_test.py
// reads the same numbers from its own copy).
static const struct ftl_http_limits api_limits = {
    .line_max = 256,
    .header_max = 1024,
    .headers_max = 16,
    .body_max = 4096,
    .idle_ns = 5 * FTL_S,
    .request_ns = 2 * FTL_S,
};

struct item {
    long id; // 0 for a free slot
    cJSON *json;
};

struct store {
    struct item items[ITEMS_MAX];
    long next_id;
};

static void answer_error(struct ftl_http_response *res, int status,
                         const char *message)
{
    cJSON *answer = cJSON_CreateObject();
    cJSON_AddStringToObject(answer, "error", message);
    ftl_http_send_json(res, status, answer);
}

// The item of the path's :id, or NULL when there is none.
static struct item *store_find(struct store *s, struct ftl_http_request *req)
{
    const char *text = ftl_http_param(req, "id");
    char *end;
    long id = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || id <= 0) {
        return NULL;
    }
    for (size_t i = 0; i < ITEMS_MAX; i++) {
        if (s->items[i].id == id) {
            return &s->items[i];
        }
    }
    return NULL;
}

// The body as an item's JSON (a copy, its "id" set), or NULL once a 400
// is answered.
static cJSON *body_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, long id)
{
    cJSON *body = ftl_http_json_body(req, res);
    if (!body) {
        return NULL; // answered 400 already
    }
    if (!cJSON_IsObject(body)) {
        answer_error(res, 400, "an item is a JSON object");
        return NULL;
    }
    cJSON *item = cJSON_Duplicate(body, true);
    if (item) {
        cJSON_DeleteItemFromObjectCaseSensitive(item, "id");
        cJSON_AddNumberToObject(item, "id", (double)id);
    }
    return item;
}

static void list_items(struct ftl_http_request *req,
                       struct ftl_http_response *res, void *arg)
{
    (void)req;
    struct store *s = arg;
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; list && i < ITEMS_MAX; i++) {
        if (s->items[i].id) {
            cJSON_AddItemToArray(list, cJSON_Duplicate(s->items[i].json, 1));
        }
    }
    ftl_http_send_json(res, 200, list);
}

static void create_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, void *arg)
{
    struct store *s = arg;
    struct item *slot = NULL;
    for (size_t i = 0; !slot && i < ITEMS_MAX; i++) {
        slot = s->items[i].id ? NULL : &s->items[i];
    }
    if (!slot) {
        answer_error(res, 507, "the store is full");
        return;
    }
    cJSON *item = body_item(req, res, s->next_id + 1);
    if (!item) {
        return;
    }
    slot->id = ++s->next_id;
    slot->json = item;
    char location[32];
    snprintf(location, sizeof(location), "/items/%ld", slot->id);
    ftl_http_set_header(res, "Location", location);
    ftl_http_send_json(res, 201, cJSON_Duplicate(item, true));
}

static void show_item(struct ftl_http_request *req,
                      struct ftl_http_response *res, void *arg)
{
    struct item *item = store_find(arg, req);
    if (!item) {
        answer_error(res, 404, "no such item");
        return;
    }
    ftl_http_send_json(res, 200, cJSON_Duplicate(item->json, true));
}

static void update_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, void *arg)
{
    struct item *item = store_find(arg, req);
    if (!item) {
        answer_error(res, 404, "no such item");
        return;
    }
    cJSON *json = body_item(req, res, item->id);
    if (!json) {
        return;
    }
    cJSON_Delete(item->json);
    item->json = json;
    ftl_http_send_json(res, 200, cJSON_Duplicate(json, true));
}

static void delete_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, void *arg)
{
    struct item *item = store_find(arg, req);
    if (!item) {
        answer_error(res, 404, "no such item");
        return;
    }
    cJSON_Delete(item->json);
    *item = (struct item){0};
    ftl_http_send(res, 204, NULL, NULL, 0);
}

// Needs a JSON body (any value) and answers it back with its length.
static void echo(struct ftl_http_request *req, struct ftl_http_response *res,
                 void *arg)
{
    (void)arg;
    cJSON *body = ftl_http_json_body(req, res);
    if (!body) {
        return;
    }
    size_t len;
    ftl_http_body(req, &len);
    cJSON *answer = cJSON_CreateObject();
    cJSON_AddItemToObject(answer, "json", cJSON_Duplicate(body, true));
    cJSON_AddNumberToObject(answer, "bytes", (double)len);
    ftl_http_send_json(res, 200, answer);
}

// Any body: its length and the sum of its bytes, which the test computes
// too, so that a body cut, doubled or garbled anywhere is seen.
static void upload(struct ftl_http_request *req, struct ftl_http_response *res,
                   void *arg)
{
    (void)arg;
    size_t len;
    const unsigned char *body = (const void *)ftl_http_body(req, &len);
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += body[i];
    }
    cJSON *answer = cJSON_CreateObject();
    cJSON_AddNumberToObject(answer, "bytes", (double)len);
    cJSON_AddNumberToObject(answer, "sum", (double)sum);
    ftl_http_send_json(res, 200, answer);
}

// A streamed answer, written from a timer after the handler has returned.
struct stream {
    struct ftl_loop *loop;
    struct ftl_loop_timer timer;
    struct ftl_http_response *res;
    int sent, total;
};

static void stream_tick(struct ftl_loop *loop, struct ftl_loop_timer *timer,
                        void *arg)
{
    struct stream *st = arg;
    char line[48];
    int n = snprintf(line, sizeof(line), "chunk %d of %d\n", st->sent + 1,
                     st->total);
    int err = ftl_http_write(st->res, line, (size_t)n);
    if (err == 0 && ++st->sent < st->total) {
        return;
    }
    ftl_loop_timer_cancel(loop, timer);
    ftl_http_end(st->res); // also when the client left: frees the request
    free(st);
}

static void stream(struct ftl_http_request *req, struct ftl_http_response *res,
                   void *arg)
{
    int total = atoi(ftl_http_param(req, "n"));
    if (total < 1 || total > STREAM_CHUNKS_MAX) {
        answer_error(res, 400, "n is 1 to 50");
        return;
    }
    struct stream *st = calloc(1, sizeof(*st));
    if (!st) {
        answer_error(res, 503, "out of memory");
        return;
    }
    *st = (struct stream){.loop = arg, .res = res, .total = total};
    ftl_http_start(res, 200, "text/plain; charset=utf-8");
    ftl_loop_timer_start(st->loop, &st->timer, STREAM_PERIOD_NS,
                         STREAM_PERIOD_NS, stream_tick, st);
}

static const char hello_txt[] = "hello from the http_api test service\n";
static const char index_html[] = "<!doctype html><title>http_api</title>\n";
static const struct ftl_http_file files[] = {
    {"/hello.txt", "text/plain; charset=utf-8", hello_txt,
     sizeof(hello_txt) - 1},
    {"/index.html", "text/html; charset=utf-8", index_html,
     sizeof(index_html) - 1},
};

int main(void)
{
    static struct store store;
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_http_app *app = loop ? ftl_http_app_create(loop) : NULL;
    if (!app) {
        FTL_LOG_ERROR("out of memory");
        return 1;
    }
    ftl_http_set_limits(app, &api_limits);
    ftl_http_use_request_id(app);
    ftl_http_log_requests(app);
    ftl_http_route(app, "GET", "/items", list_items, &store);
    ftl_http_route(app, "POST", "/items", create_item, &store);
    ftl_http_route(app, "GET", "/items/:id", show_item, &store);
    ftl_http_route(app, "PUT", "/items/:id", update_item, &store);
    ftl_http_route(app, "DELETE", "/items/:id", delete_item, &store);
    ftl_http_route(app, "POST", "/echo", echo, NULL);
    ftl_http_route(app, "POST", "/upload", upload, NULL);
    ftl_http_route(app, "GET", "/stream/:n", stream, loop);
    ftl_http_files(app, "/static/*", files, sizeof(files) / sizeof(files[0]));
    ftl_http_listen(app, 80);
    return ftl_loop_run(loop);
}
