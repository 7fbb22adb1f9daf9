// One HTTP connection: reading request heads, answering them in order,
// keeping the connection alive between requests, and the time-outs that
// protect the server from idle and slow clients.
#pragma once

#include <stdint.h>

#include <ftl/loop.h>
#include <ftl/tcp.h>

// Limits, also what the docs and tests state.
#define SESSION_REQUEST_MAX 8192       // a request's head and body together
#define SESSION_IDLE_NS (15 * FTL_S)   // no new request: closed silently
#define SESSION_HEADER_NS (10 * FTL_S) // a started head must be complete

struct server_stats {
    uint64_t started_ns;
    uint64_t requests;
    uint64_t connections; // open now
    uint64_t accepted;    // since start
};

// Changes the time-outs (HTTP_IDLE_MS and HTTP_HEADER_MS in the
// environment set them at start).
void session_set_timeouts(uint64_t idle_ns, uint64_t header_ns);

// Serves conn until it closes; stats is updated as requests go by.
void session_start(struct ftl_loop *loop, struct ftl_conn *conn,
                   struct server_stats *stats);
