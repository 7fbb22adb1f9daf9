// lwIP's netif on a frame link. Frames from the driver become pbufs for
// ethernet_input; lwIP's output goes to ftl_link_send, through a bounded
// queue while the link has no credit.
//
// The interface comes up only once the driver has told its MAC address
// (GETATTR mac over the link); then DHCP starts, or the static address is
// set.
#include "netif.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/link.h>
#include <ftl/log.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "addrwait.h"
#include "refusals.h"
#include "route.h"

static struct netif netif;
static struct ftl_link *driver_link;
static struct netif_config config;
static bool ready;
#define QUEUE_MAX 1024
static struct pbuf *queue[QUEUE_MAX]; // a ring of frames waiting for credit
static unsigned queue_head, queue_count;
static struct ftl_loop *loop;
static struct ftl_loop_timer report;

// Sends frame p now, or false when the link has no credit.
static bool send_now(struct pbuf *p)
{
    uint8_t frame[FTL_LINK_FRAME_MAX];
    pbuf_copy_partial(p, frame, p->tot_len, 0);
    return ftl_link_send(driver_link, frame, p->tot_len) != FTL_ERR_WOULD_BLOCK;
}

// Frames wait here while the link has no credit, as in a NIC's transmit
// queue; the link's on_ready drains it. When it is full too, frames are
// dropped and TCP's retransmission recovers.
static void flush_queue(struct ftl_link *l, void *arg)
{
    (void)l;
    (void)arg;
    while (queue_count > 0 && send_now(queue[queue_head])) {
        pbuf_free(queue[queue_head]);
        queue_head = (queue_head + 1) % QUEUE_MAX;
        queue_count--;
    }
}

static err_t link_output(struct netif *nif, struct pbuf *p)
{
    (void)nif;
    if (driver_link == NULL || p->tot_len > FTL_LINK_FRAME_MAX) {
        return ERR_IF;
    }
    if (queue_count == 0 && send_now(p)) {
        return ERR_OK;
    }
    struct pbuf *copy =
        queue_count < QUEUE_MAX ? pbuf_clone(PBUF_RAW, PBUF_RAM, p) : NULL;
    if (copy == NULL) {
        refusals_count(DROPPED_TX_QUEUE);
        return ERR_MEM;
    }
    queue[(queue_head + queue_count) % QUEUE_MAX] = copy;
    queue_count++;
    return ERR_OK;
}

static int on_frame(struct ftl_link *l, const void *frame, size_t len,
                    void *arg)
{
    (void)l;
    (void)arg;
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (p == NULL) {
        refusals_count(DROPPED_RX_MEMORY);
        return 0; // out of memory: dropped, as a NIC would
    }
    pbuf_take(p, frame, (u16_t)len);
    if (netif.input(p, &netif) != ERR_OK) {
        pbuf_free(p);
    }
    return 0;
}

// The driver is gone. Every connection went with the link, so tcpip ends
// too: the supervisor restarts it, and the new instance opens the new
// driver's link; apps reconnect as their listeners fail.
static void on_close(struct ftl_link *l, void *arg)
{
    (void)arg;
    FTL_LOG_ERROR("link to the driver closed; exiting to be restarted");
    ftl_link_destroy(l);
    driver_link = NULL;
    netif_set_link_down(&netif);
    ftl_loop_stop(loop, 1);
}

static err_t netif_setup(struct netif *nif)
{
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->mtu = 1500;
    nif->hwaddr_len = ETH_HWADDR_LEN;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    nif->output = etharp_output;
    nif->linkoutput = link_output;
    netif_set_hostname(nif, "ftl");
    return ERR_OK;
}

static void on_report(struct ftl_loop *l, struct ftl_loop_timer *timer,
                      void *arg)
{
    (void)l;
    (void)timer;
    (void)arg;
    char text[256];
    netif_describe(text, sizeof(text));
    FTL_LOG_INFO("%s", text);
    addrwait_ready(); // the mask and gateway are set by now
    if (route_count() > 0) {
        route_describe(text, sizeof(text));
        FTL_LOG_INFO("classless static routes: %s", text);
    }
}

