// What the boot loader told us, in one loader-independent form.
//
// Both x86-64 entries (Multiboot2 from GRUB, PVH from QEMU) are parsed into a
// struct boot_info by the arch layer (arch/x64/multiboot2.c, arch/x64/pvh.c);
// the rest of the kernel only ever sees this structure.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BOOT_MEMORY_REGIONS_MAX 64
#define BOOT_MODULES_MAX 16
#define BOOT_CMDLINE_MAX 512
#define BOOT_MODULE_NAME_MAX 64

// Region types use the E820 numbering, which both protocols share.
enum boot_memory_type {
    BOOT_MEMORY_USABLE = 1,
    BOOT_MEMORY_RESERVED = 2,
    BOOT_MEMORY_ACPI_RECLAIMABLE = 3,
    BOOT_MEMORY_ACPI_NVS = 4,
    BOOT_MEMORY_BAD = 5,
};

struct boot_memory_region {
    uint64_t base;
    uint64_t size;
    uint32_t type;
};

#define BOOT_RSDP_MAX 36 // an ACPI 2.0 RSDP

struct boot_module {
    uint64_t phys;
    uint64_t size;
    char name[BOOT_MODULE_NAME_MAX]; // the loader's command line for it
};

struct boot_info {
    const char *loader; // "pvh" or "multiboot2"
    char cmdline[BOOT_CMDLINE_MAX];
    struct boot_memory_region memory[BOOT_MEMORY_REGIONS_MAX];
    unsigned memory_count;
    struct boot_module modules[BOOT_MODULES_MAX];
    unsigned module_count;
    uint64_t rsdp_phys; // ACPI RSDP in firmware memory, 0 if not given
    // A copy of the RSDP, when the loader hands one inside its own data
    // (multiboot2): that memory is free for the kernel to reuse, so the
    // copy must live here, not be pointed at.
    uint8_t rsdp[BOOT_RSDP_MAX];
    unsigned rsdp_len; // 0: no copy
    bool truncated;     // the loader reported more than the arrays hold
};

// A view of physical memory through a linear mapping: physical address p is
// readable at p + offset when p + len <= limit. The kernel passes its direct
// map; host tests pass a buffer.
struct phys_window {
    uintptr_t offset;
    uint64_t limit;
};

// Returns a pointer to [phys, phys + len) or NULL if any of it lies outside
// the window (overflow-safe).
const void *phys_window_get(const struct phys_window *window, uint64_t phys,
                            uint64_t len);

// Copies the NUL-terminated string at phys into out (size bytes, always
// terminated), stopping at the window's end. Returns false if phys is outside
// the window.
bool phys_window_copy_string(const struct phys_window *window, uint64_t phys,
                             char *out, size_t size);

// Sum of the sizes of usable regions, in bytes.
uint64_t boot_info_usable_bytes(const struct boot_info *info);

// The module whose name is `name`, else NULL.
const struct boot_module *boot_info_find_module(const struct boot_info *info,
                                                const char *name);

// Appends a region or module; sets info->truncated when full.
void boot_info_add_memory(struct boot_info *info, uint64_t base, uint64_t size,
                          uint32_t type);
struct boot_module *boot_info_add_module(struct boot_info *info, uint64_t phys,
                                         uint64_t size);
