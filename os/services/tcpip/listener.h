// TCP listeners as channels (docs/concepts/networking.md, "Sockets"):
// `OPEN tcp-listen:PORT` on a service channel makes one; on it, each
// `OPEN accept` completes with the channel of the next connection
// (connection.h). Accepting is pulled: connections that arrive while no
// accept waits are kept, up to TCP_ACCEPT_BACKLOG (limits.h), and further
// ones are refused with a reset, so a slow app bounds what tcpip holds for
// it. Closing the listener channel stops listening.
#pragma once

#include <ftl/server.h>

#define LISTENER_ACCEPTS_MAX 64 // accepts waiting at once

struct listener;

// OPEN tcp-listen:PORT for service owner ("" when not known): completes
// req with the listener's channel, or FTL_ERR_BUSY (the port is in use,
// by another service or by one not known), FTL_ERR_INVALID_ARG,
// FTL_ERR_NO_MEMORY. A new instance of the service that holds the port
// joins it and takes its new connections (listener.c).
void listener_open(struct ftl_request *req, const char *port,
                   const char *owner);

// OPEN accept on the listener.
void listener_accept(struct ftl_request *req, struct listener *listener);

void listener_hangup(struct listener *listener);
void listener_close(struct listener *listener);
