// The app: its routes, hooks and limits, and the dispatch of a parsed
// request to them. Routing compares the raw path segment by segment with
// each route's pattern (literal segments, `:name` parameters, a last `*`),
// in the order routes were added; parameters are decoded only for the
// route that matches. A path that some route matches for other methods
// gets 405 with those methods in `Allow` (OPTIONS: 204 with them), any
// other 404.
#include "http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ftl/error.h>
#include <ftl/log.h>

struct ftl_http_app *ftl_http_app_create(struct ftl_loop *loop)
{
    struct ftl_http_app *app = calloc(1, sizeof(*app));
    if (!app) {
        return NULL;
    }
    app->loop = loop;
    app->limits = (struct ftl_http_limits){
        .line_max = FTL_HTTP_LINE_MAX,
        .header_max = FTL_HTTP_HEADER_MAX,
        .headers_max = FTL_HTTP_HEADERS_MAX,
        .body_max = FTL_HTTP_BODY_MAX,
        .idle_ns = FTL_HTTP_IDLE_NS,
        .request_ns = FTL_HTTP_REQUEST_NS,
    };
    app->routes_tail = &app->routes;
    app->hooks_tail = &app->hooks;
    return app;
}

void ftl_http_app_destroy(struct ftl_http_app *app)
{
    if (!app) {
        return;
    }
    if (app->unlisten != NULL) {
        app->unlisten(app);
    }
    while (app->routes) {
        struct http_route *r = app->routes;
        app->routes = r->next;
        if (r->owns_arg) {
            free(r->arg);
        }
        free(r);
    }
    while (app->hooks) {
        struct http_hook *h = app->hooks;
        app->hooks = h->next;
        free(h);
    }
    free(app);
}

void ftl_http_set_limits(struct ftl_http_app *app,
                         const struct ftl_http_limits *l)
{
    struct ftl_http_limits *m = &app->limits;
    m->line_max = l->line_max ? l->line_max : m->line_max;
    m->header_max = l->header_max ? l->header_max : m->header_max;
    m->headers_max = l->headers_max ? l->headers_max : m->headers_max;
    m->body_max = l->body_max ? l->body_max : m->body_max;
    m->idle_ns = l->idle_ns ? l->idle_ns : m->idle_ns;
    m->request_ns = l->request_ns ? l->request_ns : m->request_ns;
}

struct http_route *http_route_add(struct ftl_http_app *app, const char *method,
                                  const char *pattern,
                                  ftl_http_handler_fn handler, void *arg)
{
    struct http_route *r = calloc(1, sizeof(*r));
    if (!r) {
        return NULL;
    }
    r->method = method;
    r->pattern = pattern;
    r->handler = handler;
    r->arg = arg;
    *app->routes_tail = r;
    app->routes_tail = &r->next;
    return r;
}

int ftl_http_route(struct ftl_http_app *app, const char *method,
                   const char *pattern, ftl_http_handler_fn handler, void *arg)
{
    if (pattern[0] != '/' || !handler) {
        return FTL_ERR_INVALID_ARG;
    }
    return http_route_add(app, method, pattern, handler, arg)
               ? 0
               : FTL_ERR_NO_MEMORY;
}

int ftl_http_use(struct ftl_http_app *app, ftl_http_hook_fn fn, void *arg)
{
    struct http_hook *h = calloc(1, sizeof(*h));
    if (!h) {
        return FTL_ERR_NO_MEMORY;
    }
    h->fn = fn;
    h->arg = arg;
    *app->hooks_tail = h;
    app->hooks_tail = &h->next;
    return 0;
}

void ftl_http_on_done(struct ftl_http_app *app, ftl_http_done_fn fn, void *arg)
{
    app->done = fn;
    app->done_arg = arg;
}

void ftl_http_get_stats(const struct ftl_http_app *app,
                        struct ftl_http_stats *stats)
{
    *stats = app->stats;
}

// An id sent by a proxy is kept when it is short and plain, so that one id
// follows a request through several services; else the app makes one.
static bool id_is_sane(const char *id)
{
    size_t len = strlen(id);
    if (len == 0 || len >= HTTP_REQUEST_ID_MAX) {
        return false;
    }
    return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789-_.:") == len;
}

static bool request_id_hook(struct ftl_http_request *req,
                            struct ftl_http_response *res, void *arg)
{
    struct ftl_http_app *app = arg;
    const char *given = ftl_http_header(req, "X-Request-Id");
    if (given && id_is_sane(given)) {
        strcpy(req->request_id, given);
    } else {
        snprintf(req->request_id, sizeof(req->request_id), "%llx-%llu",
                 (unsigned long long)req->start_ns,
                 (unsigned long long)++app->next_id);
    }
    ftl_http_set_header(res, "X-Request-Id", req->request_id);
    return true;
}

