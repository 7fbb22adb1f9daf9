// Routing: GET and HEAD only (405 with Allow for other methods); /status
// is built from the server's counters and the supervisor's `GETATTR
// status` table; any other path is an embedded file or 404.
#include "routes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/time.h>

#include "files.h"

#define STATUS_MAX 4096

static struct ftl_client *supervisor;

void routes_set_supervisor(struct ftl_client *client)
{
    supervisor = client;
}

struct status_call {
    struct response response;
    const struct server_stats *stats;
    routes_answer_fn answer;
    void *arg;
};

// The supervisor's status table (a header line, then one line per
// service: NAME STATE RESTARTS ...) to JSON objects. Names and states are
// plain words, checked so, so they need no escaping.
static size_t services_json(const char *table, char *out, size_t max)
{
    size_t used = 0;
    for (const char *at = table; *at != '\0' && used < max;) {
        char name[64], state[32], memory[48] = "";
        unsigned restarts;
        if (sscanf(at, "%63[A-Za-z0-9_.-] %31[A-Za-z0-9_-] %u %*s %*s %47s",
                   name, state, &restarts, memory) >= 3) {
            // MEMORY is "USEDKiB/LIMITKiB", or "-/LIMITKiB" when stopped.
            unsigned long in_use = 0, limit = 0;
            bool running =
                sscanf(memory, "%luKiB/%luKiB", &in_use, &limit) == 2;
            if (!running) {
                sscanf(memory, "-/%luKiB", &limit);
            }
            char in_use_text[24] = "null";
            if (running) {
                snprintf(in_use_text, sizeof(in_use_text), "%lu", in_use);
            }
            int w = snprintf(out + used, max - used,
                             "%s{\"name\":\"%s\",\"state\":\"%s\","
                             "\"restarts\":%u,\"memory_kib\":%s,"
                             "\"memory_limit_kib\":%lu}",
                             used > 0 ? "," : "", name, state, restarts,
                             in_use_text, limit);
            used += w > 0 ? (size_t)w : 0;
        }
        const char *nl = strchr(at, '\n');
        at = nl != NULL ? nl + 1 : at + strlen(at);
    }
    return used < max ? used : max - 1;
}

static void send_status(struct status_call *call, const char *services)
{
    static char json[STATUS_MAX];
    char list[STATUS_MAX / 2] = "";
    services_json(services, list, sizeof(list));
    const struct server_stats *s = call->stats;
    int len = snprintf(
        json, sizeof(json),
        "{\"system\":\"FTL\",\"uptime_ms\":%llu,\"requests\":%llu,"
        "\"connections\":{\"open\":%llu,\"accepted\":%llu},"
        "\"services\":[%s]}\n",
        (unsigned long long)((ftl_clock_ns() - s->started_ns) / FTL_MS),
        (unsigned long long)s->requests, (unsigned long long)s->connections,
        (unsigned long long)s->accepted, list);
    call->response.body = json;
    call->response.len = len < 0 ? 0 : (size_t)len;
    call->answer(call->arg, &call->response);
}

static void on_services(const struct ftl_result *result, void *arg)
{
    struct status_call *call = arg;
    send_status(call, result->error < 0 ? "" : result->body);
    free(call);
}

static void answer_status(const struct response *base,
                          const struct server_stats *stats,
                          routes_answer_fn answer, void *arg)
{
    struct status_call *call = malloc(sizeof(*call));
    if (call == NULL) {
        struct response r = *base;
        r.status = 500;
        answer(arg, &r);
        return;
    }
    *call = (struct status_call){
        .response = *base, .stats = stats, .answer = answer, .arg = arg};
    call->response.type = "application/json";
    if (supervisor == NULL ||
        ftl_client_getattr(supervisor, "status", on_services, call) < 0) {
        on_services(&(struct ftl_result){.error = -1, .body = ""}, call);
    }
}

static void answer_error(int status, const struct response *base,
                         routes_answer_fn answer, void *arg)
{
    char page[128];
    int len = snprintf(page, sizeof(page),
                       "<!doctype html><title>%d</title><h1>%d</h1>\n", status,
                       status);
    struct response r = *base;
    r.status = status;
    r.type = "text/html; charset=utf-8";
    r.body = page;
    r.len = (size_t)len;
    if (status == 405) {
        r.extra = "Allow: GET, HEAD\r\n";
    }
    answer(arg, &r);
}

void routes_answer(const struct http_request *req,
                   const struct server_stats *stats, routes_answer_fn answer,
                   void *arg)
{
    bool head = strcmp(req->method, "HEAD") == 0;
    struct response base = {
        .status = 200, .head_only = head, .keep_alive = req->keep_alive};
    if (!head && strcmp(req->method, "GET") != 0) {
        answer_error(405, &base, answer, arg);
        return;
    }
    if (strcmp(req->path, "/status") == 0) {
        answer_status(&base, stats, answer, arg);
        return;
    }
    const struct file *file = files_lookup(req->path);
    if (file == NULL) {
        answer_error(404, &base, answer, arg);
        return;
    }
    base.type = file->type;
    base.body = file->data;
    base.len = file->size;
    answer(arg, &base);
}
