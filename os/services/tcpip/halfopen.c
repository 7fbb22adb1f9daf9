// See halfopen.h.
#include "halfopen.h"

#include <stdlib.h>

#include "lwip/priv/tcp_priv.h" // tcp_abandon
#include "lwip/tcp.h"

#include "refusals.h"

struct halfopen {
    struct halfopen *older, *newer;
    struct halfopen_queue *queue;
    struct tcp_pcb *pcb;
};

// lwIP hands out extension ids once and for all; ours is taken on first use.
static u8_t ext_id = LWIP_TCP_PCB_NUM_EXT_ARG_ID_INVALID;

static void unlink_entry(struct halfopen *e)
{
    struct halfopen_queue *q = e->queue;
    if (e->older != NULL) {
        e->older->newer = e->newer;
    } else {
        q->oldest = e->newer;
    }
    if (e->newer != NULL) {
        e->newer->older = e->older;
    } else {
        q->newest = e->older;
    }
    q->count--;
    free(e);
}

// lwIP frees a pcb that was half-open: timed out, reset by its peer, or
// aborted (data NULL: it got established and is not tracked any more).
static void on_pcb_destroyed(u8_t id, void *data)
{
    (void)id;
    if (data != NULL) {
        unlink_entry(data);
    }
}

static const struct tcp_ext_arg_callbacks pcb_callbacks = {
    .destroy = on_pcb_destroyed,
};

// A SYN made cpcb (SYN_RCVD; lwIP sends the SYN-ACK after this returns).
static err_t on_passive_open(u8_t id, struct tcp_pcb_listen *lpcb,
                             struct tcp_pcb *cpcb)
{
    struct halfopen_queue *q = tcp_ext_arg_get((struct tcp_pcb *)lpcb, id);
    if (q->count >= q->limit) {
        // Forgotten without a reset, as Linux drops a request from its
        // SYN queue: at the limit this is most likely a flood, whose
        // sources answer nothing, and a reset per SYN would double what
        // the stack sends while it is behind. A real client whose entry
        // went gets its reset when its ACK comes, and connects again.
        refusals_count(EVICTED_HALFOPEN);
        tcp_abandon(q->oldest->pcb, 0); // its destroy callback unlinks it
    }
    struct halfopen *e = malloc(sizeof(*e));
    if (e == NULL) {
        return ERR_MEM; // lwIP frees cpcb; the client sends its SYN again
    }
    *e = (struct halfopen){.older = q->newest, .queue = q, .pcb = cpcb};
    if (q->newest != NULL) {
        q->newest->newer = e;
    } else {
        q->oldest = e;
    }
    q->newest = e;
    q->count++;
    tcp_ext_arg_set_callbacks(cpcb, id, &pcb_callbacks);
    tcp_ext_arg_set(cpcb, id, e);
    return ERR_OK;
}

static const struct tcp_ext_arg_callbacks listener_callbacks = {
    .passive_open = on_passive_open,
};

void halfopen_watch(struct tcp_pcb *pcb, struct halfopen_queue *q,
                    unsigned limit)
{
    if (ext_id == LWIP_TCP_PCB_NUM_EXT_ARG_ID_INVALID) {
        ext_id = tcp_ext_arg_alloc_id();
    }
    *q = (struct halfopen_queue){.limit = limit};
    tcp_ext_arg_set_callbacks(pcb, ext_id, &listener_callbacks);
    tcp_ext_arg_set(pcb, ext_id, q);
}

void halfopen_established(struct tcp_pcb *pcb)
{
    struct halfopen *e = tcp_ext_arg_get(pcb, ext_id);
    if (e == NULL) {
        return;
    }
    tcp_ext_arg_set(pcb, ext_id, NULL); // lwIP wants callbacks kept
    unlink_entry(e);
}

void halfopen_abort_all(struct halfopen_queue *q)
{
    while (q->oldest != NULL) {
        tcp_abort(q->oldest->pcb);
    }
}
