// ACPI tables (ACPI spec 6.5, 5.2: RSDP, RSDT/XSDT, MADT) and the MP table
// (Intel MultiProcessor Specification 1.4, chapter 4) as a fallback, reduced
// to one question: where are the local APIC and the IOAPICs, and how are the
// ISA IRQs routed. Firmware tables are trusted less than our own data: each
// length is bounded before use.
#include "arch/x64/acpi.h"

#include <stdbool.h>

#include <ftl/error.h>

#include "lib/string.h"
#include "page.h"

#define TABLE_LENGTH_MAX (1024 * 1024)

struct sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem[6];
    char oem_table[8];
    uint32_t oem_revision;
    uint32_t creator;
    uint32_t creator_revision;
} __attribute__((packed));

struct rsdp {
    char signature[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t extended_checksum;
    uint8_t reserved[3];
} __attribute__((packed));

static const void *phys(uint64_t address)
{
    return page_to_virt(address);
}

static bool checksum_ok(const void *data, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += ((const uint8_t *)data)[i];
    }
    return sum == 0;
}

static const struct rsdp *scan_for(const char *magic, size_t magic_len,
                                   uint64_t start, uint64_t end)
{
    for (uint64_t a = start; a + 16 <= end; a += 16) {
        if (memcmp(phys(a), magic, magic_len) == 0) {
            return phys(a);
        }
    }
    return NULL;
}

static const struct rsdp *find_rsdp(const void *given)
{
    if (given != NULL) {
        return given;
    }
    uint16_t ebda_segment = *(const uint16_t *)phys(0x40e);
    uint64_t ebda = (uint64_t)ebda_segment << 4;
    const struct rsdp *r = NULL;
    if (ebda >= 0x80000 && ebda < 0xa0000) {
        r = scan_for("RSD PTR ", 8, ebda, ebda + 1024);
    }
    return r != NULL ? r : scan_for("RSD PTR ", 8, 0xe0000, 0x100000);
}

static const struct sdt_header *table_at(uint64_t address)
{
    const struct sdt_header *h = phys(address);
    if (h->length < sizeof(*h) || h->length > TABLE_LENGTH_MAX ||
        !checksum_ok(h, h->length)) {
        return NULL;
    }
    return h;
}

static const struct sdt_header *find_table(const struct rsdp *rsdp,
                                           const char *signature)
{
    bool use_xsdt = rsdp->revision >= 2 && rsdp->xsdt != 0;
    const struct sdt_header *root =
        table_at(use_xsdt ? rsdp->xsdt : rsdp->rsdt);
    if (root == NULL) {
        return NULL;
    }
    size_t entry_size = use_xsdt ? 8 : 4;
    size_t count = (root->length - sizeof(*root)) / entry_size;
    const uint8_t *entries = (const uint8_t *)(root + 1);
    for (size_t i = 0; i < count; i++) {
        uint64_t address = 0;
        memcpy(&address, entries + i * entry_size, entry_size);
        const struct sdt_header *h = table_at(address);
        if (h != NULL && memcmp(h->signature, signature, 4) == 0) {
            return h;
        }
    }
    return NULL;
}

static void set_isa_defaults(struct interrupt_topology *out)
{
    for (unsigned i = 0; i < ACPI_ISA_IRQS; i++) {
        out->isa_gsi[i] = i;
        out->isa_flags[i] = 0;
    }
}

static void parse_madt_entry(const uint8_t *e, struct interrupt_topology *out)
{
    switch (e[0]) {
    case 1: // IOAPIC: id, reserved, address(4), gsi base(4)
        if (e[1] >= 12 && out->ioapic_count < ACPI_IOAPICS_MAX) {
            uint32_t address, gsi;
            memcpy(&address, e + 4, 4);
            memcpy(&gsi, e + 8, 4);
            out->ioapics[out->ioapic_count].id = e[2];
            out->ioapics[out->ioapic_count].phys = address;
            out->ioapics[out->ioapic_count].gsi_base = gsi;
            out->ioapic_count++;
        }
        break;
    case 2: // interrupt source override: bus, source, gsi(4), flags(2)
        if (e[1] >= 10 && e[3] < ACPI_ISA_IRQS) {
            uint32_t gsi;
            uint16_t flags;
            memcpy(&gsi, e + 4, 4);
            memcpy(&flags, e + 8, 2);
            out->isa_gsi[e[3]] = gsi;
            out->isa_flags[e[3]] = flags;
        }
        break;
    case 5: // local APIC address override
        if (e[1] >= 12) {
            memcpy(&out->lapic_phys, e + 4, 8);
        }
        break;
    default:
        break;
    }
}

static int parse_madt(const struct sdt_header *madt,
                      struct interrupt_topology *out)
{
    const uint8_t *p = (const uint8_t *)(madt + 1);
    if (madt->length < sizeof(*madt) + 8) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint32_t lapic;
    memcpy(&lapic, p, 4);
    out->lapic_phys = lapic;
    size_t at = 8, len = madt->length - sizeof(*madt);
    while (len - at >= 2) {
        uint8_t entry_len = p[at + 1];
        if (entry_len < 2 || entry_len > len - at) {
            break;
        }
        parse_madt_entry(p + at, out);
        at += entry_len;
    }
    out->source = "ACPI MADT";
    return 0;
}

