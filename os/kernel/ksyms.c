// Lookup in the embedded symbol table (see ksyms.h): a binary search over
// addresses sorted by the generator.
#include "ksyms.h"

#include <stddef.h>

struct ksym {
    uint64_t address;
    uint32_t name_offset;
    uint32_t reserved;
};

// Defined by the generated build/ksyms.S (or by ksyms_empty.S in the first
// link): the entries sorted by address, their count, and the names.
extern const struct ksym ksyms_table[];
extern const uint64_t ksyms_count;
extern const char ksyms_names[];
extern const char __text_start[], __text_end[];

const char *ksyms_lookup(uint64_t address, uint64_t *offset)
{
    if (address < (uint64_t)__text_start || address >= (uint64_t)__text_end ||
        ksyms_count == 0 || address < ksyms_table[0].address) {
        return NULL;
    }
    size_t low = 0, high = ksyms_count;
    while (high - low > 1) {
        size_t mid = low + (high - low) / 2;
        if (ksyms_table[mid].address <= address) {
            low = mid;
        } else {
            high = mid;
        }
    }
    *offset = address - ksyms_table[low].address;
    return &ksyms_names[ksyms_table[low].name_offset];
}
