// The initfs: the tar archive the loader gave us (service binaries and the
// boot manifest), read-only, for the life of the system.
#pragma once

#include <stddef.h>

void initfs_init(const void *archive, size_t size);

// Finds a file. Returns 0, FTL_ERR_NOT_FOUND or FTL_ERR_BAD_FORMAT.
int initfs_find(const char *path, const void **data, size_t *size);
