// Device access system calls (see syscall_device.h and
// sdk/include/ftl/pci.h, ioport.h, dma.h, interrupt.h). A device handle is
// the grant for everything about its device; only a process that may grant
// (the first one, until the supervisor grants from specs) makes device
// handles, I/O port ranges and bare-GSI interrupts out of nothing.
#include "syscall_device.h"

#include <ftl/dma.h>
#include <ftl/error.h>
#include <ftl/ioport.h>

#include "interrupt.h"
#include "ioport.h"
#include "pci.h"
#include "process.h"
#include "sched.h"
#include "usercopy.h"
#include "vm.h"

#define DEVICE_RIGHTS                                                          \
    (FTL_RIGHT_READ | FTL_RIGHT_MANAGE | FTL_RIGHT_TRANSFER |                  \
     FTL_RIGHT_DUPLICATE)
#define MEMORY_RIGHTS                                                          \
    (FTL_RIGHT_READ | FTL_RIGHT_WRITE | FTL_RIGHT_MAP | FTL_RIGHT_TRANSFER |   \
     FTL_RIGHT_DUPLICATE)
#define IO_PORTS 65536u

static struct process *current_process(void)
{
    return sched_current()->process;
}

// Gives the caller a handle to o and drops the creator's reference: on
// failure (a full handle table) that destroys o again.
static long hand_out(struct object *o, uint32_t rights)
{
    handle_t h = handle_add(&current_process()->handles, o, rights);
    object_put(o);
    return h;
}

static int lookup_device(uint64_t h, uint32_t rights, struct pci_function **out)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_PCI_DEVICE, rights, &o);
    *out = err == 0 ? ((struct pci_device *)o)->function : NULL;
    return err;
}

// BAR `bar` of the device behind handle h, if it exists and is of the
// asked kind (I/O or memory).
static int lookup_bar(uint64_t h, uint64_t bar, bool io,
                      struct pci_function **f, const struct ftl_pci_bar **out)
{
    int err = lookup_device(h, FTL_RIGHT_MANAGE, f);
    if (err < 0) {
        return err;
    }
    if (bar >= FTL_PCI_BARS) {
        return FTL_ERR_INVALID_ARG;
    }
    *out = &(*f)->info.bars[bar];
    if ((*out)->size == 0 || !((*out)->flags & FTL_PCI_BAR_IO) != !io) {
        return FTL_ERR_INVALID_ARG;
    }
    return 0;
}

long sys_pci_find(uint64_t vendor, uint64_t device, uint64_t index)
{
    if (!current_process()->may_grant) {
        return FTL_ERR_NOT_ALLOWED;
    }
    if (vendor > 0xffff || device > 0xffff || index > PCI_FUNCTIONS_MAX) {
        return FTL_ERR_INVALID_ARG;
    }
    struct pci_function *f =
        pci_find((uint16_t)vendor, (uint16_t)device, (unsigned)index);
    if (f == NULL) {
        return FTL_ERR_NOT_FOUND;
    }
    struct pci_device *d = pci_device_create(f);
    if (d == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    return hand_out(&d->object, DEVICE_RIGHTS);
}

long sys_pci_info(uint64_t h, uint64_t uinfo)
{
    struct pci_function *f;
    int err = lookup_device(h, FTL_RIGHT_READ, &f);
    if (err < 0) {
        return err;
    }
    return copy_to_process(uinfo, &f->info, sizeof(f->info));
}

long sys_pci_config_read(uint64_t h, uint64_t offset, uint64_t width)
{
    struct pci_function *f;
    int err = lookup_device(h, FTL_RIGHT_READ, &f);
    if (err < 0) {
        return err;
    }
    if ((width != 1 && width != 2 && width != 4) || offset >= 256 ||
        offset % width != 0) {
        return FTL_ERR_INVALID_ARG;
    }
    return pci_config_read(f, (unsigned)offset, (unsigned)width);
}

long sys_pci_set_bus_master(uint64_t h, uint64_t enable)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_PCI_DEVICE, FTL_RIGHT_MANAGE, &o);
    if (err < 0) {
        return err;
    }
    if (enable > 1) {
        return FTL_ERR_INVALID_ARG;
    }
    pci_device_set_bus_master((struct pci_device *)o, enable);
    return 0;
}

