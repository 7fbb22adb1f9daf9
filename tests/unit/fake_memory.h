// Fake physical memory for the unit tests of code on the page allocator:
// a heap buffer of `size` bytes (filled with garbage, so nothing relies on
// zeroed memory), all of it usable, and the page allocator initialised over
// it. Release it with fake_memory_free().
#pragma once

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bootinfo.h"
#include "page.h"

static uint8_t *fake_memory;

static inline void fake_memory_init(size_t size)
{
    static struct phys_window window;
    static struct boot_info info;
    fake_memory = aligned_alloc(PAGE_SIZE, size);
    ck_assert_ptr_nonnull(fake_memory);
    memset(fake_memory, 0xa5, size);
    window.offset = (uintptr_t)fake_memory;
    window.limit = size;
    memset(&info, 0, sizeof(info));
    boot_info_add_memory(&info, 0, size, BOOT_MEMORY_USABLE);
    ck_assert_int_eq(page_init(&window, &info, NULL, 0), 0);
}

static inline void fake_memory_free(void)
{
    free(fake_memory);
    fake_memory = NULL;
}
