// See rxbacklog.h.
#include "rxbacklog.h"

#include <stdlib.h>
#include <string.h>

bool rx_backlog_init(struct rx_backlog *b)
{
    memset(b, 0, sizeof(*b));
    b->frames = malloc(RX_BACKLOG_FRAMES * sizeof(*b->frames));
    return b->frames != NULL;
}

#define ETHER_HEADER 14
#define ETHERTYPE_IPV4 0x0800
#define IP_PROTOCOL_TCP 6
#define TCP_SYN 0x02
#define TCP_ACK 0x10

bool rx_frame_is_connection_request(const void *frame, size_t len)
{
    const uint8_t *f = frame;
    if (len < ETHER_HEADER + 20 ||
        (f[12] << 8 | f[13]) != ETHERTYPE_IPV4 ||
        f[ETHER_HEADER + 9] != IP_PROTOCOL_TCP) {
        return false;
    }
    size_t ip_header = (size_t)(f[ETHER_HEADER] & 0x0f) * 4;
    size_t flags = ETHER_HEADER + ip_header + 13; // TCP's flags byte
    if (ip_header < 20 || flags >= len) {
        return false;
    }
    return (f[flags] & (TCP_SYN | TCP_ACK)) == TCP_SYN;
}

enum rx_backlog_result rx_backlog_push(struct rx_backlog *b, const void *frame,
                                       size_t len)
{
    if (b->frames == NULL || b->count == RX_BACKLOG_FRAMES ||
        len > sizeof(*b->frames)) {
        return RX_BACKLOG_FULL;
    }
    if (b->count >= RX_BACKLOG_SYN_LIMIT &&
        rx_frame_is_connection_request(frame, len)) {
        b->shed++;
        return RX_BACKLOG_SHED;
    }
    unsigned slot = (b->head + b->count) % RX_BACKLOG_FRAMES;
    memcpy(b->frames[slot], frame, len);
    b->lens[slot] = (uint16_t)len;
    b->count++;
    if (b->count > b->held_most) {
        b->held_most = b->count;
    }
    return RX_BACKLOG_HELD;
}

bool rx_backlog_peek(const struct rx_backlog *b, const void **frame,
                     size_t *len)
{
    if (b->count == 0) {
        return false;
    }
    *frame = b->frames[b->head];
    *len = b->lens[b->head];
    return true;
}

void rx_backlog_pop(struct rx_backlog *b)
{
    if (b->count > 0) {
        b->head = (b->head + 1) % RX_BACKLOG_FRAMES;
        b->count--;
    }
}
