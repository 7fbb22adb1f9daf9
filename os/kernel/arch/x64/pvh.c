// PVH start information (Xen public header arch-x86/hvm/start_info.h): a
// fixed structure pointing at a module list, a command line and, from
// version 1, an E820-style memory map. Every pointer in it is physical and is
// resolved through the window, so nothing outside it is ever read.
#include "arch/x64/pvh.h"

#include <ftl/error.h>

#include "arch/x64/boot.h"
#include "lib/string.h"

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    // version 1 and later:
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};

_Static_assert(sizeof(struct hvm_start_info) == 56, "PVH ABI");
_Static_assert(sizeof(struct hvm_modlist_entry) == 32, "PVH ABI");
_Static_assert(sizeof(struct hvm_memmap_table_entry) == 24, "PVH ABI");

// Version 0 ends before memmap_paddr.
#define START_INFO_V0_SIZE 40

static int parse_modules(const struct phys_window *window,
                         const struct hvm_start_info *start,
                         struct boot_info *out)
{
    if (start->nr_modules == 0) {
        return 0;
    }
    if (start->nr_modules > BOOT_MODULES_MAX) {
        out->truncated = true;
    }
    uint32_t count = start->nr_modules < BOOT_MODULES_MAX ? start->nr_modules
                                                          : BOOT_MODULES_MAX;
    const struct hvm_modlist_entry *list =
        phys_window_get(window, start->modlist_paddr, count * sizeof(*list));
    if (list == NULL) {
        return FTL_ERR_BAD_FORMAT;
    }
    for (uint32_t i = 0; i < count; i++) {
        struct boot_module *m =
            boot_info_add_module(out, list[i].paddr, list[i].size);
        if (m != NULL && list[i].cmdline_paddr != 0) {
            phys_window_copy_string(window, list[i].cmdline_paddr, m->name,
                                    sizeof(m->name));
        }
    }
    return 0;
}

static int parse_memory_map(const struct phys_window *window,
                            const struct hvm_start_info *start,
                            struct boot_info *out)
{
    uint32_t count = start->memmap_entries;
    if (count > PVH_MEMORY_ENTRIES_MAX) {
        count = PVH_MEMORY_ENTRIES_MAX;
        out->truncated = true;
    }
    const struct hvm_memmap_table_entry *map = phys_window_get(
        window, start->memmap_paddr, (uint64_t)count * sizeof(*map));
    if (map == NULL) {
        return FTL_ERR_BAD_FORMAT;
    }
    for (uint32_t i = 0; i < count; i++) {
        boot_info_add_memory(out, map[i].addr, map[i].size, map[i].type);
    }
    return 0;
}

int pvh_parse(const struct phys_window *window, uint64_t info_phys,
              struct boot_info *out)
{
    memset(out, 0, sizeof(*out));
    out->loader = "pvh";

    struct hvm_start_info start;
    const void *raw = phys_window_get(window, info_phys, START_INFO_V0_SIZE);
    if (raw == NULL) {
        return FTL_ERR_BAD_FORMAT;
    }
    memset(&start, 0, sizeof(start));
    memcpy(&start, raw, START_INFO_V0_SIZE);
    if (start.magic != PVH_START_INFO_MAGIC) {
        return FTL_ERR_BAD_FORMAT;
    }
    if (start.version >= 1) {
        raw = phys_window_get(window, info_phys, sizeof(start));
        if (raw == NULL) {
            return FTL_ERR_BAD_FORMAT;
        }
        memcpy(&start, raw, sizeof(start));
    }
    if (start.cmdline_paddr != 0 &&
        !phys_window_copy_string(window, start.cmdline_paddr, out->cmdline,
                                 sizeof(out->cmdline))) {
        return FTL_ERR_BAD_FORMAT;
    }
    out->rsdp_phys = start.rsdp_paddr;
    int err = parse_modules(window, &start, out);
    if (err < 0) {
        return err;
    }
    if (start.version >= 1 && start.memmap_paddr != 0) {
        return parse_memory_map(window, &start, out);
    }
    return 0;
}