// lwIP calls this when the address changes, before it sets the mask and
// gateway: the report waits for the next turn of the loop.
static void on_status(struct netif *nif)
{
    if (ip4_addr_isany_val(*netif_ip4_addr(nif))) {
        return;
    }
    ready = true;
    ftl_loop_timer_start(loop, &report, 0, 0, on_report, NULL);
}

// "a.b.c.d/len" into address and mask.
static bool parse_cidr(const char *text, ip4_addr_t *address, ip4_addr_t *mask)
{
    char copy[32];
    snprintf(copy, sizeof(copy), "%s", text);
    char *slash = strchr(copy, '/');
    unsigned prefix = 24;
    if (slash != NULL) {
        *slash = '\0';
        char *end;
        prefix = (unsigned)strtoul(slash + 1, &end, 10);
        if (*end != '\0' || prefix > 32) {
            return false;
        }
    }
    ip4_addr_set_u32(mask, prefix == 0 ? 0 : lwip_htonl(~0u << (32 - prefix)));
    return ip4addr_aton(copy, address) != 0;
}

static int configure_static(void)
{
    ip4_addr_t address, mask, gateway, dns;
    ip4_addr_set_zero(&gateway);
    if (!parse_cidr(config.address, &address, &mask) ||
        (config.gateway != NULL && !ip4addr_aton(config.gateway, &gateway))) {
        return FTL_ERR_INVALID_ARG;
    }
    if (config.dns != NULL && ip4addr_aton(config.dns, &dns)) {
        dns_setserver(0, &dns);
    }
    route_clear();
    netif_set_addr(&netif, &address, &mask, &gateway);
    return 0;
}

static void on_mac(struct ftl_link *l, int error, const char *value, void *arg)
{
    (void)l;
    (void)arg;
    unsigned m[6];
    if (error < 0 || sscanf(value, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2],
                            &m[3], &m[4], &m[5]) != 6) {
        FTL_LOG_ERROR("no MAC address from the driver");
        return;
    }
    for (int i = 0; i < 6; i++) {
        netif.hwaddr[i] = (u8_t)m[i];
    }
    netif_set_up(&netif);
    netif_set_link_up(&netif);
    if (config.address != NULL) {
        if (configure_static() < 0) {
            FTL_LOG_ERROR("bad static address %s", config.address);
        }
        return;
    }
    route_clear();
    dhcp_start(&netif);
}

static const struct ftl_link_ops link_ops = {.on_frame = on_frame,
                                             .on_ready = flush_queue,
                                             .on_getattr_reply = on_mac,
                                             .on_close = on_close};

int netif_attach(struct ftl_loop *l, ftl_handle_t channel,
                 const struct netif_config *c)
{
    loop = l;
    if (driver_link != NULL) {
        return FTL_ERR_BUSY;
    }
    static bool added;
    if (!added) {
        ip4_addr_t any;
        ip4_addr_set_zero(&any);
        netif_add(&netif, &any, &any, &any, NULL, netif_setup, ethernet_input);
        netif_set_default(&netif);
        netif_set_status_callback(&netif, on_status);
        added = true;
    }
    config = *c;
    driver_link = ftl_link_create(loop, channel, &link_ops, NULL);
    if (driver_link == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    return ftl_link_getattr(driver_link, "mac");
}

int netif_is_ready(void)
{
    return ready;
}

size_t netif_describe(char *out, size_t max)
{
    char address[16], mask[16], gateway[16], dns[16] = "none";
    ip4addr_ntoa_r(netif_ip4_addr(&netif), address, sizeof(address));
    ip4addr_ntoa_r(netif_ip4_netmask(&netif), mask, sizeof(mask));
    ip4addr_ntoa_r(netif_ip4_gw(&netif), gateway, sizeof(gateway));
    const ip_addr_t *server = dns_getserver(0);
    if (!ip_addr_isany(server)) {
        ipaddr_ntoa_r(server, dns, sizeof(dns));
    }
    int n = snprintf(out, max,
                     "address=%s netmask=%s gateway=%s dns=%s mode=%s "
                     "routes=%d drops=%llu",
                     address, mask, gateway, dns,
                     config.address != NULL ? "static" : "dhcp", route_count(),
                     (unsigned long long)(refusals_of(DROPPED_TX_QUEUE) +
                                          refusals_of(DROPPED_RX_MEMORY)));
    return n < 0 ? 0 : (size_t)n < max ? (size_t)n : max - 1;
}
