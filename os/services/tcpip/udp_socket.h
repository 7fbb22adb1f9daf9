// UDP sockets as channels (docs/concepts/networking.md, "Sockets"):
//   OPEN udp:HOST:PORT  a socket connected to HOST:PORT
//   OPEN udp-bind:PORT  a socket bound to PORT that answers whoever wrote
// On either:
//   READ len  -> the next datagram (cut to len), as soon as one is there
//   WRITE     -> sends one datagram: to HOST:PORT, or (bound) to the
//                sender of the datagram read last; FTL_ERR_NOT_FOUND
//                before any was read
//   GETATTR peer -> "a.b.c.d:port" of that destination
// Datagrams nobody reads wait up to UDP_SOCKET_QUEUE_MAX, then the oldest
// are dropped (UDP's own answer to a slow reader). A new instance of the
// service that holds a bound port takes it over (as with TCP listeners,
// listener.h): the old socket reads what it had queued, then
// FTL_ERR_PEER_CLOSED, and can no longer send.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <ftl/server.h>

#define UDP_SOCKET_QUEUE_MAX 32
#define UDP_SOCKET_DATAGRAM_MAX 1472 // one Ethernet frame's payload

struct udp_socket;

// OPEN udp:HOST:PORT (bound false: spec is "HOST:PORT") or udp-bind:PORT
// (bound true: spec is "PORT") for service owner ("" when not known);
// completes req with the socket's channel, or FTL_ERR_BUSY for a port
// another service (or one not known) holds.
void udp_socket_open(struct ftl_request *req, const char *spec, bool bound,
                     const char *owner);

void udp_socket_read(struct ftl_request *req, struct udp_socket *s, size_t len);
void udp_socket_write(struct ftl_request *req, struct udp_socket *s,
                      const void *data, size_t len);
void udp_socket_getattr(struct ftl_request *req, struct udp_socket *s,
                        const char *name);
void udp_socket_hangup(struct udp_socket *s);
void udp_socket_close(struct udp_socket *s);
