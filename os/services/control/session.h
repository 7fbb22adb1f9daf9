// A control session (docs/reference/control-protocol.md): the host's
// frames in, checked (nonce, MAC, sequence), the commands run through the
// supervisor, the answers out as frames.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/client.h>
#include <ftl/loop.h>

#include "frame.h"

// Writes bytes to the host.
typedef void (*session_send_fn)(const void *data, size_t len);

// The service's state for sessions: the supervisor (commands), random
// (nonces), the image's key. Returns 0 or FTL_ERR_NO_MEMORY.
int session_init(struct ftl_loop *loop, struct ftl_client *supervisor,
                 struct ftl_client *random, const uint8_t key[FRAME_KEY],
                 session_send_fn send);

// Bytes from the host.
void session_input(const uint8_t *data, size_t len);

// For the commands relayed in files of their own (apply_relay.h): a P
// frame (one line of progress) and the R frame that ends request seq.
void session_progress(uint32_t seq, const char *line, size_t len);
void session_reply(uint32_t seq, bool ok, const char *text);
