// lwIP configuration of the tcpip service: no OS layer (NO_SYS, raw API,
// driven by the service's event loop and its timers), IPv4 with ARP, ICMP,
// UDP, TCP, DHCP and DNS; memory from picolibc's malloc. Options not set
// here keep lwIP's defaults (src/include/lwip/opt.h).
#pragma once

#define NO_SYS 1
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define SYS_LIGHTWEIGHT_PROT 0 // one thread: nothing to protect
#define LWIP_TIMERS 1          // sys_check_timeouts from a loop timer

// Memory: the heap and every pool from malloc, so limits come from the
// service's memory, not from tables sized at build time.
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
#define MEM_ALIGNMENT 8

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DHCP 1
#define LWIP_DNS 1
#define LWIP_IGMP 0
#define LWIP_ACD 0 // no address conflict probing: DHCP binds at once
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_STATS 0

// TCP: a window of 16 full segments each way. Pools come from malloc
// (MEMP_MEM_MALLOC), so lwIP's MEMP_NUM_* counts limit nothing: the limits
// on connections are tcpip's own (limits.h), and half-open ones are
// bounded by halfopen.c rather than by lwIP's listen backlog (at most 255,
// and full of a SYN flood's pcbs), hence no TCP_LISTEN_BACKLOG and one
// extension argument per pcb for halfopen.c.
#define TCP_MSS 1460
#define TCP_WND (16 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_LISTEN_BACKLOG 0
#define LWIP_TCP_PCB_NUM_EXT_ARGS 1
#define MEMP_NUM_SYS_TIMEOUT 16
#define LWIP_TCP_KEEPALIVE 1
// SOF_REUSEADDR (listener.c sets it) means something only with SO_REUSE:
// without it, an app restarted while tcpip runs could not listen on its
// port again until its old connections had left TIME_WAIT, two minutes
// (tests/qemu/faults_test.py, the kill of http_server).
#define SO_REUSE 1
#define LWIP_CALLBACK_API 1

#define DNS_MAX_SERVERS 2
#define DNS_TABLE_SIZE 8

// DHCP: also ask for classless static routes (option 121, RFC 3442), which
// Google Compute Engine uses to reach a router outside a /32 lease; the
// hooks below parse them and route by them (route.c).
#define DHCP_ADD_EXTRA_REQUEST_OPTIONS , 121
#define LWIP_HOOK_FILENAME "hooks.h"
#define LWIP_HOOK_DHCP_PARSE_OPTION(netif, dhcp, state, msg, msg_type, option, \
                                    len, pbuf, offset)                         \
    route_dhcp_option(netif, msg_type, option, len, pbuf, offset)
#define LWIP_HOOK_ETHARP_GET_GW(netif, dest) route_next_hop(netif, dest)
// A client's SYN may start a new connection over one in TIME_WAIT, as with
// BSD and Linux (timewait.c).
#define LWIP_HOOK_IP4_INPUT(p, netif) timewait_ip4_input(p, netif)

#define LWIP_RAND() ((u32_t)rand())
#define LWIP_ERRNO_STDINCLUDE 1
