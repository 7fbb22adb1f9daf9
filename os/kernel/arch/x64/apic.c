// Local APIC and IOAPIC (SDM vol. 3, chapter 11; Intel 82093AA datasheet).
// Register numbers are the xAPIC MMIO offsets divided by 16, which is also
// the x2APIC MSR number minus 0x800, so one accessor pair serves both modes.
#include "arch/x64/apic.h"

#include "arch/x64/asm.h"
#include "arch/x64/trap.h"
#include "log.h"
#include "panic.h"
#include "vm.h"

#define MSR_APIC_BASE 0x1b
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define MSR_TSC_DEADLINE 0x6e0
#define X2APIC_MSR_BASE 0x800

#define REG_ID 0x02
#define REG_EOI 0x0b
#define REG_SPURIOUS 0x0f
#define REG_LVT_TIMER 0x32
#define REG_LVT_LINT0 0x35
#define REG_LVT_LINT1 0x36
#define REG_LVT_ERROR 0x37
#define REG_TIMER_INITIAL 0x38
#define REG_TIMER_CURRENT 0x39
#define REG_TIMER_DIVIDE 0x3e

#define LVT_MASKED (1u << 16)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define LVT_NMI (4u << 8)
#define SPURIOUS_ENABLE (1u << 8)
#define TIMER_DIVIDE_BY_16 0x3

#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1

#define IOAPIC_REGSEL 0x00
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIRECTION 0x10

#define REDIRECTION_MASKED (1u << 16)
#define REDIRECTION_LEVEL (1u << 15)
#define REDIRECTION_ACTIVE_LOW (1u << 13)
#define ISA_IRQS 16

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base;
    unsigned pins;
};

static struct ioapic ioapics[ACPI_IOAPICS_MAX];
static unsigned ioapic_count;
static struct interrupt_topology routing;
static volatile uint32_t *lapic_mmio;
static bool x2apic;
static bool tsc_deadline;

static uint32_t lapic_read(unsigned reg)
{
    if (x2apic) {
        return (uint32_t)x64_read_msr(X2APIC_MSR_BASE + reg);
    }
    return lapic_mmio[reg * 4];
}

static void lapic_write(unsigned reg, uint32_t value)
{
    if (x2apic) {
        x64_write_msr(X2APIC_MSR_BASE + reg, value);
    } else {
        lapic_mmio[reg * 4] = value;
    }
}

static void mask_pics(void)
{
    x64_outb(PIC1_DATA, 0xff);
    x64_outb(PIC2_DATA, 0xff);
}

static uint32_t ioapic_read(struct ioapic *io, unsigned reg)
{
    io->regs[IOAPIC_REGSEL / 4] = reg;
    return io->regs[IOAPIC_WINDOW / 4];
}

static void ioapic_write(struct ioapic *io, unsigned reg, uint32_t value)
{
    io->regs[IOAPIC_REGSEL / 4] = reg;
    io->regs[IOAPIC_WINDOW / 4] = value;
}

static void add_ioapic(uint64_t phys, uint32_t gsi_base)
{
    struct ioapic *io = &ioapics[ioapic_count];
    io->regs = vm_map_device(phys, 0x20);
    if (io->regs == NULL) {
        panic("cannot map the IOAPIC");
    }
    io->gsi_base = gsi_base;
    io->pins = ((ioapic_read(io, IOAPIC_VERSION) >> 16) & 0xff) + 1;
    for (unsigned pin = 0; pin < io->pins; pin++) {
        ioapic_write(io, IOAPIC_REDIRECTION + pin * 2,
                     REDIRECTION_MASKED | (TRAP_IRQ_BASE + gsi_base + pin));
        ioapic_write(io, IOAPIC_REDIRECTION + pin * 2 + 1, 0);
    }
    ioapic_count++;
}

// The IOAPIC and pin of a GSI, or NULL.
static struct ioapic *ioapic_of(unsigned gsi, unsigned *pin)
{
    for (unsigned i = 0; i < ioapic_count; i++) {
        if (gsi >= ioapics[i].gsi_base &&
            gsi - ioapics[i].gsi_base < ioapics[i].pins) {
            *pin = gsi - ioapics[i].gsi_base;
            return &ioapics[i];
        }
    }
    return NULL;
}

unsigned apic_isa_irq_gsi(unsigned irq)
{
    return irq < ISA_IRQS ? routing.isa_gsi[irq] : irq;
}

bool apic_gsi_exists(unsigned gsi)
{
    unsigned pin;
    return gsi < APIC_GSI_MAX && ioapic_of(gsi, &pin) != NULL;
}

