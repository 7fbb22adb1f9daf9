// Loader-independent boot information: the helpers both parsers share and
// the queries the kernel makes.
#include "bootinfo.h"

#include "lib/string.h"

const void *phys_window_get(const struct phys_window *window, uint64_t phys,
                            uint64_t len)
{
    if (phys > window->limit || len > window->limit - phys) {
        return NULL;
    }
    return (const void *)(uintptr_t)(phys + window->offset);
}

bool phys_window_copy_string(const struct phys_window *window, uint64_t phys,
                             char *out, size_t size)
{
    if (size == 0 || phys >= window->limit) {
        return false;
    }
    const char *src = (const char *)(uintptr_t)(phys + window->offset);
    uint64_t available = window->limit - phys;
    size_t i = 0;
    while (i + 1 < size && i < available && src[i] != '\0') {
        out[i] = src[i];
        i++;
    }
    out[i] = '\0';
    return true;
}

uint64_t boot_info_usable_bytes(const struct boot_info *info)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < info->memory_count; i++) {
        if (info->memory[i].type == BOOT_MEMORY_USABLE) {
            total += info->memory[i].size;
        }
    }
    return total;
}

const struct boot_module *boot_info_find_module(const struct boot_info *info,
                                                const char *name)
{
    for (unsigned i = 0; i < info->module_count; i++) {
        if (strcmp(info->modules[i].name, name) == 0) {
            return &info->modules[i];
        }
    }
    return NULL;
}

void boot_info_add_memory(struct boot_info *info, uint64_t base, uint64_t size,
                          uint32_t type)
{
    if (info->memory_count == BOOT_MEMORY_REGIONS_MAX) {
        info->truncated = true;
        return;
    }
    if (type < BOOT_MEMORY_USABLE || type > BOOT_MEMORY_BAD) {
        type = BOOT_MEMORY_RESERVED; // unknown types are never usable
    }
    struct boot_memory_region *region = &info->memory[info->memory_count++];
    region->base = base;
    region->size = size;
    region->type = type;
}

struct boot_module *boot_info_add_module(struct boot_info *info, uint64_t phys,
                                         uint64_t size)
{
    if (info->module_count == BOOT_MODULES_MAX) {
        info->truncated = true;
        return NULL;
    }
    struct boot_module *module = &info->modules[info->module_count++];
    module->phys = phys;
    module->size = size;
    module->name[0] = '\0';
    return module;
}
