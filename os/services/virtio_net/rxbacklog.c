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

bool rx_backlog_push(struct rx_backlog *b, const void *frame, size_t len)
{
    if (b->frames == NULL || b->count == RX_BACKLOG_FRAMES ||
        len > sizeof(*b->frames)) {
        return false;
    }
    unsigned slot = (b->head + b->count) % RX_BACKLOG_FRAMES;
    memcpy(b->frames[slot], frame, len);
    b->lens[slot] = (uint16_t)len;
    b->count++;
    if (b->count > b->held_most) {
        b->held_most = b->count;
    }
    return true;
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
