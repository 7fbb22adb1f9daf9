// TLS listeners: an app's `OPEN tls-listen:PORT` on its service channel
// makes tls listen on PORT through tcpip; each connection's handshake runs
// in tls, and the listener channel's `OPEN accept` completes with the
// channel of a session whose handshake has completed, as tcpip's listener
// does with plain connections. Handshakes in progress are bounded
// (TLS_HANDSHAKES_MAX in all, limits.h): past that a new connection
// evicts the oldest handshake that waits for its client, so abandoned
// handshakes cost bounded memory and time; when every handshake has a
// ClientHello waiting for its turn (a burst of real clients), listening
// pauses and new connections wait in tcpip's accept queue.
#pragma once

#include <ftl/server.h>

struct tls_listener;

// OPEN tls-listen:PORT (port is the text after the colon).
void listener_open(struct ftl_loop *loop, struct ftl_request *req,
                   const char *port);

// OPEN accept on a listener channel.
void listener_accept(struct ftl_request *req, struct tls_listener *listener);

// The app's listener channel: gone with requests waiting (fail them), and
// gone (stop listening; sessions not accepted yet are ended).
void listener_hangup(struct tls_listener *listener);
void listener_close(struct tls_listener *listener);

// A server handshake was answered and now waits for its client, so may be
// evicted: a paused listener may take its next connection.
void listener_room(struct ftl_loop *loop);
