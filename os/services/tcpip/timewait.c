// See timewait.h. Only a bare SYN is looked at; everything else passes
// untouched.
#include "timewait.h"

#include <string.h>

#include "lwip/def.h"
#include "lwip/ip4_addr.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

static u32_t read32(const u8_t *p)
{
    return (u32_t)p[0] << 24 | (u32_t)p[1] << 16 | (u32_t)p[2] << 8 | p[3];
}

int timewait_ip4_input(struct pbuf *p, struct netif *netif)
{
    (void)netif;
    const u8_t *ip = p->payload;
    if (p->len < IP_HLEN || ip[9] != IP_PROTO_TCP) {
        return 0;
    }
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    if (ihl < IP_HLEN || p->len < ihl + TCP_HLEN) {
        return 0;
    }
    const u8_t *tcp = ip + ihl;
    if ((tcp[13] & (TCP_SYN | TCP_ACK | TCP_RST)) != TCP_SYN) {
        return 0;
    }
    ip4_addr_t src, dst;
    memcpy(&src, ip + 12, 4);
    memcpy(&dst, ip + 16, 4);
    u16_t sport = (u16_t)(tcp[0] << 8 | tcp[1]);
    u16_t dport = (u16_t)(tcp[2] << 8 | tcp[3]);
    u32_t seqno = read32(tcp + 4);
    for (struct tcp_pcb *pcb = tcp_tw_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->remote_port == sport && pcb->local_port == dport &&
            ip4_addr_eq(ip_2_ip4(&pcb->remote_ip), &src) &&
            ip4_addr_eq(ip_2_ip4(&pcb->local_ip), &dst)) {
            if (TCP_SEQ_GT(seqno, pcb->rcv_nxt)) {
                tcp_abort(pcb); // TIME_WAIT: freed without a reset
            }
            break;
        }
    }
    return 0;
}
