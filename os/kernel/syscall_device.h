// System call handlers of device access: PCI devices, I/O ports, DMA
// memory and interrupts. Registered in syscall.c's table.
#pragma once

#include <stdint.h>

long sys_pci_find(uint64_t vendor, uint64_t device, uint64_t index);
long sys_pci_info(uint64_t h, uint64_t uinfo);
long sys_pci_config_read(uint64_t h, uint64_t offset, uint64_t width);
long sys_pci_set_bus_master(uint64_t h, uint64_t enable);
long sys_pci_map_bar(uint64_t h, uint64_t bar);
long sys_pci_ioport(uint64_t h, uint64_t bar);
long sys_ioport_create(uint64_t base, uint64_t count);
long sys_ioport_enable(uint64_t h);
long sys_dma_create(uint64_t h, uint64_t size, uint64_t uphys);
long sys_interrupt_create(uint64_t h, uint64_t gsi);
long sys_interrupt_ack(uint64_t h);
