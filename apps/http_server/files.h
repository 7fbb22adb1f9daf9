// The static files of the site, embedded in the program at build time
// (www/ in this folder).
#pragma once

#include <stddef.h>

struct file {
    const char *path; // "/index.html"
    const char *type; // Content-Type
    const unsigned char *data;
    size_t size;
};

// The file served for path ("/" is "/index.html"), or NULL.
const struct file *files_lookup(const char *path);
