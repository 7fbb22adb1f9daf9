// Fuzz target: DHCP option 121, classless static routes (tcpip's
// classless.c), as a DHCP server on the network writes it. The input is
// the option's value, at most 255 bytes as in a DHCP message, in a heap
// block of exactly its size. Every decoded route must be a valid prefix
// whose destination has no host bits, and a lookup must return one of the
// decoded routes that covers the address asked for.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classless.h"

#define OPTION_LEN_MAX 255 // one byte of length in a DHCP option

static void routes_check(const struct classless_route *routes, int count)
{
    for (int i = 0; i < count; i++) {
        const struct classless_route *r = &routes[i];
        if (r->prefix > 32 || (r->destination & ~r->mask) != 0) {
            abort();
        }
    }
}

static void lookup_check(const struct classless_route *routes, int count,
                         uint32_t dest)
{
    const struct classless_route *r = classless_lookup(routes, count, dest);
    if (r == NULL) {
        return;
    }
    if (r < routes || r >= routes + count ||
        (dest & r->mask) != r->destination) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > OPTION_LEN_MAX) {
        return 0;
    }
    uint8_t *value = malloc(size != 0 ? size : 1);
    memcpy(value, data, size);
    struct classless_route routes[CLASSLESS_ROUTES_MAX];
    int count = classless_decode(value, size, routes, CLASSLESS_ROUTES_MAX);
    if (count < -1 || count > CLASSLESS_ROUTES_MAX) {
        abort();
    }
    if (count > 0) {
        routes_check(routes, count);
        // Addresses from the routes themselves, and their neighbours.
        for (int i = 0; i < count; i++) {
            lookup_check(routes, count, routes[i].destination);
            lookup_check(routes, count, routes[i].destination ^ 0x01000000u);
            lookup_check(routes, count, routes[i].router);
        }
        lookup_check(routes, count, 0);
        lookup_check(routes, count, 0xffffffffu);
    }
    free(value);
    return 0;
}
