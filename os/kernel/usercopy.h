// Copies between the kernel and the memory of the running process. Every
// pointer a process passes is checked to lie in the addresses it owns (its
// lower half, or its kernel-mode slot), then copied with fault recovery: an
// unmapped or read-only page gives FTL_ERR_BAD_ADDRESS, never a kernel
// fault. Copy once, then check the copy: never read process memory twice.
#pragma once

#include <stddef.h>
#include <stdint.h>

int copy_from_process(void *dst, uint64_t src, size_t len);
int copy_to_process(uint64_t dst, const void *src, size_t len);

// Copies a NUL-terminated string of at most max - 1 characters into dst.
// Returns its length, FTL_ERR_TOO_LARGE if it is longer, or
// FTL_ERR_BAD_ADDRESS.
long copy_string_from_process(char *dst, uint64_t src, size_t max);
