// I/O port range objects (see sdk/include/ftl/ioport.h) and enabling them
// for a process through its I/O permission bitmap.
#pragma once

#include <stdint.h>

#include "object.h"
#include "process.h"

struct ioport {
    struct object object;
    uint32_t base;
    uint32_t count;
};

// A range object for [base, base + count) (checked by the caller: within
// the 65,536 ports), or NULL when out of memory.
struct ioport *ioport_create(uint32_t base, uint32_t count);

// Lets p use the range's ports. A kernel-mode process can already (ring 0);
// a user process gets the range cleared in its bitmap, which takes effect
// at once if p is running. Returns 0 or FTL_ERR_NO_MEMORY.
int ioport_enable(struct process *p, const struct ioport *range);
