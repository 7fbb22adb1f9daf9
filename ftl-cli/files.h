// Files and folders: what the commands read, create and compare. Functions
// returning int give 0 or -1 with errno set (so messages can say why).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool path_exists(const char *path);
bool path_is_dir(const char *path);

// dir/name, or name alone when it is absolute.
char *path_join(const char *dir, const char *name);

// The folder part of path ("." when there is none).
char *path_dir(const char *path);

// The last part of path.
const char *path_base(const char *path);

// Creates path and its missing parents.
int dir_create(const char *path);

// The names in dir, sorted, without "." and ".."; NULL-terminated. NULL if
// dir cannot be read.
char **dir_list(const char *dir);

// Removes path and, for a folder, everything under it.
int tree_remove(const char *path);

// The whole file, NUL-terminated; NULL if it cannot be read.
char *file_read(const char *path);

// The same, with its length in *len (for files that may hold NULs).
char *file_read_len(const char *path, size_t *len);

// Writes a new file (its folder created as needed); fails with EEXIST
// rather than overwrite.
int file_create(const char *path, const char *text);

// Replaces a file's contents atomically (through a temporary file and
// rename), so that an interrupted write leaves the old file.
int file_replace(const char *path, const char *text);

// Copies src to dst (replacing dst), keeping the execute bits.
int file_copy(const char *src, const char *dst);

// Modification time in nanoseconds, or -1 if path does not exist.
int64_t file_mtime(const char *path);

// Size in bytes, or -1.
long long file_size(const char *path);

// The newest modification time of any file under dir (dir itself
// included), skipping folders named in skip (NULL-terminated, may be
// NULL); -1 if dir does not exist.
int64_t tree_mtime(const char *dir, const char *const *skip);
