// The one network interface of the stack: lwIP's netif over a frame link
// to the driver (ftl/link.h), and its address configuration: DHCP, or a
// static address from the environment.
#pragma once

#include <stddef.h>

#include <ftl/handle.h>
#include <ftl/loop.h>

// How the interface gets its address.
struct netif_config {
    const char *address; // "10.0.2.15/24"; NULL: DHCP
    const char *gateway; // "10.0.2.2" or NULL
    const char *dns;     // "10.0.2.3" or NULL
};

// Attaches the interface to the driver behind channel (a link, taken
// over), asks the driver for its MAC address and then configures the
// address. Errors: FTL_ERR_BUSY (a link is up already), FTL_ERR_NO_MEMORY,
// FTL_ERR_INVALID_ARG (a malformed static address).
int netif_attach(struct ftl_loop *loop, ftl_handle_t channel,
                 const struct netif_config *config);

// Whether the interface has an address.
int netif_is_ready(void);

// "address=10.0.2.15 netmask=255.255.255.0 gateway=10.0.2.2 dns=10.0.2.3
// mode=dhcp routes=0 drops=0" for GETATTR and logs. Returns the length.
size_t netif_describe(char *out, size_t max);
