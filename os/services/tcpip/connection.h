// TCP connections as channels (docs/concepts/networking.md, "Sockets"):
//   READ len  -> up to len bytes as soon as any are there; 0 bytes: the
//                peer sent FIN (end of stream); FTL_ERR_IO: reset.
//   WRITE     -> replied once every byte is in lwIP's send buffer;
//                FTL_ERR_IO after a reset.
//   GETATTR peer|local -> "a.b.c.d:port"
//   SETATTR shutdown=write -> FIN now, reading goes on
//   closing the channel -> FIN after the data already written (graceful).
// One READ and one WRITE may wait at a time (FTL_ERR_BUSY otherwise).
// Received data stays in lwIP, unacknowledged to the window, until read:
// a slow reader slows the sender down (no buffering beyond TCP_WND).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/server.h>

struct tcp_pcb;
struct connection;

// A connection for pcb (established), with lwIP's callbacks set to it;
// NULL when out of memory (the caller aborts pcb).
struct connection *connection_create(struct tcp_pcb *pcb);

// Connections created and not freed yet (limits.h: TCP_MAX_CONNECTIONS).
unsigned connection_count(void);

// Frees a connection that never got its channel (its pcb is aborted).
void connection_discard(struct connection *conn);

// OPEN tcp:HOST:PORT on a service channel: resolves HOST, connects, and
// completes req with the connection's channel (or an error).
void connection_connect(struct ftl_request *req, const char *host_port);

void connection_read(struct ftl_request *req, struct connection *conn,
                     size_t len);
void connection_write(struct ftl_request *req, struct connection *conn,
                      const void *data, size_t len);
void connection_getattr(struct ftl_request *req, struct connection *conn,
                        const char *name);
void connection_setattr(struct ftl_request *req, struct connection *conn,
                        const char *name, const char *value);
// The app's end is gone: fail what waits.
void connection_hangup(struct connection *conn);
// The channel is closed: FIN, and the connection is freed.
void connection_close(struct connection *conn);
