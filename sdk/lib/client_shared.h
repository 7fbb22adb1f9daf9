// Between the server and client helpers (not public): a client whose
// channel is also served. The server watches the channel, hands replies to
// the client and owns both the handle and the client.
#pragma once

#include <ftl/client.h>
#include <ftl/sink.h>

// A client on `channel` that does not watch it itself. NULL if out of
// memory.
struct ftl_client *client_create_shared(struct ftl_loop *loop,
                                        ftl_handle_t channel);

// A reply arrived on the channel (event: its sink event).
void client_receive(struct ftl_client *client, const struct ftl_event *event);

// The peer is gone: every call in flight fails with FTL_ERR_PEER_CLOSED.
void client_peer_closed(struct ftl_client *client);

// The served channel is going: frees the client (once its callbacks
// returned). Its handle is the server's to close.
void client_release(struct ftl_client *client);
