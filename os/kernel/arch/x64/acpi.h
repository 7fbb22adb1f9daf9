// What the kernel needs from the ACPI tables (or, without ACPI, from the
// MP table): where the interrupt controllers are.
#pragma once

#include <stdint.h>

#define ACPI_IOAPICS_MAX 8
#define ACPI_ISA_IRQS 16
#define ACPI_GSIS_FLAGGED 64 // GSIs whose mode the MP table can state

// MPS INTI flags (MP spec 4.3.4; the MADT uses the same): polarity in bits
// 0-1, trigger mode in bits 2-3, 0 meaning "as the bus does".
#define MPS_POLARITY_MASK 0x3
#define MPS_POLARITY_HIGH 0x1
#define MPS_POLARITY_LOW 0x3
#define MPS_TRIGGER_MASK 0xc
#define MPS_TRIGGER_EDGE 0x4
#define MPS_TRIGGER_LEVEL 0xc

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
    // MPS INTI flags of the GSIs the MP table assigns to PCI interrupts
    // (0: not stated); ACPI leaves those to its namespace, which we do not
    // read, and apic.c's default for them is PCI's.
    uint16_t gsi_flags[ACPI_GSIS_FLAGGED];
    const char *source;                // "ACPI MADT" or "MP table"
};

// Fills *out from the MADT found through rsdp (the RSDP in kernel memory, or
// NULL to scan the BIOS areas for it), else from the MP table. Returns 0, or FTL_ERR_NOT_FOUND if
// neither exists. Tables are read through the direct map and every length in
// them is checked.
int acpi_find_interrupts(const void *rsdp, struct interrupt_topology *out);
