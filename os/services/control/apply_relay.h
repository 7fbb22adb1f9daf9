// An `apply` relayed to the supervisor (docs/reference/control-protocol.md):
// the bundle goes as one WRITE, and the steps come back as they happen.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/client.h>
#include <ftl/loop.h>

// Sends bundle (copied: the frame's bytes go when the caller returns) to
// the supervisor for request seq; the steps go to the host as P frames,
// then the R frame says whether all went in (session.h).
void apply_relay(struct ftl_loop *loop, struct ftl_client *supervisor,
                 uint32_t seq, const uint8_t *bundle, size_t len);
