// Reader of tar archives (POSIX ustar), the format of the initfs.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define TAR_BLOCK_SIZE 512
#define TAR_NAME_MAX (155 + 1 + 100 + 1) // ustar prefix, "/", name, NUL

struct tar_entry {
    char name[TAR_NAME_MAX]; // without a leading "./"
    const void *data;        // points into the archive
    size_t size;
};

struct tar_reader {
    const uint8_t *archive;
    size_t size;
    size_t offset; // of the next header
};

void tar_reader_init(struct tar_reader *reader, const void *archive,
                     size_t size);

// Reads the next regular file into *out, skipping directories and other
// entry types. Returns 1 when an entry was read, 0 at the end of the archive,
// FTL_ERR_BAD_FORMAT on a corrupt header (bad checksum, bad size field, data
// running past the end). The reader never reads outside the archive.
int tar_next(struct tar_reader *reader, struct tar_entry *out);

// Finds the regular file `name`. Returns 0, FTL_ERR_NOT_FOUND or
// FTL_ERR_BAD_FORMAT.
int tar_find(const void *archive, size_t size, const char *name,
             struct tar_entry *out);
