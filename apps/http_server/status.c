// GET /status, built from the app's counters and the supervisor's status
// table (ftl/status.h). A request waits for the supervisor's reply
// with its response held; the library keeps both alive meanwhile, even
// if the client leaves.
#include "status.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <ftl/error.h>
#include <ftl/status.h>
#include <ftl/time.h>

struct status_route {
    struct ftl_http_app *app;
    struct ftl_client *supervisor;
    uint64_t started_ns;
};

struct status_call {
    const struct status_route *route;
    struct ftl_http_response *res;
};

// One line of the supervisor's table (ftl/status.h) as an object, or
// NULL for the header line or one that is not a service.
static cJSON *service_json(const char *line)
{
    struct ftl_service_status st;
    if (!ftl_status_parse_line(line, &st)) {
        return NULL;
    }
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "name", st.name);
    cJSON_AddStringToObject(s, "state", st.state);
    cJSON_AddNumberToObject(s, "restarts", st.restarts);
    cJSON_AddStringToObject(s, "isolation", st.isolation);
    if (st.memory_kib >= 0) {
        cJSON_AddNumberToObject(s, "memory_kib", (double)st.memory_kib);
    } else {
        cJSON_AddNullToObject(s, "memory_kib");
    }
    cJSON_AddNumberToObject(s, "memory_limit_kib",
                            (double)st.memory_limit_kib);
    if (st.version[0] != '\0') {
        cJSON_AddStringToObject(s, "version", st.version);
    } else {
        cJSON_AddNullToObject(s, "version");
    }
    return s;
}

static cJSON *services_json(const char *table)
{
    cJSON *list = cJSON_CreateArray();
    for (const char *at = table; *at != '\0';) {
        cJSON *s = service_json(at);
        if (s != NULL) {
            cJSON_AddItemToArray(list, s);
        }
        const char *nl = strchr(at, '\n');
        at = nl != NULL ? nl + 1 : at + strlen(at);
    }
    return list;
}

static void send_status(const struct status_route *route,
                        struct ftl_http_response *res, const char *table)
{
    struct ftl_http_stats stats;
    ftl_http_get_stats(route->app, &stats);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "system", "FTL");
    cJSON_AddNumberToObject(
        o, "uptime_ms", (double)((ftl_clock_ns() - route->started_ns) / FTL_MS));
    cJSON_AddNumberToObject(o, "requests", (double)stats.requests);
    cJSON *conns = cJSON_AddObjectToObject(o, "connections");
    cJSON_AddNumberToObject(conns, "open", (double)stats.connections);
    cJSON_AddNumberToObject(conns, "accepted", (double)stats.accepted);
    cJSON_AddItemToObject(o, "services", services_json(table));
    ftl_http_send_json(res, 200, o); // NULL (no memory) answers 500
}

static void on_services(const struct ftl_result *result, void *arg)
{
    struct status_call *call = arg;
    send_status(call->route, call->res, result->error < 0 ? "" : result->body);
    free(call);
}

static void get_status(struct ftl_http_request *req,
                       struct ftl_http_response *res, void *arg)
{
    (void)req;
    const struct status_route *route = arg;
    struct status_call *call = malloc(sizeof(*call));
    if (call == NULL) {
        ftl_http_send_text(res, 503, NULL);
        return;
    }
    *call = (struct status_call){.route = route, .res = res};
    if (route->supervisor == NULL ||
        ftl_client_getattr(route->supervisor, "status", on_services, call) <
            0) {
        on_services(&(struct ftl_result){.error = -1, .body = ""}, call);
    }
}

int status_route(struct ftl_http_app *app, struct ftl_client *supervisor)
{
    struct status_route *route = malloc(sizeof(*route));
    if (route == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *route = (struct status_route){
        .app = app, .supervisor = supervisor, .started_ns = ftl_clock_ns()};
    return ftl_http_route(app, "GET", "/status", get_status, route);
}
