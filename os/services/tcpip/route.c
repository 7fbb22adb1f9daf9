// DHCP option 121 in lwIP (see route.h). lwIP 2.2.1 parses the options it
// knows and hands the others to LWIP_HOOK_DHCP_PARSE_OPTION; the routes of
// the ACK are kept here. lwIP's ARP output asks LWIP_HOOK_ETHARP_GET_GW for
// the next hop of a destination off the interface's subnet; answering
// with the matching route's router (or the destination itself when the
// route is on-link) overrides the option 3 router, as RFC 3442 requires
// when option 121 is present.
#include "route.h"

#include <stdio.h>

#include "lwip/prot/dhcp.h"
#include "lwip/ip4_addr.h"

#include "classless.h"
#include "hooks.h"

#define OPTION_CLASSLESS_ROUTES 121

static struct classless_route routes[CLASSLESS_ROUTES_MAX];
static int count;
static ip4_addr_t hop; // what route_next_hop returns points here

void route_clear(void)
{
    count = 0;
}

int route_count(void)
{
    return count;
}

void route_dhcp_option(struct netif *netif, u8_t msg_type, u8_t option,
                       u8_t len, struct pbuf *p, u16_t offset)
{
    (void)netif;
    if (option != OPTION_CLASSLESS_ROUTES || msg_type != DHCP_ACK) {
        return;
    }
    u8_t value[255];
    if (pbuf_copy_partial(p, value, len, offset) != len) {
        return;
    }
    int n = classless_decode(value, len, routes, CLASSLESS_ROUTES_MAX);
    count = n < 0 ? 0 : n;
    if (n < 0) {
        printf("dhcp: malformed classless static routes ignored\n");
    }
}

const ip4_addr_t *route_next_hop(struct netif *netif, const ip4_addr_t *dest)
{
    (void)netif;
    const struct classless_route *r =
        classless_lookup(routes, count, ip4_addr_get_u32(dest));
    if (r == NULL) {
        return NULL; // lwIP falls back to the interface's gateway
    }
    ip4_addr_set_u32(&hop, r->router != 0 ? r->router : ip4_addr_get_u32(dest));
    return &hop;
}

size_t route_describe(char *out, size_t max)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < count && used < max; i++) {
        char dest[16], router[16];
        ip4_addr_t a;
        ip4_addr_set_u32(&a, routes[i].destination);
        ip4addr_ntoa_r(&a, dest, sizeof(dest));
        ip4_addr_set_u32(&a, routes[i].router);
        ip4addr_ntoa_r(&a, router, sizeof(router));
        int n = snprintf(out + used, max - used, "%s%s/%u %s%s",
                         i > 0 ? ", " : "", dest, routes[i].prefix,
                         routes[i].router != 0 ? "via " : "on-link",
                         routes[i].router != 0 ? router : "");
        used += n > 0 ? (size_t)n : 0;
    }
    return used < max ? used : max - 1;
}
