// Device access wrappers of libftl: PCI devices, I/O ports, DMA memory and
// interrupts (pci.h, ioport.h, dma.h, interrupt.h).
#include <ftl/dma.h>
#include <ftl/interrupt.h>
#include <ftl/ioport.h>
#include <ftl/pci.h>
#include <ftl/process.h>
#include <ftl/syscall.h>

// Tail calls of ftl_syscall, as in ipc.c.
static inline long call(long n, long a1, long a2, long a3)
{
    return ftl_syscall(n, a1, a2, a3, 0, 0);
}

static inline int call_int(long n, long a1, long a2, long a3)
{
    return ftl_syscall_int(n, a1, a2, a3, 0, 0);
}

ftl_handle_t ftl_pci_find(uint16_t vendor, uint16_t device, unsigned index)
{
    return call_int(FTL_SYS_PCI_FIND, vendor, device, index);
}

int ftl_pci_info(ftl_handle_t device, struct ftl_pci_info *info)
{
    return call_int(FTL_SYS_PCI_INFO, device, (long)info, 0);
}

long ftl_pci_config_read(ftl_handle_t device, unsigned offset, unsigned width)
{
    return call(FTL_SYS_PCI_CONFIG_READ, device, offset, width);
}

int ftl_pci_set_bus_master(ftl_handle_t device, int enable)
{
    return call_int(FTL_SYS_PCI_SET_BUS_MASTER, device, enable, 0);
}

ftl_handle_t ftl_pci_map_bar(ftl_handle_t device, unsigned bar)
{
    return call_int(FTL_SYS_PCI_MAP_BAR, device, bar, 0);
}

ftl_handle_t ftl_pci_ioport(ftl_handle_t device, unsigned bar)
{
    return call_int(FTL_SYS_PCI_IOPORT, device, bar, 0);
}

ftl_handle_t ftl_ioport_create(uint32_t base, uint32_t count)
{
    return call_int(FTL_SYS_IOPORT_CREATE, base, count, 0);
}

int ftl_ioport_enable(ftl_handle_t ioport)
{
    return call_int(FTL_SYS_IOPORT_ENABLE, ioport, 0, 0);
}

ftl_handle_t ftl_dma_create(ftl_handle_t device, size_t size, uint64_t *phys)
{
    return call_int(FTL_SYS_DMA_CREATE, device, (long)size, (long)phys);
}

ftl_handle_t ftl_interrupt_create(ftl_handle_t device, uint32_t gsi)
{
    return call_int(FTL_SYS_INTERRUPT_CREATE, device, gsi, 0);
}

int ftl_interrupt_ack(ftl_handle_t interrupt)
{
    return call_int(FTL_SYS_INTERRUPT_ACK, interrupt, 0, 0);
}
