// Parser of the Multiboot2 boot information (GRUB's multiboot2 command).
#pragma once

#include "bootinfo.h"

// Largest boot information structure we accept; real ones are a few KiB.
#define MULTIBOOT2_INFO_MAX (1024 * 1024)

// Fills *out from the information at physical address info_phys, read through
// window. Returns 0, or FTL_ERR_BAD_FORMAT if the structure is inconsistent
// (sizes out of bounds, a tag running past the end, no end tag). Unknown tags
// are skipped.
int multiboot2_parse(const struct phys_window *window, uint64_t info_phys,
                     struct boot_info *out);
