// The generic kernel's entry point, called by the arch layer once the CPU is
// in 64-bit mode and the boot information is parsed.
#pragma once

#include "bootinfo.h"

// `phys` maps physical memory for reading boot modules. Never returns.
__attribute__((noreturn)) void kernel_main(const struct boot_info *info,
                                           const struct phys_window *phys);
