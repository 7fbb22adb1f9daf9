// {{name}}: a JSON resource, added by `ftl generate resource`.
// Its items, JSON objects kept by {{ident}}_store.c, have five routes:
//   GET /{{name}}: every item, as a JSON array;
//   GET /{{name}}/:id: one item, 404 if there is none;
//   POST /{{name}}: a new item from a JSON object, answered 201 with
//     the item (its id added) and a Location header;
//   PUT /{{name}}/:id: replaces an item, keeping its id; 404 if none;
//   DELETE /{{name}}/:id: 204, 404 if there is none.
// main.c calls {{ident}}_register; each route has a test in
// tests/{{name}}_test.
#include <stdio.h>
#include <stdlib.h>

#include <cJSON.h>
#include <ftl/http.h>

#include "{{ident}}_store.h"

// Answers status with {"error": message}.
static void answer_error(struct ftl_http_response *res, int status,
                         const char *message)
{
    cJSON *answer = cJSON_CreateObject();
    cJSON_AddStringToObject(answer, "error", message);
    ftl_http_send_json(res, status, answer);
}

// The :id of the path; -1 unless it is a whole positive number.
static long path_id(struct ftl_http_request *req)
{
    const char *text = ftl_http_param(req, "id");
    char *end;
    long id = strtol(text, &end, 10);
    return *text != '\0' && *end == '\0' && id > 0 ? id : -1;
}

// The body as a new item, or NULL once the answer (400) is sent.
static cJSON *body_item(struct ftl_http_request *req,
                        struct ftl_http_response *res)
{
    cJSON *body = ftl_http_json_body(req, res);
    if (body == NULL) {
        return NULL; // not JSON: answered already
    }
    if (!cJSON_IsObject(body)) {
        answer_error(res, 400, "the body must be a JSON object");
        return NULL;
    }
    return cJSON_Duplicate(body, true); // the body belongs to the request
}

static void list_items(struct ftl_http_request *req,
                       struct ftl_http_response *res, void *arg)
{
    (void)req;
    (void)arg;
    // A NULL list (out of memory) is answered 500.
    ftl_http_send_json(res, 200, {{ident}}_store_list());
}

static void show_item(struct ftl_http_request *req,
                      struct ftl_http_response *res, void *arg)
{
    (void)arg;
    const cJSON *item = {{ident}}_store_find(path_id(req));
    if (item == NULL) {
        answer_error(res, 404, "no such item");
        return;
    }
    ftl_http_send_json(res, 200, cJSON_Duplicate(item, true));
}

static void create_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, void *arg)
{
    (void)arg;
    cJSON *item = body_item(req, res);
    if (item == NULL) {
        return;
    }
    long id = {{ident}}_store_add(item);
    if (id < 0) {
        answer_error(res, 500, "out of memory");
        return;
    }
    char location[64];
    snprintf(location, sizeof(location), "/{{name}}/%ld", id);
    ftl_http_set_header(res, "Location", location);
    ftl_http_send_json(res, 201,
                       cJSON_Duplicate({{ident}}_store_find(id), true));
}

static void update_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, void *arg)
{
    (void)arg;
    long id = path_id(req);
    if ({{ident}}_store_find(id) == NULL) {
        answer_error(res, 404, "no such item");
        return;
    }
    cJSON *item = body_item(req, res);
    if (item == NULL) {
        return;
    }
    if (!{{ident}}_store_replace(id, item)) {
        answer_error(res, 500, "out of memory");
        return;
    }
    ftl_http_send_json(res, 200,
                       cJSON_Duplicate({{ident}}_store_find(id), true));
}

static void delete_item(struct ftl_http_request *req,
                        struct ftl_http_response *res, void *arg)
{
    (void)arg;
    if (!{{ident}}_store_remove(path_id(req))) {
        answer_error(res, 404, "no such item");
        return;
    }
    ftl_http_send(res, 204, NULL, NULL, 0);
}

void {{ident}}_register(struct ftl_http_app *app)
{
    ftl_http_route(app, "GET", "/{{name}}", list_items, NULL);
    ftl_http_route(app, "GET", "/{{name}}/:id", show_item, NULL);
    ftl_http_route(app, "POST", "/{{name}}", create_item, NULL);
    ftl_http_route(app, "PUT", "/{{name}}/:id", update_item, NULL);
    ftl_http_route(app, "DELETE", "/{{name}}/:id", delete_item, NULL);
}
