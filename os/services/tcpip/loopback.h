// The loopback interface, 127.0.0.1/8: connections between programs of the
// same system (a test service calling an HTTP service) go through tcpip
// like any other, without leaving the machine.
#pragma once

#include <ftl/loop.h>

// Adds the interface, up at once; its packets are delivered from loop.
// Returns 0 or FTL_ERR_NO_MEMORY.
int loopback_init(struct ftl_loop *loop);
