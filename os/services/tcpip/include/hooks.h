// The lwIP hooks of the tcpip service (LWIP_HOOK_FILENAME in lwipopts.h):
// classless static routes from DHCP (route.c), new connections over
// TIME_WAIT ones (timewait.c).
#pragma once

#include "lwip/netif.h"
#include "lwip/pbuf.h"

#include "timewait.h"

void route_dhcp_option(struct netif *netif, u8_t msg_type, u8_t option,
                       u8_t len, struct pbuf *p, u16_t offset);
const ip4_addr_t *route_next_hop(struct netif *netif, const ip4_addr_t *dest);
