// {{name}}: a small JSON API on FTL's HTTP library (docs/sdk/http.md).
//   GET /             a page
//   GET /hello/:name  {"hello": "NAME"}
// `ftl generate route METHOD PATH` adds a route, `ftl generate resource
// NAME` a JSON resource of five routes (docs/cli.md).
#include <cJSON.h>
#include <ftl/http.h>

static const char page[] = "<!doctype html><title>{{name}}</title>"
                           "<h1>Hello from {{name}} on FTL</h1>\n";

static void index_page(struct ftl_http_request *req,
                       struct ftl_http_response *res, void *arg)
{
    (void)req;
    (void)arg;
    ftl_http_send(res, 200, "text/html; charset=utf-8", page,
                  sizeof(page) - 1);
}

static void hello(struct ftl_http_request *req, struct ftl_http_response *res,
                  void *arg)
{
    (void)arg;
    cJSON *answer = cJSON_CreateObject();
    cJSON_AddStringToObject(answer, "hello", ftl_http_param(req, "name"));
    ftl_http_send_json(res, 200, answer);
}

// ftl generate route: declarations above this line

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_http_app *app = ftl_http_app_create(loop);
    ftl_http_log_requests(app);
    ftl_http_route(app, "GET", "/", index_page, NULL);
    ftl_http_route(app, "GET", "/hello/:name", hello, NULL);
    // ftl generate route: registrations above this line
    ftl_http_listen(app, 80);
    return ftl_loop_run(loop);
}
