// What a channel served by tls stands for; every served channel's context
// starts with a struct socket, as in tcpip (os/services/tcpip/socket.h):
// the first channel, an app's service channel, a listener, a session.
#pragma once

enum socket_kind {
    SOCKET_CONTROL, // the first channel: wiring from the supervisor
    SOCKET_SERVICE, // an app's channel to tls: OPEN tls-listen:, tls:
    SOCKET_LISTENER,
    SOCKET_SESSION,
};

struct socket {
    enum socket_kind kind;
};
