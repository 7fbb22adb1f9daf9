// The supervisor's status table (GETATTR status: a header line, then
// NAME STATE RESTARTS ISOLATION UPTIME MEMORY per service) as the JSON
// body of the control protocol's `status` reply.
#pragma once

#include <stddef.h>
#include <stdint.h>

// Writes the JSON of table into out (at most max bytes, NUL-terminated);
// returns its length, or 0 when it does not fit.
size_t status_json(const char *table, uint64_t uptime_ms, char *out,
                   size_t max);
