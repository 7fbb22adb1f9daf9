// Half-open connections of a listener: those whose SYN came and whose
// handshake has not finished (lwIP's SYN_RCVD pcbs). lwIP keeps each for
// 20 s and, without a bound, a SYN flood fills memory with them; with its
// own backlog (at most 255) a flood shuts real clients out instead. Here
// they are bounded by a limit and kept in arrival order: at the limit the
// oldest is dropped (without a reset, see on_passive_open) for the newest,
// as BSD's syncache does. A real client finishes its handshake within a
// round trip, long before a flood's newer SYNs push it out.
//
// Tracking goes through lwIP's per-pcb extension arguments
// (LWIP_TCP_PCB_NUM_EXT_ARGS): the listener's passive_open callback sees
// each new pcb, and the pcb's destroy callback its end.
#pragma once

struct tcp_pcb;
struct halfopen;

struct halfopen_queue {
    struct halfopen *oldest, *newest;
    unsigned count, limit;
};

// Makes q (limit > 0) track the half-open pcbs of pcb, which is about to
// listen: call before tcp_listen (the listening pcb inherits what is set).
void halfopen_watch(struct tcp_pcb *pcb, struct halfopen_queue *q,
                    unsigned limit);

// pcb finished its handshake: it is not half-open any more.
void halfopen_established(struct tcp_pcb *pcb);

// Aborts every half-open pcb of q (its listener closes).
void halfopen_abort_all(struct halfopen_queue *q);
