// Interrupt objects (see interrupt.h): per GSI, the list of objects bound
// to it.
#include "interrupt.h"

#include <ftl/error.h>

#include "arch/x64/apic.h"
#include "heap.h"

static struct interrupt *lines[APIC_GSI_MAX];

static bool line_pending(unsigned gsi)
{
    for (struct interrupt *i = lines[gsi]; i != NULL; i = i->next_on_line) {
        if (i->pending) {
            return true;
        }
    }
    return false;
}

static void interrupt_destroy(struct object *object)
{
    struct interrupt *irq = (struct interrupt *)object;
    struct interrupt **link = &lines[irq->gsi];
    while (*link != irq) {
        link = &(*link)->next_on_line;
    }
    *link = irq->next_on_line;
    if (lines[irq->gsi] == NULL) {
        apic_gsi_mask(irq->gsi);
    } else if (irq->pending && !line_pending(irq->gsi)) {
        apic_gsi_unmask(irq->gsi);
    }
    waitable_detach_all(&irq->waitable);
    heap_free(irq);
}

int interrupt_create(unsigned gsi, const void *owner, struct interrupt **out)
{
    if (gsi >= APIC_GSI_MAX || !apic_gsi_exists(gsi)) {
        return FTL_ERR_INVALID_ARG;
    }
    for (struct interrupt *i = lines[gsi]; i != NULL; i = i->next_on_line) {
        if (owner == NULL || i->owner == NULL || i->owner == owner) {
            return FTL_ERR_BUSY;
        }
    }
    struct interrupt *irq = heap_alloc(sizeof(*irq));
    if (irq == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    *irq = (struct interrupt){.gsi = gsi, .owner = owner};
    object_init(&irq->object, OBJECT_INTERRUPT, interrupt_destroy);
    bool first = lines[gsi] == NULL;
    irq->next_on_line = lines[gsi];
    lines[gsi] = irq;
    if (first) {
        apic_gsi_route(gsi);
    }
    *out = irq;
    return 0;
}

uint64_t interrupt_take_count(struct interrupt *irq)
{
    uint64_t n = irq->count;
    irq->count = 0;
    return n;
}

void interrupt_ack(struct interrupt *irq)
{
    if (irq->pending) {
        irq->pending = false;
        if (!line_pending(irq->gsi)) {
            apic_gsi_unmask(irq->gsi);
        }
    }
}

void interrupt_raise(unsigned gsi)
{
    if (gsi >= APIC_GSI_MAX) {
        return;
    }
    for (struct interrupt *i = lines[gsi]; i != NULL; i = i->next_on_line) {
        i->count++;
        i->pending = true;
        waitable_notify(&i->waitable);
    }
}
