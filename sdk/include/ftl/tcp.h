// TCP sockets on the event loop, on top of channels to the tcpip service
// (docs/concepts/networking.md has the protocol underneath).
//
//   static void on_read(struct ftl_conn *conn, const void *data, long len,
//                       void *arg)
//   {
//       if (len <= 0) {                 // end of stream, or an error
//           ftl_conn_close(conn);
//       } else {
//           ftl_conn_write(conn, data, (size_t)len, NULL, NULL);
//           ftl_conn_read(conn, 4096, on_read, arg);
//       }
//   }
//   static void on_accept(struct ftl_conn *conn, void *arg)
//   {
//       ftl_conn_read(conn, 4096, on_read, arg);
//   }
//   ftl_tcp_listen(loop, 7, on_accept, NULL);
//
// The channel to tcpip comes from `OPEN service/tcpip` on the program's
// first channel (its supervisor answers it), made on first use; a program
// that got such a channel another way gives it with ftl_tcp_use.
//
// Reads are pulled: nothing arrives unless a read is asked for, and data
// not read yet stays in tcpip within the TCP window, which slows the
// sender down. Writes are copied and queued in order; each completes when
// tcpip has taken all of its bytes.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/loop.h>

struct ftl_conn;

// A new connection; the callback owns it (close it when done).
typedef void (*ftl_tcp_accept_fn)(struct ftl_conn *conn, void *arg);

// Listens on port (all addresses) and calls on_accept for each connection,
// for as long as the program runs. Returns 0, or FTL_ERR_NO_MEMORY. A
// server that cannot listen cannot work: when listening fails later (port
// in use, no tcpip) the reason is logged and the loop stops with status 1,
// so the program ends and its supervisor can restart it.
int ftl_tcp_listen(struct ftl_loop *loop, uint16_t port,
                   ftl_tcp_accept_fn on_accept, void *arg);

// A listener for a program that outlives its listeners (a proxy such as
// the tls service): when listening fails (port in use for 5 s, no tcpip)
// or ends, on_error runs instead of the loop stopping, and the owner
// closes the listener. ftl_tcp_listener_close stops listening (from any
// callback, on_error's included). NULL when out of memory.
struct ftl_tcp_listener;
typedef void (*ftl_tcp_listen_error_fn)(struct ftl_tcp_listener *listener,
                                        int error, void *arg);
struct ftl_tcp_listener *ftl_tcp_listener_open(struct ftl_loop *loop,
                                               uint16_t port,
                                               ftl_tcp_accept_fn on_accept,
                                               ftl_tcp_listen_error_fn on_error,
                                               void *arg);
void ftl_tcp_listener_close(struct ftl_tcp_listener *listener);

// Stops (paused true) or resumes passing connections to on_accept, for a
// server at a limit of its own (the tls service, at TLS_HANDSHAKES_MAX):
// new connections then wait in tcpip's accept queue (TCP_ACCEPT_BACKLOG,
// past which tcpip refuses them) instead of being taken and closed.
// Connections that accepts already under way bring meanwhile (a few) are
// held and passed on after resuming, which happens from the loop, never
// from inside this call.
void ftl_tcp_listener_pause(struct ftl_tcp_listener *listener, bool paused);

// The outcome of ftl_tcp_connect: the connection (the callback owns it),
// or NULL and error: FTL_ERR_NOT_FOUND (name unknown), FTL_ERR_IO
// (refused, unreachable).
typedef void (*ftl_tcp_connect_fn)(struct ftl_conn *conn, int error, void *arg);

// Connects to host (a name or a dotted address) and port. Returns 0 (fn
// runs later) or FTL_ERR_NO_MEMORY, FTL_ERR_TOO_LARGE (host name).
int ftl_tcp_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                    ftl_tcp_connect_fn fn, void *arg);

// Reads up to max bytes; fn gets them (data valid during the call only),
// len 0 at the end of the stream (the peer closed its side) or len < 0 on
// an error (FTL_ERR_IO: reset). One read at a time: FTL_ERR_BUSY while one
// is in flight. A read of at most FTL_MSG_BODY_MAX bytes (4 KiB) holds no
// buffer while it waits, so a server of many idle connections reads in
// such pieces; a larger one has tcpip copy straight into a buffer of the
// connection's, kept until the connection closes.
typedef void (*ftl_conn_read_fn)(struct ftl_conn *conn, const void *data,
                                 long len, void *arg);
int ftl_conn_read(struct ftl_conn *conn, size_t max, ftl_conn_read_fn fn,
                  void *arg);

// Queues len bytes of data (copied) to send after what is queued already;
// fn (may be NULL) runs with 0 once tcpip has taken them, or an error.
// Returns 0, FTL_ERR_NO_MEMORY, or FTL_ERR_PEER_CLOSED after an error.
typedef void (*ftl_conn_write_fn)(struct ftl_conn *conn, int error, void *arg);
int ftl_conn_write(struct ftl_conn *conn, const void *data, size_t len,
                   ftl_conn_write_fn fn, void *arg);

// Bytes queued by ftl_conn_write that tcpip has not taken yet.
size_t ftl_conn_pending(const struct ftl_conn *conn);

// Closes the connection once queued writes are sent (FIN), and frees it.
// Callbacks of pending reads and writes do not run any more.
void ftl_conn_close(struct ftl_conn *conn);

// Sends FIN after the queued writes, but keeps reading.
int ftl_conn_shutdown(struct ftl_conn *conn);

// Uses channel (to tcpip's service, taken over) instead of opening
// service/tcpip on the first channel. Before any other call.
void ftl_tcp_use(struct ftl_loop *loop, ftl_handle_t channel);

// A connection on channel, a connection channel of the socket protocol
// got some other way (a server that opens tcpip's sockets itself); the
// channel is taken over. NULL when out of memory (the channel is closed).
struct ftl_conn *ftl_conn_adopt(struct ftl_loop *loop, ftl_handle_t channel);
