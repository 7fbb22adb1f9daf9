// Classless static routes (RFC 3442). Each entry of option 121 is a prefix
// width, the significant octets of the destination (width / 8 rounded up)
// and a 4-octet router; a router of 0.0.0.0 means the destination is on
// the link itself.
#include "classless.h"

#include <string.h>

static uint32_t mask_of(uint8_t prefix)
{
    uint32_t host = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
    // To network byte order: the first octet of the address first.
    uint8_t bytes[4] = {(uint8_t)(host >> 24), (uint8_t)(host >> 16),
                        (uint8_t)(host >> 8), (uint8_t)host};
    uint32_t mask;
    memcpy(&mask, bytes, 4);
    return mask;
}

int classless_decode(const uint8_t *value, size_t len,
                     struct classless_route *routes, int max)
{
    int count = 0;
    size_t at = 0;
    while (at < len) {
        uint8_t prefix = value[at++];
        if (prefix > 32) {
            return -1;
        }
        size_t significant = (prefix + 7u) / 8;
        if (len - at < significant + 4) {
            return -1;
        }
        uint8_t dest[4] = {0};
        memcpy(dest, value + at, significant);
        at += significant;
        if (count < max) {
            struct classless_route *r = &routes[count];
            r->prefix = prefix;
            r->mask = mask_of(prefix);
            memcpy(&r->destination, dest, 4);
            r->destination &= r->mask;
            memcpy(&r->router, value + at, 4);
        }
        at += 4;
        count++;
    }
    return count < max ? count : max;
}

const struct classless_route *
classless_lookup(const struct classless_route *routes, int count, uint32_t dest)
{
    const struct classless_route *best = NULL;
    for (int i = 0; i < count; i++) {
        if ((dest & routes[i].mask) == routes[i].destination &&
            (best == NULL || routes[i].prefix > best->prefix)) {
            best = &routes[i];
        }
    }
    return best;
}
