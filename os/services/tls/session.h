// A TLS session: one TCP connection (ftl/tcp.h, to tcpip) with an mbedtls
// context on it, and the app's side, a channel served with the socket
// protocol of tcpip (READ, WRITE, SETATTR shutdown=write), on which the
// app sees plaintext only.
//
// Reading is pulled end to end: ciphertext is read from tcpip only while
// the handshake or an app's READ needs it, so a slow app slows the peer
// down through TCP's window, as with plain TCP. An app's WRITE is answered
// once all of its records are taken by tcpip.
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <ftl/loop.h>
#include <ftl/server.h>
#include <ftl/tcp.h>

#include "mbedtls/ssl.h"

#include "socket.h"

struct session;

// The handshake's outcome: 0, or FTL_ERR_TIMED_OUT, FTL_ERR_LIMIT
// (evicted: session_evict_oldest), FTL_ERR_NOT_ALLOWED
// (the peer's certificate is not trusted), FTL_ERR_IO (any other failure).
// The owner then destroys a failed session, or hands it to an app.
typedef void (*session_done_fn)(struct session *session, int error,
                                void *owner);

// Starts the handshake on tcp (taken over), to be done within
// TLS_HANDSHAKE_MS (limits.h), as a server, or as a client of
// host (whose certificate must be for that name). NULL when out of memory
// (tcp is closed).
struct session *session_accept(struct ftl_loop *loop, struct ftl_conn *tcp,
                               const mbedtls_ssl_config *config,
                               session_done_fn done, void *owner);
struct session *session_connect(struct ftl_loop *loop, struct ftl_conn *tcp,
                                const mbedtls_ssl_config *config,
                                const char *host, session_done_fn done,
                                void *owner);

// Ends the oldest server handshake in progress that has waited more than
// a second for its client (its owner is told, with FTL_ERR_LIMIT), to make
// room for a new one; false if there is none: every one has a ClientHello
// waiting for its turn, or is young. When overloaded, the oldest of all.
bool session_evict_oldest(bool overloaded);

// The app's requests on the session's channel.
void session_read(struct ftl_request *req, struct session *session,
                  size_t len);
void session_write(struct ftl_request *req, struct session *session,
                   const void *data, size_t len);
void session_setattr(struct ftl_request *req, struct session *session,
                     const char *name, const char *value);

// The app is gone: its waiting requests fail (the server's on_hangup).
void session_hangup(struct session *session);

// Ends the session (close_notify, then FIN after what is queued) and frees
// it. For a session that an app holds: when its channel closes.
void session_destroy(struct session *session);

// The next session in a list of its owner's (a listener's ready queue).
struct session **session_next(struct session *session);
