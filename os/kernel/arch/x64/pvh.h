// Parser of the PVH start information (QEMU -kernel with the Xen PVH note).
#pragma once

#include "bootinfo.h"

// Most memory map entries we read from a loader; more are ignored and
// reported through boot_info.truncated.
#define PVH_MEMORY_ENTRIES_MAX 1024

// Fills *out from struct hvm_start_info at physical address info_phys, read
// through window. Returns 0, or FTL_ERR_BAD_FORMAT on a bad magic number or a
// table outside the window.
int pvh_parse(const struct phys_window *window, uint64_t info_phys,
              struct boot_info *out);
