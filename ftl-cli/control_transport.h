// How the control channel's bytes travel (control.h). Under `ftl run` the
// channel is the Unix socket QEMU makes of the guest's COM2. For a Google
// Compute Engine instance it is the instance's serial port 2, reached
// through Google's serial console relay: `gcloud compute
// connect-to-serial-port INSTANCE --port=2`, an SSH session to Google's
// gateway, started as a child whose stdin and stdout are one end of a
// socket pair. Either way control.c reads and writes one socket (send
// with MSG_NOSIGNAL: a relay that died is an error, not a SIGPIPE).
//
// The relay leaves bytes as they are: gcloud runs `ssh -t`, and with
// stdin not a terminal ssh requests no pseudo-terminal (no line discipline
// on the gateway's side) and turns its `~` escape character off. What it
// adds (the gateway's banner, ssh's messages on stderr) is not a frame,
// and the protocol skips it (docs/reference/control-protocol.md, "Google
// Compute Engine").
#pragma once

#include "control.h"

// Connects to t->socket, or starts the relay to t->gce.instance; fills
// tr. 0, or an exit code after the error was printed (no gcloud in PATH:
// EXIT_ENV).
int control_transport_open(struct control_transport *tr,
                           const struct control_target *t);

// The channel closed (or could not be written) while waiting for `what`:
// for the relay, prints gcloud's own messages (it knows why: no account,
// no such instance, serial port access off) and its exit status. Returns
// the exit code.
int control_transport_closed(struct control_transport *tr, const char *what);

// Closes the socket; ends the relay (its stdin closes, then SIGTERM, then
// SIGKILL) and waits for it.
void control_transport_close(struct control_transport *tr);

// gcloud's command line for the relay to g, NULL-terminated.
char **control_relay_argv(const struct control_gce *g);
