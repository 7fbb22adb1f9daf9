// Routing by DHCP's classless static routes: the lwIP hooks (hooks.h)
// record option 121 from a DHCP ACK and choose the next hop of every
// off-subnet packet by them, which is what makes a Google Compute Engine
// lease work: a /32 address, so every destination is off-subnet, and a
// default route via a router that is itself reached on-link.
#pragma once

#include <stddef.h>

// Forgets the routes (a new lease is being negotiated, or a static address
// is set).
void route_clear(void);

// The routes as text ("10.128.0.1/32 on-link, 0.0.0.0/0 via 10.128.0.1"),
// for GETATTR and logs. Returns the length written.
size_t route_describe(char *out, size_t max);

// How many routes are in force.
int route_count(void);
