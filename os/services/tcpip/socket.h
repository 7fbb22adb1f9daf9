// What a channel served by tcpip stands for. Every served channel's
// context starts with a struct socket, whose kind says which handlers
// apply: the control channel from the supervisor, a service channel of an
// app, a TCP listener, a TCP connection, a UDP socket. main.c dispatches
// each request by kind to the file that owns that kind.
#pragma once

enum socket_kind {
    SOCKET_CONTROL, // the first channel: wiring from the supervisor
    SOCKET_SERVICE, // an app's channel to tcpip: OPEN sockets, resolve
    SOCKET_LISTENER,
    SOCKET_CONNECTION,
    SOCKET_UDP,
};

struct socket {
    enum socket_kind kind;
};

// An app's service channel: the socket and the app's name, as the
// supervisor said it ("" if it did not), which its listeners carry.
struct service_socket {
    struct socket socket;
    char owner[32];
};

// Largest READ reply and WRITE taken at once on a stream: bounds what one
// request makes tcpip copy or hold.
#define SOCKET_IO_MAX (32u * 1024)
