// {{method}} {{path}}
// A route added by `ftl generate route` and registered in main.c. It
// answers with the route and its path parameters as JSON: a start, to be
// replaced with the answer you want.
#include <cJSON.h>
#include <ftl/http.h>

{{signature}}
{
{{unused}}    cJSON *answer = cJSON_CreateObject();
{{param_lines}}    ftl_http_send_json(res, 200, answer);
}
