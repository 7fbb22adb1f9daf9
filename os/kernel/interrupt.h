// Interrupt objects: a device IRQ delivered to sinks as FTL_EVENT_INTERRUPT.
// The IRQ line stays masked from its arrival until the driver acknowledges
// it, so a level-triggered device cannot storm the CPU.
#pragma once

#include <stdint.h>

#include "object.h"
#include "waitable.h"

struct interrupt {
    struct object object;
    unsigned gsi;   // global system interrupt (IOAPIC input)
    uint64_t count; // raised since the last event
    struct waitable waitable;
};

// Binds GSI `gsi` to a new interrupt object and unmasks it. Returns
// FTL_ERR_BUSY if another object has it, FTL_ERR_INVALID_ARG if there is no
// such input.
int interrupt_create(unsigned gsi, struct interrupt **out);

uint64_t interrupt_take_count(struct interrupt *irq);

// Unmasks the line again after an event was handled.
void interrupt_ack(struct interrupt *irq);

// Called by the arch layer when GSI `gsi` fires (line already masked).
void interrupt_raise(unsigned gsi);
