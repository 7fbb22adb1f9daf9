// A growing byte buffer that always ends in a NUL (not counted), shared by
// the HTTP server's request parsing and the client's response parsing,
// which both gather pieces that reads cut anywhere.
#pragma once

#include <stddef.h>

// Appends n bytes at p to *buf (len bytes used of cap), growing it by
// doubling from 256; keeps a NUL after the bytes. 0, or FTL_ERR_NO_MEMORY
// (the buffer is left as it was).
int http_buf_append(char **buf, size_t *len, size_t *cap, const char *p,
                    size_t n);
