// JSON for HTTP handlers, with cJSON (Debian's, through deps.lock): a
// response printed from a cJSON tree, and a request body parsed into one.
// A body that is not well-formed JSON is the client's mistake, answered
// 400 here so that each handler needs one NULL check and nothing more.
#include "http_internal.h"

#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include <ftl/error.h>

static void json_free(struct cJSON *json)
{
    cJSON_Delete(json);
}

int ftl_http_send_json(struct ftl_http_response *res, int status,
                       struct cJSON *json)
{
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    cJSON_Delete(json);
    if (!text) {
        return ftl_http_send_text(res, 500, NULL);
    }
    int err =
        ftl_http_send(res, status, "application/json", text, strlen(text));
    cJSON_free(text);
    return err;
}

static void send_error(struct ftl_http_response *res, const char *why)
{
    cJSON *o = cJSON_CreateObject();
    if (o) {
        cJSON_AddStringToObject(o, "error", why);
    }
    ftl_http_send_json(res, 400, o);
}

struct cJSON *ftl_http_json_body(struct ftl_http_request *req,
                                 struct ftl_http_response *res)
{
    if (req->json) {
        return req->json;
    }
    size_t len;
    const char *body = ftl_http_body(req, &len);
    const char *end = NULL;
    cJSON *json = cJSON_ParseWithLengthOpts(body, len, &end, false);
    // Only white space may follow the value (cJSON stops at its end).
    if (json && end) {
        end += strspn(end, " \t\r\n");
        if ((size_t)(end - body) != len) {
            cJSON_Delete(json);
            json = NULL;
        }
    }
    if (!json) {
        send_error(res, len == 0 ? "a JSON body is required"
                                 : "the body is not well-formed JSON");
        return NULL;
    }
    http_json_free = json_free;
    req->json = json;
    return json;
}