static uint32_t mode_of(uint16_t mps_flags)
{
    uint32_t mode = 0;
    if ((mps_flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW) {
        mode |= REDIRECTION_ACTIVE_LOW;
    }
    if ((mps_flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL) {
        mode |= REDIRECTION_LEVEL;
    }
    return mode;
}

// Trigger mode and polarity of a GSI: what the firmware says of it (the MP
// table's entry for a PCI interrupt on it, else an ISA IRQ's MADT override
// or MP entry), else ISA defaults below 16 and PCI's (level, low) above. A
// PCI interrupt set up edge-triggered loses every edge that comes while
// its line is masked, and then the line never falls again: so PCI first.
static uint32_t gsi_mode(unsigned gsi)
{
    if (gsi < ACPI_GSIS_FLAGGED && routing.gsi_flags[gsi] != 0) {
        return mode_of(routing.gsi_flags[gsi]);
    }
    for (unsigned irq = 0; irq < ISA_IRQS; irq++) {
        if (routing.isa_gsi[irq] == gsi && routing.isa_flags[irq] != 0) {
            return mode_of(routing.isa_flags[irq]);
        }
    }
    return gsi < ISA_IRQS ? 0 : REDIRECTION_LEVEL | REDIRECTION_ACTIVE_LOW;
}

void apic_gsi_route(unsigned gsi)
{
    unsigned pin;
    struct ioapic *io = ioapic_of(gsi, &pin);
    if (io == NULL) {
        return;
    }
    ioapic_write(io, IOAPIC_REDIRECTION + pin * 2 + 1, 0); // to CPU 0
    ioapic_write(io, IOAPIC_REDIRECTION + pin * 2,
                 gsi_mode(gsi) | (TRAP_IRQ_BASE + gsi));
}

void apic_gsi_mask(unsigned gsi)
{
    unsigned pin;
    struct ioapic *io = ioapic_of(gsi, &pin);
    if (io != NULL) {
        uint32_t low = ioapic_read(io, IOAPIC_REDIRECTION + pin * 2);
        ioapic_write(io, IOAPIC_REDIRECTION + pin * 2,
                     low | REDIRECTION_MASKED);
    }
}

void apic_gsi_unmask(unsigned gsi)
{
    unsigned pin;
    struct ioapic *io = ioapic_of(gsi, &pin);
    if (io != NULL) {
        uint32_t low = ioapic_read(io, IOAPIC_REDIRECTION + pin * 2);
        ioapic_write(io, IOAPIC_REDIRECTION + pin * 2,
                     low & ~REDIRECTION_MASKED);
    }
}

void apic_init(const struct interrupt_topology *topology)
{
    mask_pics();
    uint32_t a, b, c, d;
    x64_cpuid(1, 0, &a, &b, &c, &d);
    x2apic = c & (1u << 21);
    tsc_deadline = c & (1u << 24);
    uint64_t base = x64_read_msr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
    if (x2apic) {
        x64_write_msr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
    } else {
        x64_write_msr(MSR_APIC_BASE, base);
        lapic_mmio = vm_map_device(topology->lapic_phys, 0x400);
        if (lapic_mmio == NULL) {
            panic("cannot map the local APIC");
        }
    }
    lapic_write(REG_SPURIOUS, SPURIOUS_ENABLE | TRAP_SPURIOUS);
    lapic_write(REG_LVT_LINT0, LVT_MASKED);
    lapic_write(REG_LVT_LINT1, LVT_NMI);
    lapic_write(REG_LVT_ERROR, LVT_MASKED);
    lapic_write(REG_LVT_TIMER, LVT_MASKED);
    lapic_write(REG_TIMER_DIVIDE, TIMER_DIVIDE_BY_16);
    routing = *topology;
    for (unsigned i = 0; i < topology->ioapic_count; i++) {
        add_ioapic(topology->ioapics[i].phys, topology->ioapics[i].gsi_base);
    }
    LOG_INFO("interrupts: %s APIC, %u IOAPIC(s) from the %s, timer %s",
             x2apic ? "x2" : "x", topology->ioapic_count, topology->source,
             tsc_deadline ? "TSC-deadline" : "one-shot");
}

void apic_eoi(void)
{
    lapic_write(REG_EOI, 0);
}

bool apic_has_tsc_deadline(void)
{
    return tsc_deadline;
}

bool apic_is_x2apic(void)
{
    return x2apic;
}

void apic_timer_set_tsc_deadline(uint64_t tsc)
{
    lapic_write(REG_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | TRAP_TIMER);
    x64_write_msr(MSR_TSC_DEADLINE, tsc);
}

void apic_timer_set_oneshot(uint32_t ticks)
{
    lapic_write(REG_LVT_TIMER, TRAP_TIMER);
    lapic_write(REG_TIMER_INITIAL, ticks == 0 ? 1 : ticks);
}

void apic_timer_stop(void)
{
    lapic_write(REG_LVT_TIMER, LVT_MASKED);
    lapic_write(REG_TIMER_INITIAL, 0);
    if (tsc_deadline) {
        x64_write_msr(MSR_TSC_DEADLINE, 0);
    }
}

void apic_timer_start_count(void)
{
    lapic_write(REG_LVT_TIMER, LVT_MASKED);
    lapic_write(REG_TIMER_INITIAL, 0xffffffff);
}

uint32_t apic_timer_read_count(void)
{
    return lapic_read(REG_TIMER_CURRENT);
}
