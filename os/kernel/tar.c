// ustar reader. Each header block is validated (checksum, octal size, bounds)
// before its data is handed out; the data itself is not copied. Archives end
// at a zero block or exactly at their last data block.
#include "tar.h"

#include <stdbool.h>

#include <ftl/error.h>

#include "lib/string.h"

struct tar_header {
    char name[100];
    char mode[8];
    char uid[8];
    char gid[8];
    char size[12];
    char mtime[12];
    char checksum[8];
    char typeflag;
    char linkname[100];
    char magic[6];
    char version[2];
    char uname[32];
    char gname[32];
    char devmajor[8];
    char devminor[8];
    char prefix[155];
    char pad[12];
};

_Static_assert(sizeof(struct tar_header) == TAR_BLOCK_SIZE, "ustar layout");

// Parses an octal field (digits, then NUL or spaces). Returns false on any
// other character, on an empty field, or on overflow past 2^63.
static bool parse_octal(const char *field, size_t len, uint64_t *out)
{
    uint64_t value = 0;
    size_t i = 0;
    while (i < len && field[i] == ' ') {
        i++;
    }
    size_t first_digit = i;
    for (; i < len && field[i] >= '0' && field[i] <= '7'; i++) {
        if (value >> 60) {
            return false;
        }
        value = value * 8 + (uint64_t)(field[i] - '0');
    }
    if (i == first_digit) {
        return false;
    }
    for (; i < len; i++) {
        if (field[i] != '\0' && field[i] != ' ') {
            return false;
        }
    }
    *out = value;
    return true;
}

static bool checksum_matches(const struct tar_header *h)
{
    uint64_t expected;
    if (!parse_octal(h->checksum, sizeof(h->checksum), &expected)) {
        return false;
    }
    const uint8_t *bytes = (const uint8_t *)h;
    uint64_t sum = 0;
    for (size_t i = 0; i < TAR_BLOCK_SIZE; i++) {
        bool in_field = i >= offsetof(struct tar_header, checksum) &&
                        i < offsetof(struct tar_header, typeflag);
        sum += in_field ? ' ' : bytes[i];
    }
    return sum == expected;
}

static bool is_zero_block(const uint8_t *block)
{
    for (size_t i = 0; i < TAR_BLOCK_SIZE; i++) {
        if (block[i] != 0) {
            return false;
        }
    }
    return true;
}

static void copy_name(const struct tar_header *h, char *out)
{
    size_t at = 0;
    if (memcmp(h->magic, "ustar", 5) == 0 && h->prefix[0] != '\0') {
        size_t len = strnlen(h->prefix, sizeof(h->prefix));
        memcpy(out, h->prefix, len);
        out[len] = '/';
        at = len + 1;
    }
    size_t len = strnlen(h->name, sizeof(h->name));
    memcpy(out + at, h->name, len);
    out[at + len] = '\0';
    if (out[0] == '.' && out[1] == '/') {
        memmove(out, out + 2, strlen(out + 2) + 1);
    }
}

void tar_reader_init(struct tar_reader *reader, const void *archive,
                     size_t size)
{
    reader->archive = archive;
    reader->size = size;
    reader->offset = 0;
}

int tar_next(struct tar_reader *reader, struct tar_entry *out)
{
    for (;;) {
        if (reader->size - reader->offset < TAR_BLOCK_SIZE) {
            return 0;
        }
        const uint8_t *block = reader->archive + reader->offset;
        if (is_zero_block(block)) {
            return 0;
        }
        const struct tar_header *h = (const struct tar_header *)block;
        uint64_t size;
        if (!checksum_matches(h) ||
            !parse_octal(h->size, sizeof(h->size), &size)) {
            return FTL_ERR_BAD_FORMAT;
        }
        size_t data_offset = reader->offset + TAR_BLOCK_SIZE;
        if (size > reader->size - data_offset) {
            return FTL_ERR_BAD_FORMAT;
        }
        uint64_t padded = (size + TAR_BLOCK_SIZE - 1) & ~(uint64_t)511;
        // The last entry's padding may be missing in a truncated archive.
        reader->offset = padded > reader->size - data_offset
                             ? reader->size
                             : data_offset + padded;
        if (h->typeflag != '0' && h->typeflag != '\0') {
            continue; // directories, links and the like
        }
        copy_name(h, out->name);
        out->data = reader->archive + data_offset;
        out->size = (size_t)size;
        return 1;
    }
}

int tar_find(const void *archive, size_t size, const char *name,
             struct tar_entry *out)
{
    struct tar_reader reader;
    tar_reader_init(&reader, archive, size);
    int found;
    while ((found = tar_next(&reader, out)) > 0) {
        if (strcmp(out->name, name) == 0) {
            return 0;
        }
    }
    return found < 0 ? found : FTL_ERR_NOT_FOUND;
}
