// Interrupt controllers: the legacy 8259 PICs (masked), the local APIC
// (xAPIC through MMIO, or x2APIC through MSRs when the CPU has it) with its
// timer, and the IOAPICs (all pins masked until a driver asks for one).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/x64/acpi.h"

// Masks the PICs, enables this CPU's local APIC and masks every IOAPIC pin.
void apic_init(const struct interrupt_topology *topology);

void apic_eoi(void);

// Local APIC timer. With TSC-deadline mode the deadline is a TSC value;
// otherwise a one-shot count in timer ticks (bus clock / 16).
bool apic_has_tsc_deadline(void);
void apic_timer_set_tsc_deadline(uint64_t tsc);
void apic_timer_set_oneshot(uint32_t ticks);
void apic_timer_stop(void);
// Starts the counter from its maximum and reads it, for calibration.
void apic_timer_start_count(void);
uint32_t apic_timer_read_count(void);

bool apic_is_x2apic(void);

// IOAPIC inputs (global system interrupts). Input g arrives at vector
// TRAP_IRQ_BASE + g. Routing programs the redirection entry (edge/high for
// ISA IRQs unless the MADT overrides, level/low for the rest, as PCI uses)
// and unmasks it.
#define APIC_GSI_MAX 64
bool apic_gsi_exists(unsigned gsi);
// The GSI an ISA IRQ arrives on (the MADT may override the identity).
unsigned apic_isa_irq_gsi(unsigned irq);
void apic_gsi_route(unsigned gsi);
void apic_gsi_mask(unsigned gsi);
void apic_gsi_unmask(unsigned gsi);
