// Memory of ftl-spec that lives until the run ends (field paths, joined
// file names, loaded documents): allocated here, released at once by
// pool_free_all, so the tool stays leak-free under AddressSanitizer
// without tracking owners.
#pragma once

#include <stddef.h>

// Zeroed memory; exits the program if there is none.
void *pool_alloc(size_t size);

__attribute__((format(printf, 1, 2))) char *pool_printf(const char *fmt, ...);

// Releases everything pool_alloc and pool_printf returned.
void pool_free_all(void);
