// The loopback interface (loopback.h). lwIP has one of its own
// (LWIP_HAVE_LOOPIF), but under NO_SYS it only queues packets until the
// program polls it; here each packet sent arms a zero-delay loop timer
// instead, so a packet is delivered on the next turn of the loop, not on
// the next lwIP tick. Packets are copied on output, since TCP keeps and
// may retransmit the ones it sent, and delivered in order from a ring.
#include "loopback.h"

#include <ftl/error.h>

#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"

#define LOOPBACK_QUEUE_MAX 256
#define LOOPBACK_MTU 16384

static struct netif loop_netif;
static struct ftl_loop *loop;
static struct ftl_loop_timer deliver_timer;
static struct pbuf *queue[LOOPBACK_QUEUE_MAX];
static unsigned queue_head, queue_count;

// Delivers the packets queued so far; those sent meanwhile (answers) wait
// for the next turn, so that the loop's other events are not starved.
static void loopback_deliver(struct ftl_loop *l, struct ftl_loop_timer *timer,
                             void *arg)
{
    (void)l;
    (void)timer;
    (void)arg;
    for (unsigned n = queue_count; n > 0; n--) {
        struct pbuf *p = queue[queue_head];
        queue_head = (queue_head + 1) % LOOPBACK_QUEUE_MAX;
        queue_count--;
        if (loop_netif.input(p, &loop_netif) != ERR_OK) {
            pbuf_free(p);
        }
    }
}

// lwIP's output: a full queue drops the packet, as a busy NIC would, and
// TCP's retransmission recovers.
static err_t loopback_output(struct netif *nif, struct pbuf *p,
                             const ip4_addr_t *address)
{
    (void)nif;
    (void)address;
    if (queue_count == LOOPBACK_QUEUE_MAX) {
        return ERR_OK;
    }
    struct pbuf *copy = pbuf_clone(PBUF_LINK, PBUF_RAM, p);
    if (copy == NULL) {
        return ERR_MEM;
    }
    queue[(queue_head + queue_count) % LOOPBACK_QUEUE_MAX] = copy;
    queue_count++;
    if (!ftl_loop_timer_is_armed(&deliver_timer)) {
        ftl_loop_timer_start(loop, &deliver_timer, 0, 0, loopback_deliver,
                             NULL);
    }
    return ERR_OK;
}

static err_t loopback_setup(struct netif *nif)
{
    nif->name[0] = 'l';
    nif->name[1] = 'o';
    nif->output = loopback_output;
    nif->mtu = LOOPBACK_MTU;
    return ERR_OK;
}

int loopback_init(struct ftl_loop *l)
{
    loop = l;
    ip4_addr_t address, mask, gateway;
    IP4_ADDR(&address, 127, 0, 0, 1);
    IP4_ADDR(&mask, 255, 0, 0, 0);
    ip4_addr_set_zero(&gateway);
    if (netif_add(&loop_netif, &address, &mask, &gateway, NULL, loopback_setup,
                  ip4_input) == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    netif_set_link_up(&loop_netif);
    netif_set_up(&loop_netif);
    return 0;
}
