// tcpip's connection limits, from the environment of its spec (env in
// service.yaml; docs/concepts/networking.md, "Limits"):
//   TCP_MAX_CONNECTIONS  connections open at once, all listeners and
//                        outgoing ones together; past it a new connection
//                        is refused with a reset.
//   TCP_ACCEPT_BACKLOG   established connections waiting per listener for
//                        the app's accept; past it, refused with a reset.
//   TCP_SYN_BACKLOG      half-open connections (SYN received, handshake
//                        not finished) per listener; past it the oldest is
//                        dropped for the new one, so a SYN flood cannot
//                        shut real clients out.
// Each handle of an open connection counts against the service's handle
// limit (resources.handles), so that must be at least TCP_MAX_CONNECTIONS
// plus a few.
#pragma once

struct tcp_limits {
    unsigned max_connections;
    unsigned accept_backlog;
    unsigned syn_backlog;
};

#define TCP_MAX_CONNECTIONS_DEFAULT 16384
#define TCP_ACCEPT_BACKLOG_DEFAULT 1024
#define TCP_SYN_BACKLOG_DEFAULT 1024
#define TCP_LIMIT_MAX (1u << 20) // bound on any setting

extern struct tcp_limits tcp_limits;

// Reads the settings from the environment; a value that is not a number
// from 1 to TCP_LIMIT_MAX is logged as an error and the default kept.
void tcp_limits_load(void);
