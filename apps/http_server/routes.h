// What each request gets: the embedded files for GET and HEAD, /status as
// JSON, and the error statuses for the rest.
#pragma once

#include "http.h"
#include "response.h"
#include "session.h"

// Runs answer(arg, response) with the response to req, at once or (for
// /status, which asks the supervisor) later. The response's pointers are
// valid during the call.
typedef void (*routes_answer_fn)(void *arg, const struct response *r);
void routes_answer(const struct http_request *req,
                   const struct server_stats *stats, routes_answer_fn answer,
                   void *arg);

// The channel to the supervisor, asked for `GETATTR status` by /status.
struct ftl_client;
void routes_set_supervisor(struct ftl_client *supervisor);
