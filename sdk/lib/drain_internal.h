// Between drain.c and the helpers that receive the supervisor's drain
// request (server.c, client.c). Not installed.
#pragma once

#include <stdbool.h>

#include <ftl/handle.h>

// Whether a SETATTR of name on channel is the supervisor's drain request.
bool drain_is_request(ftl_handle_t channel, const char *name);

// Runs the drain hooks: 0, or FTL_ERR_NOT_SUPPORTED when there are none.
int drain_start(void);
