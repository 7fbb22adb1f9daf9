// The control channel's transport as the rest of the service sees it: a
// byte stream to and from the host, with nothing of frames or sessions in
// it. Two implementations: vcon.c (port 0 of a virtio console, what QEMU
// runs give, about a hundred times faster) and uart_channel.c (COM2, what
// Google Compute Engine gives as serial port 2). main.c opens whichever is
// there and hands its send to the session (session.h).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/loop.h>

// Bytes from the host, valid until it returns; called from the loop.
typedef void (*channel_receive_fn)(const uint8_t *data, size_t len);

struct channel_ops {
    const char *name; // for the log: "virtio-console", "COM2"
    // Starts taking bytes from the host into receive, from loop's
    // callbacks. Errors: those of watching the device's interrupt.
    int (*start)(struct ftl_loop *loop, channel_receive_fn receive);
    // Sends len bytes to the host, in order; data is the caller's again
    // when it returns.
    void (*send)(const void *data, size_t len);
};
