// The supervisor's status table, as `GETATTR status` on service/supervisor
// returns it (docs/concepts/specs.md, "Status"): a header line, then a
// line per service:
//
//   NAME STATE RESTARTS ISOLATION UPTIME MEMORY VERSION
//   web  Running 0 user 3.1s 52KiB/16384KiB 3fa9c2e1d0b4
//
// UPTIME is "-" and MEMORY "-/LIMITKiB" for a service that is not
// running; VERSION is the first 12 hex digits of its program's SHA-256,
// "-" while not known. Names, states, isolation modes and versions are
// plain words, so they need no escaping in JSON or HTML.
#pragma once

#include <stdbool.h>

#define FTL_STATUS_WORD_MAX 32

struct ftl_service_status {
    char name[FTL_STATUS_WORD_MAX];
    char state[FTL_STATUS_WORD_MAX]; // "Running", "Draining", "BackOff"...
    unsigned restarts;
    char isolation[FTL_STATUS_WORD_MAX]; // "user", "kernel", "wasm"
    long long uptime_ms;                 // -1 when not running
    long long memory_kib;                // -1 when not running
    unsigned long long memory_limit_kib;
    char version[FTL_STATUS_WORD_MAX]; // "" when not known
};

// Parses one line of the table into *out; false for the header or a line
// that is not a service's. line may end with '\n' or '\0'.
bool ftl_status_parse_line(const char *line, struct ftl_service_status *out);
