// Overlaps are checked pairwise: a system has few devices. A PCI device's
// own interrupt comes with its handle, so its number is not known here and
// is not compared with `irq` claims; the kernel refuses a second taker at
// run time (FTL_ERR_BUSY).
#include "claims.h"

#include <stdbool.h>
#include <stdio.h>

static bool overlap(const struct ftl_manifest_device *a,
                    const struct ftl_manifest_device *b)
{
    if (a->kind != b->kind) {
        return false;
    }
    switch (a->kind) {
    case FTL_DEVICE_PCI:
        return a->vendor == b->vendor && a->device == b->device &&
               a->index == b->index;
    case FTL_DEVICE_IRQ:
        return a->irq == b->irq;
    case FTL_DEVICE_IOPORTS:
        return a->port_base < b->port_base + b->port_count &&
               b->port_base < a->port_base + a->port_count;
    }
    return false;
}

// "pci 1af4:1000 (index 0)", "irq 4", "ioports 0x3f8-0x3ff".
static void describe(const struct ftl_manifest_device *d, char *buf,
                     size_t size)
{
    switch (d->kind) {
    case FTL_DEVICE_PCI:
        snprintf(buf, size, "pci %04x:%04x (index %u)", d->vendor, d->device,
                 d->index);
        return;
    case FTL_DEVICE_IRQ:
        snprintf(buf, size, "irq %u", d->irq);
        return;
    case FTL_DEVICE_IOPORTS:
        snprintf(buf, size, "ioports 0x%x-0x%x", d->port_base,
                 d->port_base + d->port_count - 1);
        return;
    }
}

// Reports claim c of service s if an earlier claim overlaps it.
static void claim_check(const struct service *services, unsigned s, unsigned c)
{
    const struct device_claim *claim = &services[s].devices[c];
    for (unsigned t = 0; t <= s; t++) {
        unsigned end = t == s ? c : services[t].device_count;
        for (unsigned k = 0; k < end; k++) {
            const struct device_claim *other = &services[t].devices[k];
            if (!overlap(&claim->dev, &other->dev)) {
                continue;
            }
            char what[64];
            describe(&claim->dev, what, sizeof(what));
            diag_error(claim->loc, "%s is also claimed by %s (%s:%u:%u)", what,
                       services[t].name, other->loc.file, other->loc.line,
                       other->loc.col);
            return;
        }
    }
}

void claims_check(const struct service *services, unsigned count)
{
    for (unsigned s = 0; s < count; s++) {
        for (unsigned c = 0; c < services[s].device_count; c++) {
            claim_check(services, s, c);
        }
    }
}
