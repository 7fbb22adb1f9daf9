// PCI devices for drivers. A device handle is the grant: whoever holds one
// may read the device's description and configuration space, map its
// memory BARs, use its I/O BARs, switch its bus mastering, allocate DMA
// memory for it and take its interrupt. Until the supervisor grants from
// specs, only the first process may look devices up (it holds the right to
// grant) and hands the handles to drivers in messages.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

#define FTL_PCI_BARS 6

// ftl_pci_bar.flags
#define FTL_PCI_BAR_IO 1       // an I/O port range, else memory (MMIO)
#define FTL_PCI_BAR_64BIT 2    // a 64-bit memory BAR (it uses the next slot)
#define FTL_PCI_BAR_PREFETCH 4 // prefetchable memory

struct ftl_pci_bar {
    uint64_t base;  // physical address or first I/O port
    uint64_t size;  // bytes or ports; 0: no BAR in this slot
    uint32_t flags; // FTL_PCI_BAR_*
    uint32_t reserved;
};

struct ftl_pci_info {
    uint16_t vendor, device;
    uint16_t subsystem_vendor, subsystem;
    uint8_t bus, slot, function;
    uint8_t class_code, subclass, prog_if, revision;
    uint8_t irq_pin; // 1-4 for INTA#-INTD#, 0: none
    uint32_t irq;    // the global system interrupt of the pin (valid if
                     // irq_pin is not 0)
    uint32_t reserved;
    struct ftl_pci_bar bars[FTL_PCI_BARS];
};

// The `index`th device (from 0, in bus order) with this vendor and device
// ID. Returns a device handle with READ, MANAGE, TRANSFER and DUPLICATE
// rights, FTL_ERR_NOT_FOUND when there is no such device, or
// FTL_ERR_NOT_ALLOWED when the caller may not grant devices.
ftl_handle_t ftl_pci_find(uint16_t vendor, uint16_t device, unsigned index);

// Fills *info. Errors: FTL_ERR_BAD_HANDLE, FTL_ERR_BAD_ADDRESS.
int ftl_pci_info(ftl_handle_t device, struct ftl_pci_info *info);

// Reads `width` (1, 2 or 4) bytes of the device's configuration space at
// `offset` (aligned to width, below 256): capability lists, for example.
// Returns the value (>= 0) or an error.
long ftl_pci_config_read(ftl_handle_t device, unsigned offset, unsigned width);

// Lets the device read and write memory by itself (DMA), or stops it.
int ftl_pci_set_bus_master(ftl_handle_t device, int enable);

// A vmarea over memory BAR `bar` (uncached device memory): map it with
// ftl_vmarea_map. FTL_ERR_INVALID_ARG if that BAR is not memory.
ftl_handle_t ftl_pci_map_bar(ftl_handle_t device, unsigned bar);

// An I/O port handle for I/O BAR `bar`: enable it with ftl_ioport_enable.
// FTL_ERR_INVALID_ARG if that BAR is not an I/O range.
ftl_handle_t ftl_pci_ioport(ftl_handle_t device, unsigned bar);
