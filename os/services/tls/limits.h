// tls's limits, from its spec's environment (defaults in service.yaml),
// and its counters, which GETATTR stats returns and which are logged at
// most once a second.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct tls_limits {
    unsigned handshakes_max; // TLS_HANDSHAKES_MAX: handshakes in progress
    unsigned backlog;        // TLS_ACCEPT_BACKLOG: done, not accepted yet
    uint64_t handshake_ns;   // TLS_HANDSHAKE_MS: how long one may take
};
extern struct tls_limits tls_limits;

struct tls_counts {
    uint64_t handshakes;      // completed
    uint64_t failed;          // failed or abandoned by the peer
    uint64_t timed_out;       // over TLS_HANDSHAKE_MS
    uint64_t evicted;         // ended to make room for a newer one
    uint64_t sessions;        // open now (handshaking or established)
    unsigned handshaking;     // in progress now
    char last_failure[96];    // why the last failed handshake failed
};
extern struct tls_counts tls_counts;

// Reads the limits from the environment; a bad value is logged and the
// default kept.
void tls_limits_load(void);

// "handshakes=N failed=N ..." into out; the length.
size_t tls_counts_describe(char *out, size_t max);
