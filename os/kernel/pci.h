// PCI: the functions found on the buses at boot, and device objects, the
// handles that grant a driver one function (see sdk/include/ftl/pci.h).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/pci.h>

#include "object.h"

// Functions the kernel keeps track of; more are ignored with a warning.
#define PCI_FUNCTIONS_MAX 64

// Configuration space registers used by the kernel.
#define PCI_COMMAND 0x04
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_BUS_MASTER 0x4

struct pci_function {
    struct ftl_pci_info info; // BARs sized, the interrupt pin resolved
};

struct pci_device {
    struct object object;
    struct pci_function *function;
    bool bus_master; // this handle's holder turned bus mastering on
};

// Walks the buses from bus 0 through PCI-to-PCI bridges, sizes every BAR
// and logs each function. Once, at boot, after the interrupt controllers
// are known (an INTx line is resolved to its GSI).
void pci_init(void);

// The `index`th function with this vendor and device ID, or NULL.
struct pci_function *pci_find(uint16_t vendor, uint16_t device,
                              unsigned index);

// A new device object for f (one reference, the caller's), or NULL when
// out of memory. When the object goes (its driver closed it or died), bus
// mastering it turned on goes off: the device must not write into memory
// that the driver's death has freed.
struct pci_device *pci_device_create(struct pci_function *f);

// `width` bytes (1, 2, 4) of f's configuration space at `offset`, which
// the caller has checked (aligned, below 256).
uint32_t pci_config_read(const struct pci_function *f, unsigned offset,
                         unsigned width);

// Sets or clears `bits` of f's command register.
void pci_command_set(const struct pci_function *f, uint16_t bits, bool on);

// Turns bus mastering on or off for d's function, remembering who did.
void pci_device_set_bus_master(struct pci_device *d, bool on);
