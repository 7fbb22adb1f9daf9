// The kernel's own symbol table, embedded at build time for backtraces.
//
// The build links the kernel twice: the first link's function symbols
// (nm -n) are turned into build/ksyms.S by scripts/ksyms.py and linked into
// the second. The table lives in .rodata, after .text, so adding it does
// not move any function.
#pragma once

#include <stdint.h>

// Finds the function containing address. Returns its name and sets *offset,
// or returns NULL if the address is outside the kernel's text.
const char *ksyms_lookup(uint64_t address, uint64_t *offset);
