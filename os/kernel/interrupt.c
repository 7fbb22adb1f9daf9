// Interrupt objects (see interrupt.h): one table from GSI to object.
#include "interrupt.h"

#include <ftl/error.h>

#include "arch/x64/apic.h"
#include "heap.h"

static struct interrupt *bound[APIC_GSI_MAX];

static void interrupt_destroy(struct object *object)
{
    struct interrupt *irq = (struct interrupt *)object;
    apic_gsi_mask(irq->gsi);
    bound[irq->gsi] = NULL;
    waitable_detach_all(&irq->waitable);
    heap_free(irq);
}

int interrupt_create(unsigned gsi, struct interrupt **out)
{
    if (gsi >= APIC_GSI_MAX || !apic_gsi_exists(gsi)) {
        return FTL_ERR_INVALID_ARG;
    }
    if (bound[gsi] != NULL) {
        return FTL_ERR_BUSY;
    }
    struct interrupt *irq = heap_alloc(sizeof(*irq));
    if (irq == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    object_init(&irq->object, OBJECT_INTERRUPT, interrupt_destroy);
    irq->gsi = gsi;
    bound[gsi] = irq;
    apic_gsi_route(gsi);
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
    apic_gsi_unmask(irq->gsi);
}

void interrupt_raise(unsigned gsi)
{
    if (gsi < APIC_GSI_MAX && bound[gsi] != NULL) {
        bound[gsi]->count++;
        waitable_notify(&bound[gsi]->waitable);
    }
}
