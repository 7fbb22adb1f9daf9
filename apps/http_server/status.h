// GET /status: the server's counters and the services of the system, as
// JSON. The services come from the supervisor (`GETATTR status` on the
// program's first channel), so the answer is given when its reply comes.
#pragma once

#include <ftl/client.h>
#include <ftl/http.h>

// Routes GET /status on app. supervisor may be NULL (no services listed).
int status_route(struct ftl_http_app *app, struct ftl_client *supervisor);