int ftl_http_use_request_id(struct ftl_http_app *app)
{
    return ftl_http_use(app, request_id_hook, app);
}

static void log_done(const struct ftl_http_request *req, int status,
                     size_t bytes, uint64_t ns, void *arg)
{
    (void)arg;
    const char *id = ftl_http_request_id(req);
    FTL_LOG_INFO(
        "%s %s %d %zuB %llu.%01llums%s%s", req->method, ftl_http_target(req),
        status, bytes, (unsigned long long)(ns / 1000000),
        (unsigned long long)(ns / 100000 % 10), id ? " id=" : "", id ? id : "");
}

void ftl_http_log_requests(struct ftl_http_app *app)
{
    ftl_http_on_done(app, log_done, NULL);
}

// Whether a method of a route serves the request's method: "*" serves
// all, GET serves HEAD too.
static bool method_serves(const char *route, const char *method)
{
    return strcmp(route, "*") == 0 || strcmp(route, method) == 0 ||
           (strcmp(route, "GET") == 0 && strcmp(method, "HEAD") == 0);
}

// Matches path against pattern, filling the raw parameters; both start
// with '/'.
struct raw_param {
    const char *name, *value;
    size_t name_len, value_len;
};

static bool route_match(const char *pattern, const char *path, size_t path_len,
                        struct raw_param *params, size_t *nparams)
{
    const char *end = path + path_len;
    *nparams = 0;
    while (*pattern == '/' && path < end && *path == '/') {
        pattern++;
        path++;
        size_t plen = strcspn(pattern, "/");
        const char *seg_end = memchr(path, '/', (size_t)(end - path));
        size_t slen = seg_end ? (size_t)(seg_end - path) : (size_t)(end - path);
        if (plen == 1 && pattern[0] == '*' && pattern[1] == '\0') {
            return true;
        }
        if (pattern[0] == ':') {
            if (slen == 0 || *nparams == HTTP_PARAMS_MAX) {
                return false;
            }
            params[*nparams] =
                (struct raw_param){pattern + 1, path, plen - 1, slen};
            (*nparams)++;
        } else if (plen != slen || memcmp(pattern, path, slen) != 0) {
            return false;
        }
        pattern += plen;
        path += slen;
    }
    return *pattern == '\0' && path == end;
}

static void answer_405(struct ftl_http_response *res, const char *allow)
{
    ftl_http_set_header(res, "Allow", allow);
    ftl_http_send_text(res, 405, NULL);
}

// Adds method to the Allow list ("GET, HEAD, POST") unless it is there.
static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t len = strlen(method);
    for (const char *p = allow; *p;) {
        size_t n = strcspn(p, ",");
        if (n == len && memcmp(p, method, len) == 0) {
            return;
        }
        p += n;
        p += strspn(p, ", ");
    }
    size_t used = strlen(allow);
    snprintf(allow + used, cap - used, "%s%s", used ? ", " : "", method);
}

static void route_request(struct ftl_http_app *app,
                          struct ftl_http_request *req,
                          struct ftl_http_response *res)
{
    const char *target = ftl_http_target(req);
    size_t path_len = strcspn(target, "?");
    struct raw_param params[HTTP_PARAMS_MAX];
    size_t nparams;
    char allow[128] = "";
    for (struct http_route *r = app->routes; r; r = r->next) {
        if (!route_match(r->pattern, target, path_len, params, &nparams)) {
            continue;
        }
        if (!method_serves(r->method, req->method)) {
            allow_add(allow, sizeof(allow), r->method);
            if (strcmp(r->method, "GET") == 0) {
                allow_add(allow, sizeof(allow), "HEAD");
            }
            continue;
        }
        for (size_t i = 0; i < nparams; i++) {
            http_request_add_param(req, params[i].name, params[i].name_len,
                                   params[i].value, params[i].value_len);
        }
        r->handler(req, res, r->arg);
        return;
    }
    if (allow[0] && strcmp(req->method, "OPTIONS") == 0) {
        // What the path allows, as a CORS preflight or a client asks.
        allow_add(allow, sizeof(allow), "OPTIONS");
        ftl_http_set_header(res, "Allow", allow);
        ftl_http_send(res, 204, NULL, NULL, 0);
    } else if (allow[0]) {
        answer_405(res, allow);
    } else {
        ftl_http_send_text(res, 404, NULL);
    }
}

void http_app_dispatch(struct ftl_http_app *app, struct ftl_http_request *req,
                       struct ftl_http_response *res)
{
    if (http_request_decode(req) < 0) {
        ftl_http_send_text(res, 503, NULL);
        return;
    }
    for (struct http_hook *h = app->hooks; h; h = h->next) {
        if (!h->fn(req, res, h->arg)) {
            return;
        }
    }
    route_request(app, req, res);
}
