// An image's initfs.tar read as a list of files, each with the SHA-256 of
// its bytes and where its ustar member (header and padded data) lies in the
// archive, so that `ftl apply` can compare the files with what a running
// system has and pack a bundle of some of them by copying their members
// as they are (apply_bundle.h).
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define INITFS_TAR_FILES_MAX 64
#define INITFS_TAR_NAME_MAX 260 // a ustar prefix, a slash, a name, a NUL
#define INITFS_TAR_HASH_HEX 65  // SHA-256 in hex, and a NUL

struct initfs_file {
    char name[INITFS_TAR_NAME_MAX]; // without the leading "./"
    char hash[INITFS_TAR_HASH_HEX];
    size_t size;   // of the file's bytes
    size_t offset; // of its member's header in the archive
    size_t span;   // the member's bytes: header and data padded to 512
};

struct initfs_tar {
    char *data; // the whole archive
    size_t len;
    unsigned count; // regular files only: folders are left out
    struct initfs_file files[INITFS_TAR_FILES_MAX];
};

// Reads and indexes the archive at path; 0, or an exit code after the
// error was printed (unreadable, not a ustar archive, too many files).
int initfs_tar_read(const char *path, struct initfs_tar *t);

// The file named name, or NULL.
const struct initfs_file *initfs_tar_find(const struct initfs_tar *t,
                                          const char *name);

// SHA-256 of len bytes at data, in hex, into hex.
void initfs_hash(const void *data, size_t len, char hex[INITFS_TAR_HASH_HEX]);
