// Multiboot2 boot information (Multiboot2 specification, section 3.6): a
// size-prefixed list of 8-byte-aligned tags. Every length in it is checked
// against the enclosing one before use, so a corrupt structure gives an error
// rather than a read past its end.
#include "arch/x64/multiboot2.h"

#include <ftl/error.h>

#include "lib/string.h"

enum multiboot2_tag_type {
    TAG_END = 0,
    TAG_CMDLINE = 1,
    TAG_MODULE = 3,
    TAG_MEMORY_MAP = 6,
    TAG_ACPI_OLD_RSDP = 14,
    TAG_ACPI_NEW_RSDP = 15,
};

struct multiboot2_tag {
    uint32_t type;
    uint32_t size; // including this header, excluding padding
};

struct multiboot2_module {
    uint32_t start;
    uint32_t end;
    // followed by the module's command line
};

struct multiboot2_memory_map {
    uint32_t entry_size;
    uint32_t entry_version;
    // followed by entries
};

struct multiboot2_memory_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};

// Copies a string of at most len bytes (not necessarily terminated) into out.
static void copy_bounded_string(char *out, size_t size, const char *src,
                                size_t len)
{
    size_t n = 0;
    while (n + 1 < size && n < len && src[n] != '\0') {
        out[n] = src[n];
        n++;
    }
    out[n] = '\0';
}

static int parse_module(const uint8_t *body, uint32_t len,
                        struct boot_info *out)
{
    if (len < sizeof(struct multiboot2_module)) {
        return FTL_ERR_BAD_FORMAT;
    }
    struct multiboot2_module module;
    memcpy(&module, body, sizeof(module));
    if (module.end < module.start) {
        return FTL_ERR_BAD_FORMAT;
    }
    struct boot_module *m =
        boot_info_add_module(out, module.start, module.end - module.start);
    if (m != NULL) {
        copy_bounded_string(m->name, sizeof(m->name),
                            (const char *)body + sizeof(module),
                            len - sizeof(module));
    }
    return 0;
}

static int parse_memory_map(const uint8_t *body, uint32_t len,
                            struct boot_info *out)
{
    struct multiboot2_memory_map map;
    if (len < sizeof(map)) {
        return FTL_ERR_BAD_FORMAT;
    }
    memcpy(&map, body, sizeof(map));
    if (map.entry_size < sizeof(struct multiboot2_memory_entry)) {
        return FTL_ERR_BAD_FORMAT;
    }
    for (uint32_t at = sizeof(map); len - at >= map.entry_size;
         at += map.entry_size) {
        struct multiboot2_memory_entry entry;
        memcpy(&entry, body + at, sizeof(entry));
        boot_info_add_memory(out, entry.base, entry.length, entry.type);
    }
    return 0;
}

static int parse_tag(const struct multiboot2_tag *tag, struct boot_info *out)
{
    const uint8_t *body = (const uint8_t *)tag + sizeof(*tag);
    uint32_t len = tag->size - sizeof(*tag);
    switch (tag->type) {
    case TAG_CMDLINE:
        copy_bounded_string(out->cmdline, sizeof(out->cmdline),
                            (const char *)body, len);
        return 0;
    case TAG_MODULE:
        return parse_module(body, len, out);
    case TAG_MEMORY_MAP:
        return parse_memory_map(body, len, out);
    case TAG_ACPI_OLD_RSDP:
    case TAG_ACPI_NEW_RSDP:
        // The tag holds a copy of the RSDP; keep the ACPI 2.0 one if both
        // come. Copied: the boot information is not reserved memory.
        if (out->rsdp_len == 0 || tag->type == TAG_ACPI_NEW_RSDP) {
            out->rsdp_len = len < BOOT_RSDP_MAX ? len : BOOT_RSDP_MAX;
            memset(out->rsdp, 0, sizeof(out->rsdp));
            memcpy(out->rsdp, body, out->rsdp_len);
        }
        return 0;
    default:
        return 0;
    }
}

int multiboot2_parse(const struct phys_window *window, uint64_t info_phys,
                     struct boot_info *out)
{
    memset(out, 0, sizeof(*out));
    out->loader = "multiboot2";

    const uint32_t *header = phys_window_get(window, info_phys, 8);
    if (header == NULL) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint32_t total = header[0];
    if (total < 8 || total > MULTIBOOT2_INFO_MAX) {
        return FTL_ERR_BAD_FORMAT;
    }
    const uint8_t *info = phys_window_get(window, info_phys, total);
    if (info == NULL) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint32_t at = 8;
    while (total - at >= sizeof(struct multiboot2_tag)) {
        struct multiboot2_tag tag;
        memcpy(&tag, info + at, sizeof(tag));
        if (tag.size < sizeof(tag) || tag.size > total - at) {
            return FTL_ERR_BAD_FORMAT;
        }
        if (tag.type == TAG_END) {
            return 0;
        }
        int err = parse_tag((const struct multiboot2_tag *)(info + at), out);
        if (err < 0) {
            return err;
        }
        at += (tag.size + 7) & ~7u;
        if (at > total) {
            break;
        }
    }
    return FTL_ERR_BAD_FORMAT; // ran out of bytes before the end tag
}
