// PCI enumeration and device objects (see pci.h).
#include "pci.h"

#include "arch.h"
#include "arch/x64/apic.h"
#include "heap.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "log.h"

#define PCI_VENDOR_NONE 0xffff
#define PCI_ID 0x00
#define PCI_CLASS 0x08
#define PCI_HEADER 0x0c
#define PCI_BAR0 0x10
#define PCI_SUBSYSTEM 0x2c
#define PCI_INTERRUPT 0x3c
#define PCI_BRIDGE_BUSES 0x18
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_TYPE_MASK 0x7f
#define PCI_HEADER_DEVICE 0
#define PCI_HEADER_BRIDGE 1
#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_PCI_BRIDGE 0x04
#define PCI_SLOTS 32
#define PCI_FUNCTIONS 8
#define PCI_BUSES 256
#define PCI_IRQ_LINE_NONE 0xff

static struct pci_function functions[PCI_FUNCTIONS_MAX];
static unsigned function_count;
static bool bus_seen[PCI_BUSES];

static uint32_t read32(const struct ftl_pci_info *info, unsigned offset)
{
    return arch_pci_config_read(info->bus, info->slot, info->function, offset);
}

static void write32(const struct ftl_pci_info *info, unsigned offset,
                    uint32_t value)
{
    arch_pci_config_write(info->bus, info->slot, info->function, offset,
                          value);
}

// Size of a BAR: write all ones, read back which address bits stick,
// restore. The caller has turned decoding off meanwhile, so the device does
// not answer at the probe address.
static uint32_t probe_bar(const struct ftl_pci_info *info, unsigned offset)
{
    uint32_t original = read32(info, offset);
    write32(info, offset, 0xffffffff);
    uint32_t mask = read32(info, offset);
    write32(info, offset, original);
    return mask;
}

// Fills info->bars for a type 0 header. Returns nothing: an empty BAR has
// size 0.
static void size_bars(struct ftl_pci_info *info)
{
    uint32_t command = read32(info, PCI_COMMAND) & 0xffff;
    write32(info, PCI_COMMAND,
            command & ~(uint32_t)(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned i = 0; i < FTL_PCI_BARS; i++) {
        unsigned offset = PCI_BAR0 + 4 * i;
        uint32_t low = read32(info, offset);
        uint32_t mask = probe_bar(info, offset);
        struct ftl_pci_bar *bar = &info->bars[i];
        if (low & 1) {
            uint32_t size = ~(mask & ~3u) + 1;
            bar->flags = FTL_PCI_BAR_IO;
            bar->base = low & ~3u;
            bar->size = (mask & ~3u) == 0 ? 0 : size & 0xffff;
            continue;
        }
        uint64_t base = low & ~0xfu;
        uint64_t size_mask = 0xffffffff00000000ull | (mask & ~0xfu);
        if (((low >> 1) & 3) == 2 && i + 1 < FTL_PCI_BARS) {
            base |= (uint64_t)read32(info, offset + 4) << 32;
            size_mask = (uint64_t)probe_bar(info, offset + 4) << 32 |
                        (mask & ~0xfu);
            bar->flags = FTL_PCI_BAR_64BIT;
            i++; // the high half is not a BAR of its own
        }
        if (low & 8) {
            bar->flags |= FTL_PCI_BAR_PREFETCH;
        }
        bar->base = base;
        bar->size = (mask & ~0xfu) == 0 ? 0 : ~size_mask + 1;
    }
    write32(info, PCI_COMMAND, command);
}

// The GSI of the function's INTx pin. Firmware wrote the line it routed the
// pin to: an ISA IRQ number (translated through the MADT's overrides) or,
// above 15, a GSI already.
static void resolve_interrupt(struct ftl_pci_info *info)
{
    uint32_t reg = read32(info, PCI_INTERRUPT);
    unsigned line = reg & 0xff;
    info->irq_pin = (reg >> 8) & 0xff;
    if (info->irq_pin == 0 || line == PCI_IRQ_LINE_NONE) {
        info->irq_pin = 0;
        return;
    }
    info->irq = line < 16 ? apic_isa_irq_gsi(line) : line;
}

static void scan_bus(unsigned bus);

static void add_function(unsigned bus, unsigned slot, unsigned function,
                         uint32_t id, uint32_t header)
{
    if (function_count == PCI_FUNCTIONS_MAX) {
        LOG_WARN("pci: more than %d functions, ignoring %02x:%02x.%x",
                 PCI_FUNCTIONS_MAX, bus, slot, function);
        return;
    }
    struct ftl_pci_info *info = &functions[function_count++].info;
    memset(info, 0, sizeof(*info));
    info->bus = (uint8_t)bus;
    info->slot = (uint8_t)slot;
    info->function = (uint8_t)function;
    info->vendor = id & 0xffff;
    info->device = id >> 16;
    uint32_t class = read32(info, PCI_CLASS);
    info->revision = class & 0xff;
    info->prog_if = (class >> 8) & 0xff;
    info->subclass = (class >> 16) & 0xff;
    info->class_code = class >> 24;
    unsigned type = (header >> 16) & PCI_HEADER_TYPE_MASK;
    if (type == PCI_HEADER_DEVICE) {
        uint32_t subsystem = read32(info, PCI_SUBSYSTEM);
        info->subsystem_vendor = subsystem & 0xffff;
        info->subsystem = subsystem >> 16;
        size_bars(info);
    }
    resolve_interrupt(info);
    char irq[16] = "none";
    if (info->irq_pin != 0) {
        fmt_format(irq, sizeof(irq), "%u", info->irq);
    }
    LOG_INFO("pci %02x:%02x.%x %04x:%04x class %02x.%02x irq %s", bus, slot,
             function, info->vendor, info->device, info->class_code,
             info->subclass, irq);
    if (type == PCI_HEADER_BRIDGE && info->class_code == PCI_CLASS_BRIDGE &&
        info->subclass == PCI_SUBCLASS_PCI_BRIDGE) {
        scan_bus((read32(info, PCI_BRIDGE_BUSES) >> 8) & 0xff);
    }
}

static void scan_bus(unsigned bus)
{
    if (bus_seen[bus]) {
        return; // a misconfigured bridge must not loop us
    }
    bus_seen[bus] = true;
    for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
        for (unsigned function = 0; function < PCI_FUNCTIONS; function++) {
            uint32_t id = arch_pci_config_read(bus, slot, function, PCI_ID);
            if ((id & 0xffff) == PCI_VENDOR_NONE) {
                if (function == 0) {
                    break;
                }
                continue;
            }
            uint32_t header =
                arch_pci_config_read(bus, slot, function, PCI_HEADER);
            add_function(bus, slot, function, id, header);
            if (function == 0 &&
                !((header >> 16) & PCI_HEADER_MULTIFUNCTION)) {
                break;
            }
        }
    }
}

