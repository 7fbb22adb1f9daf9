// I/O port ranges (x86). An I/O port handle names a range; enabling it lets
// the calling process use the `in` and `out` instructions on exactly that
// range, for the rest of its life (closing the handle does not take the
// access back). Any other port stays out of reach: in a user-mode process
// touching it is a fault that ends the process. Kernel-mode processes run
// at the CPU's highest privilege and can reach every port; for them the
// grant is a promise, not a wall.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

// Most ports in one range.
#define FTL_IOPORT_COUNT_MAX 65536

// A handle for ports [base, base + count), for the process that may grant
// devices (the first process); FTL_ERR_NOT_ALLOWED for anyone else. PCI
// drivers get theirs from ftl_pci_ioport.
ftl_handle_t ftl_ioport_create(uint32_t base, uint32_t count);

// Lets the calling process use the handle's ports.
int ftl_ioport_enable(ftl_handle_t ioport);

static inline uint8_t ftl_inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint16_t ftl_inw(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline uint32_t ftl_inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void ftl_outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline void ftl_outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline void ftl_outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}
