// Memory a process maps into itself. Pages of an anonymous vmarea appear
// zero-filled when first touched.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>

// A vmarea of size bytes (rounded up to pages). Returns a handle or an error.
ftl_handle_t ftl_vmarea_create(size_t size);

// Maps the whole vmarea with prot (FTL_PROT_READ | FTL_PROT_WRITE, or
// FTL_PROT_READ | FTL_PROT_EXEC; never write and execute). Returns the
// address, or NULL and sets *error when error is not NULL.
void *ftl_vmarea_map(ftl_handle_t vmarea, unsigned prot, int *error);

// Removes the mapping that starts at address.
int ftl_vmarea_unmap(void *address);

// Charges the first `size` bytes of an anonymous vmarea to this process's
// memory account now (pages still appear on first touch). Past the memory
// limit (a service's resources.memory) it returns FTL_ERR_NO_MEMORY and
// nothing changes; pages touched without a commit are charged as they
// appear, and one over the limit is a fault that ends the process. malloc
// commits as its heap grows, so there the limit is a NULL return.
int ftl_vmarea_commit(ftl_handle_t vmarea, size_t size);
