// What the kernel needs from the ACPI tables (or, without ACPI, from the
// MP table): where the interrupt controllers are.
#pragma once

#include <stdint.h>

#define ACPI_IOAPICS_MAX 8
#define ACPI_ISA_IRQS 16

struct interrupt_topology {
    uint64_t lapic_phys;
    unsigned ioapic_count;
    struct {
        uint8_t id;
        uint64_t phys;
        uint32_t gsi_base;
    } ioapics[ACPI_IOAPICS_MAX];
    // ISA IRQ -> global system interrupt, with the MADT's overrides applied.
    uint32_t isa_gsi[ACPI_ISA_IRQS];
    uint16_t isa_flags[ACPI_ISA_IRQS]; // MPS INTI flags (polarity, trigger)
    const char *source;                // "ACPI MADT" or "MP table"
};

// Fills *out from the MADT found through rsdp (the RSDP in kernel memory, or
// NULL to scan the BIOS areas for it), else from the MP table. Returns 0, or FTL_ERR_NOT_FOUND if
// neither exists. Tables are read through the direct map and every length in
// them is checked.
int acpi_find_interrupts(const void *rsdp, struct interrupt_topology *out);
