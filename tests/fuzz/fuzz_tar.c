// Fuzz target: the initfs tar reader of the kernel (os/kernel/tar.c). The
// initfs comes from the boot loader, so a corrupt one must be refused, not
// followed. The input is the archive, in a heap block of exactly its size;
// every entry the reader returns must lie inside it, and its name must be
// NUL-terminated within its array.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "tar.h"

static volatile uint8_t touched; // reads into it are never optimised away

static void entry_check(const uint8_t *archive, size_t size,
                        const struct tar_entry *e)
{
    const uint8_t *data = e->data;
    if (memchr(e->name, '\0', sizeof(e->name)) == NULL) {
        abort();
    }
    if (e->size != 0 && (data < archive || (size_t)(data - archive) > size ||
                         e->size > size - (size_t)(data - archive))) {
        abort();
    }
    // Read the first and last byte so ASan checks the bounds too.
    if (e->size != 0) {
        touched = data[0];
        touched = data[e->size - 1];
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *archive = malloc(size != 0 ? size : 1);
    memcpy(archive, data, size);
    struct tar_reader reader;
    struct tar_entry entry;
    tar_reader_init(&reader, archive, size);
    int err;
    // Each entry takes at least one block: the loop ends.
    while ((err = tar_next(&reader, &entry)) == 1) {
        entry_check(archive, size, &entry);
    }
    if (err != 0 && err != FTL_ERR_BAD_FORMAT) {
        abort();
    }
    err = tar_find(archive, size, "boot.manifest", &entry);
    if (err == 0) {
        entry_check(archive, size, &entry);
        if (strcmp(entry.name, "boot.manifest") != 0) {
            abort();
        }
    } else if (err != FTL_ERR_NOT_FOUND && err != FTL_ERR_BAD_FORMAT) {
        abort();
    }
    free(archive);
    return 0;
}
