// PCI configuration space through configuration mechanism #1: the address
// of a 32-bit register goes to port 0xCF8, its value moves through 0xCFC.
// Every PC chipset QEMU emulates (i440FX, Q35) has it; the extended space of
// PCI Express (ECAM) is not needed yet.
#include "arch.h"

#include "arch/x64/asm.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_CONFIG_ENABLE (1u << 31)

static void select_register(unsigned bus, unsigned slot, unsigned function,
                            unsigned offset)
{
    x64_outl(PCI_CONFIG_ADDRESS, PCI_CONFIG_ENABLE | (bus & 0xff) << 16 |
                                     (slot & 0x1f) << 11 |
                                     (function & 7) << 8 | (offset & 0xfc));
}

uint32_t arch_pci_config_read(unsigned bus, unsigned slot, unsigned function,
                              unsigned offset)
{
    select_register(bus, slot, function, offset);
    return x64_inl(PCI_CONFIG_DATA);
}

void arch_pci_config_write(unsigned bus, unsigned slot, unsigned function,
                           unsigned offset, uint32_t value)
{
    select_register(bus, slot, function, offset);
    x64_outl(PCI_CONFIG_DATA, value);
}
