// TLS connections on the event loop: the same struct ftl_conn as plain TCP
// (ftl/tcp.h), read and written the same way, through the tls service
// (os/services/tls, docs/guides/tls.md). The tls service holds the
// certificate and private key and does the cryptography, so neither enters
// the program: it sees the plaintext only.
//
//   ftl_tls_listen(loop, 443, on_accept, NULL);  // as ftl_tcp_listen
//
// The program's spec `requires: [tls]`. The channel to tls comes from
// `OPEN service/tls` on the first channel, made on first use, as for
// tcpip; a program that got it another way gives it with ftl_tls_use.
#pragma once

#include <ftl/tcp.h>

// Listens on port through tls: on_accept gets each connection whose
// handshake has completed. Otherwise as ftl_tcp_listen (a failure to
// listen is logged and stops the loop).
int ftl_tls_listen(struct ftl_loop *loop, uint16_t port,
                   ftl_tcp_accept_fn on_accept, void *arg);

// As ftl_tcp_listener_open, through tls: a program that serves more than
// TLS goes on when TLS cannot listen (no certificate, no random numbers)
// and is told why in on_error. Closed with ftl_tcp_listener_close.
struct ftl_tcp_listener *ftl_tls_listener_open(struct ftl_loop *loop,
                                               uint16_t port,
                                               ftl_tcp_accept_fn on_accept,
                                               ftl_tcp_listen_error_fn on_error,
                                               void *arg);

// Connects to host:port and completes a handshake in which the server's
// certificate is checked against the tls service's CA bundle and host
// name. fn gets the connection, or NULL and FTL_ERR_NOT_ALLOWED (the
// certificate is not trusted or not for host: tls logs why),
// FTL_ERR_IO (refused, unreachable, the handshake failed),
// FTL_ERR_NOT_FOUND (name unknown).
int ftl_tls_connect(struct ftl_loop *loop, const char *host, uint16_t port,
                    ftl_tcp_connect_fn fn, void *arg);

// Uses channel (to the tls service, taken over) instead of opening
// service/tls on the first channel. Before any other call.
void ftl_tls_use(struct ftl_loop *loop, ftl_handle_t channel);
