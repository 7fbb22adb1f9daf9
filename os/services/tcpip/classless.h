// Classless static routes (DHCP option 121, RFC 3442): the decoder and the
// longest-prefix lookup, without lwIP, so host unit tests can reach them.
// Addresses are in network byte order, as they travel.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define CLASSLESS_ROUTES_MAX 16

struct classless_route {
    uint32_t destination; // network byte order, host bits zero
    uint32_t mask;        // network byte order
    uint8_t prefix;       // 0..32
    uint32_t router;      // network byte order; 0: on-link (no router)
};

// Decodes an option 121 value into routes[0..max). Returns how many, or -1
// when the value is malformed (a width over 32, a truncated entry); RFC
// 3442 says to ignore the whole option then.
int classless_decode(const uint8_t *value, size_t len,
                     struct classless_route *routes, int max);

// The route with the longest prefix that covers dest (network byte order),
// or NULL.
const struct classless_route *
classless_lookup(const struct classless_route *routes, int count,
                 uint32_t dest);