// MP configuration table entries (MP spec 4.3).
enum {
    MP_PROCESSOR = 0, // 20 bytes; the others are 8
    MP_BUS = 1,       // id, 6-character type ("ISA   ", "PCI   ")
    MP_IOAPIC = 2,
    MP_IO_INTERRUPT = 3, // type, flags(2), bus, bus irq, apic id, pin
};
#define MP_INTERRUPT_INT 0 // a vectored interrupt (not NMI, SMI, ExtINT)

// An I/O interrupt entry's flags with "conforms to the bus" spelled out:
// ISA interrupts are edge-triggered and active high, PCI ones level and
// active low (MP spec 4.3.4).
static uint16_t mp_flags(uint16_t flags, bool pci)
{
    if ((flags & MPS_POLARITY_MASK) == 0) {
        flags |= pci ? MPS_POLARITY_LOW : MPS_POLARITY_HIGH;
    }
    if ((flags & MPS_TRIGGER_MASK) == 0) {
        flags |= pci ? MPS_TRIGGER_LEVEL : MPS_TRIGGER_EDGE;
    }
    return flags;
}

static void parse_mp_interrupt(const uint8_t *e, const bool *bus_is_pci,
                               struct interrupt_topology *out)
{
    uint16_t flags;
    memcpy(&flags, e + 2, 2);
    uint8_t bus = e[4], bus_irq = e[5], apic_id = e[6], pin = e[7];
    if (e[1] != MP_INTERRUPT_INT) {
        return;
    }
    for (unsigned i = 0; i < out->ioapic_count; i++) {
        if (out->ioapics[i].id != apic_id && apic_id != 0xff) {
            continue;
        }
        uint32_t gsi = out->ioapics[i].gsi_base + pin;
        if (!bus_is_pci[bus] && bus_irq < ACPI_ISA_IRQS) {
            out->isa_gsi[bus_irq] = gsi;
            out->isa_flags[bus_irq] = mp_flags(flags, false);
        } else if (bus_is_pci[bus] && gsi < ACPI_GSIS_FLAGGED) {
            out->gsi_flags[gsi] = mp_flags(flags, true);
        }
        return;
    }
}

// MP floating pointer and configuration table (MP spec 4.1, 4.2): the
// IOAPICs, then what the interrupt entries say of each ISA IRQ and each
// PCI interrupt (which pin, which trigger mode and polarity).
static int parse_mp_table(struct interrupt_topology *out)
{
    const uint8_t *fp = (const uint8_t *)scan_for("_MP_", 4, 0xf0000, 0x100000);
    if (fp == NULL || !checksum_ok(fp, 16)) {
        return FTL_ERR_NOT_FOUND;
    }
    uint32_t config_phys;
    memcpy(&config_phys, fp + 4, 4);
    const uint8_t *config = phys(config_phys);
    uint16_t length, count;
    memcpy(&length, config + 4, 2);
    memcpy(&count, config + 34, 2);
    if (config_phys == 0 || memcmp(config, "PCMP", 4) != 0 ||
        !checksum_ok(config, length)) {
        return FTL_ERR_NOT_FOUND;
    }
    uint32_t lapic;
    memcpy(&lapic, config + 36, 4);
    out->lapic_phys = lapic;
    // Two passes: interrupt entries name buses and IOAPICs that may come
    // after them.
    bool bus_is_pci[256] = {false};
    for (int pass = 0; pass < 2; pass++) {
        size_t at = 44;
        for (unsigned i = 0; i < count; i++) {
            uint8_t type = config[at];
            size_t size = type == MP_PROCESSOR ? 20 : 8;
            if (size > length || at > length - size) {
                break;
            }
            const uint8_t *e = config + at;
            if (pass == 0 && type == MP_BUS) {
                bus_is_pci[e[1]] = memcmp(e + 2, "PCI", 3) == 0;
            } else if (pass == 0 && type == MP_IOAPIC &&
                       out->ioapic_count < ACPI_IOAPICS_MAX) {
                uint32_t address;
                memcpy(&address, e + 4, 4);
                out->ioapics[out->ioapic_count].id = e[1];
                out->ioapics[out->ioapic_count].phys = address;
                // One IOAPIC in practice; more would need their pin
                // counts, which only the IOAPICs themselves tell.
                out->ioapics[out->ioapic_count].gsi_base = 0;
                out->ioapic_count++;
            } else if (pass == 1 && type == MP_IO_INTERRUPT) {
                parse_mp_interrupt(e, bus_is_pci, out);
            }
            at += size;
        }
    }
    out->source = "MP table";
    return 0;
}

int acpi_find_interrupts(const void *given_rsdp,
                         struct interrupt_topology *out)
{
    memset(out, 0, sizeof(*out));
    set_isa_defaults(out);
    const struct rsdp *rsdp = find_rsdp(given_rsdp);
    if (rsdp != NULL && memcmp(rsdp->signature, "RSD PTR ", 8) == 0 &&
        checksum_ok(rsdp, 20)) {
        const struct sdt_header *madt = find_table(rsdp, "APIC");
        if (madt != NULL && parse_madt(madt, out) == 0) {
            return 0;
        }
    }
    return parse_mp_table(out);
}
