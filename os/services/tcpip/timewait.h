// A new connection on the address and port pair of one in TIME_WAIT.
//
// The server closes first after `Connection: close`, so its side of every
// such connection waits in TIME_WAIT (2 * TCP_MSL). When a client picks
// the same source port again meanwhile, lwIP 2.2.1 answers its SYN with an
// ACK and no connection ever forms; BSD and Linux instead let a SYN whose
// sequence number is beyond the old connection's end start a new one (RFC
// 1122 section 4.2.2.13, RFC 6191). This hook does what they do: it ends
// the TIME_WAIT pcb and lets lwIP take the SYN as new.
#pragma once

#include "lwip/netif.h"
#include "lwip/pbuf.h"

// LWIP_HOOK_IP4_INPUT: p's payload is the IPv4 header. Returns 0: lwIP
// always goes on with the packet.
int timewait_ip4_input(struct pbuf *p, struct netif *netif);
