// Interrupt objects: a device IRQ delivered to sinks as FTL_EVENT_INTERRUPT.
// The IRQ line stays masked from its arrival until the driver acknowledges
// it, so a level-triggered device cannot storm the CPU. PCI devices share
// lines: every object bound to a GSI sees each interrupt, and the line is
// unmasked once all of them have acknowledged.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "object.h"
#include "waitable.h"

struct interrupt {
    struct object object;
    unsigned gsi;   // global system interrupt (IOAPIC input)
    uint64_t count; // raised since the last event
    bool pending;   // raised and not acknowledged yet
    const void *owner; // who bound it (a PCI function, or NULL for a GSI)
    struct interrupt *next_on_line;
    struct waitable waitable;
};

// Binds GSI `gsi` to a new interrupt object for `owner` and unmasks the
// line. One owner binds a GSI once: FTL_ERR_BUSY if it (or, for a NULL
// owner, anyone) has it already. FTL_ERR_INVALID_ARG if there is no such
// input, FTL_ERR_NO_MEMORY.
int interrupt_create(unsigned gsi, const void *owner, struct interrupt **out);

uint64_t interrupt_take_count(struct interrupt *irq);

// This object is done with its interrupt: unmasks the line unless another
// object on it still has one pending.
void interrupt_ack(struct interrupt *irq);

// Called by the arch layer when GSI `gsi` fires (line already masked).
void interrupt_raise(unsigned gsi);