long sys_pci_map_bar(uint64_t h, uint64_t bar)
{
    struct pci_function *f;
    const struct ftl_pci_bar *b;
    int err = lookup_bar(h, bar, false, &f, &b);
    if (err < 0) {
        return err;
    }
    if (b->size > VMAREA_SIZE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    struct vmarea *area = vmarea_create_device(b->base, b->size);
    if (area == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    pci_command_set(f, PCI_COMMAND_MEMORY, true);
    return hand_out(&area->object, MEMORY_RIGHTS);
}

long sys_pci_ioport(uint64_t h, uint64_t bar)
{
    struct pci_function *f;
    const struct ftl_pci_bar *b;
    int err = lookup_bar(h, bar, true, &f, &b);
    if (err < 0) {
        return err;
    }
    if (b->base + b->size > IO_PORTS) {
        return FTL_ERR_INVALID_ARG;
    }
    struct ioport *range = ioport_create((uint32_t)b->base, (uint32_t)b->size);
    if (range == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    pci_command_set(f, PCI_COMMAND_IO, true);
    return hand_out(&range->object, DEVICE_RIGHTS);
}

long sys_ioport_create(uint64_t base, uint64_t count)
{
    if (!current_process()->may_grant) {
        return FTL_ERR_NOT_ALLOWED;
    }
    if (count == 0 || base >= IO_PORTS || count > IO_PORTS - base) {
        return FTL_ERR_INVALID_ARG;
    }
    struct ioport *range = ioport_create((uint32_t)base, (uint32_t)count);
    if (range == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    return hand_out(&range->object, DEVICE_RIGHTS);
}

long sys_ioport_enable(uint64_t h)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_IOPORT, FTL_RIGHT_MANAGE, &o);
    if (err < 0) {
        return err;
    }
    return ioport_enable(current_process(), (struct ioport *)o);
}

long sys_dma_create(uint64_t h, uint64_t size, uint64_t uphys)
{
    struct pci_function *f;
    int err = lookup_device(h, FTL_RIGHT_MANAGE, &f);
    if (err < 0) {
        return err;
    }
    if (size == 0) {
        return FTL_ERR_INVALID_ARG;
    }
    if (size > FTL_DMA_SIZE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    struct vmarea *area = vmarea_create(size, VMAREA_CONTIGUOUS,
                                        current_process()->space.account);
    if (area == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    uint64_t phys = area->pages[0];
    err = copy_to_process(uphys, &phys, sizeof(phys));
    if (err < 0) {
        object_put(&area->object);
        return err;
    }
    return hand_out(&area->object, MEMORY_RIGHTS);
}

long sys_interrupt_create(uint64_t h, uint64_t gsi)
{
    const void *owner = NULL;
    if (h == FTL_HANDLE_INVALID) {
        if (!current_process()->may_grant) {
            return FTL_ERR_NOT_ALLOWED;
        }
    } else {
        struct pci_function *f;
        int err = lookup_device(h, FTL_RIGHT_MANAGE, &f);
        if (err < 0) {
            return err;
        }
        if (gsi != 0) {
            return FTL_ERR_INVALID_ARG;
        }
        if (f->info.irq_pin == 0) {
            return FTL_ERR_NOT_FOUND;
        }
        gsi = f->info.irq;
        owner = f;
    }
    if (gsi > UINT32_MAX) {
        return FTL_ERR_INVALID_ARG;
    }
    struct interrupt *irq;
    int err = interrupt_create((unsigned)gsi, owner, &irq);
    if (err < 0) {
        return err;
    }
    return hand_out(&irq->object, DEVICE_RIGHTS);
}

long sys_interrupt_ack(uint64_t h)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_INTERRUPT, FTL_RIGHT_MANAGE, &o);
    if (err < 0) {
        return err;
    }
    interrupt_ack((struct interrupt *)o);
    return 0;
}
