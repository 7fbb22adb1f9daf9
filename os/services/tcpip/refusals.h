// Connections refused at a limit (limits.h) and frames dropped for want of
// room, counted by reason. A refused connection gets a reset, never
// silence. Each refusal is counted here and logged at most once a second
// (a flood must not flood the console too), and `GETATTR stats` on tcpip's
// channel reports the counts.
#pragma once

#include <stddef.h>

enum refusal {
    REFUSED_CONNECTIONS, // TCP_MAX_CONNECTIONS open already
    REFUSED_BACKLOG,     // TCP_ACCEPT_BACKLOG waiting for the app already
    REFUSED_MEMORY,      // no memory for the connection
    EVICTED_HALFOPEN,    // oldest half-open one dropped at TCP_SYN_BACKLOG
    DROPPED_TX_QUEUE,    // outgoing frame: the driver's link and the
                         // transmit queue were full (TCP resends it)
    DROPPED_RX_MEMORY,   // incoming frame: no memory for it
    REFUSALS,
};

void refusals_count(enum refusal why);

// How many of why so far.
unsigned long refusals_of(enum refusal why);

// "connections=N refused_connections=N refused_backlog=N ..." into text;
// returns its length.
size_t refusals_describe(char *text, size_t size);