void pci_init(void)
{
    scan_bus(0);
}

struct pci_function *pci_find(uint16_t vendor, uint16_t device,
                              unsigned index)
{
    for (unsigned i = 0; i < function_count; i++) {
        const struct ftl_pci_info *info = &functions[i].info;
        if (info->vendor == vendor && info->device == device &&
            index-- == 0) {
            return &functions[i];
        }
    }
    return NULL;
}

static void pci_device_destroy(struct object *object)
{
    struct pci_device *d = (struct pci_device *)object;
    if (d->bus_master) {
        pci_command_set(d->function, PCI_COMMAND_BUS_MASTER, false);
    }
    heap_free(d);
}

struct pci_device *pci_device_create(struct pci_function *f)
{
    struct pci_device *device = heap_alloc(sizeof(*device));
    if (device != NULL) {
        object_init(&device->object, OBJECT_PCI_DEVICE, pci_device_destroy);
        device->function = f;
        device->bus_master = false;
    }
    return device;
}

uint32_t pci_config_read(const struct pci_function *f, unsigned offset,
                         unsigned width)
{
    uint32_t value = read32(&f->info, offset & ~3u) >> (8 * (offset & 3));
    return width == 4 ? value : value & ((1u << (8 * width)) - 1);
}

void pci_command_set(const struct pci_function *f, uint16_t bits, bool on)
{
    // The status half reads back its set error bits, which are cleared by
    // writing ones: write zeros there to leave them alone.
    uint32_t command = read32(&f->info, PCI_COMMAND) & 0xffff;
    command = on ? command | bits : command & ~(uint32_t)bits;
    write32(&f->info, PCI_COMMAND, command);
}

void pci_device_set_bus_master(struct pci_device *d, bool on)
{
    pci_command_set(d->function, PCI_COMMAND_BUS_MASTER, on);
    d->bus_master = on;
}
