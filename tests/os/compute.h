// A computation that exercises what differs between the two isolation modes
// if the loader got anything wrong: relocated pointers to functions and
// data, .data, .bss, the heap, formatted output and floating point.
#pragma once

#include <stdint.h>

uint32_t compute_checksum(void);
