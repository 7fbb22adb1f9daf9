// DMA memory: a physically contiguous vmarea whose physical address a
// driver gives to its device (descriptor rings, packet buffers). The device
// handle is the grant; the memory stays allocated while any handle or
// mapping of the vmarea exists. Pages start zero-filled and are cached
// (fine for virtio and other cache-coherent PCI devices on x86).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>

// Largest DMA vmarea.
#define FTL_DMA_SIZE_MAX (4u * 1024 * 1024)

// A DMA vmarea of `size` bytes (rounded up to pages) for `device`; its
// physical address goes to *phys. Map it with ftl_vmarea_map. Errors:
// FTL_ERR_BAD_HANDLE, FTL_ERR_NOT_ALLOWED, FTL_ERR_INVALID_ARG (size 0),
// FTL_ERR_TOO_LARGE, FTL_ERR_NO_MEMORY (no contiguous run that long).
ftl_handle_t ftl_dma_create(ftl_handle_t device, size_t size, uint64_t *phys);
