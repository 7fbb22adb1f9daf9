// I/O port ranges (see ioport.h).
#include "ioport.h"

#include <ftl/error.h>

#include "arch/x64/gdt.h"
#include "heap.h"
#include "lib/string.h"
#include "sched.h"

static void ioport_destroy(struct object *object)
{
    heap_free(object);
}

struct ioport *ioport_create(uint32_t base, uint32_t count)
{
    struct ioport *range = heap_alloc(sizeof(*range));
    if (range != NULL) {
        object_init(&range->object, OBJECT_IOPORT, ioport_destroy);
        range->base = base;
        range->count = count;
    }
    return range;
}

int ioport_enable(struct process *p, const struct ioport *range)
{
    if (p->kernel_mode) {
        return 0;
    }
    if (p->io_bitmap == NULL) {
        p->io_bitmap = heap_alloc(IO_BITMAP_BYTES);
        if (p->io_bitmap == NULL) {
            return FTL_ERR_NO_MEMORY;
        }
        memset(p->io_bitmap, 0xff, IO_BITMAP_BYTES);
    }
    for (uint32_t port = range->base; port < range->base + range->count;
         port++) {
        p->io_bitmap[port / 8] &= (uint8_t) ~(1u << (port % 8));
    }
    gdt_io_bitmap_changed(p->io_bitmap);
    if (sched_current()->process == p) {
        gdt_load_io_bitmap(p->io_bitmap);
    }
    return 0;
}
