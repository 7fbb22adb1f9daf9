// Reading the kernel command line: space-separated `key` or `key=value`.
#pragma once

#include <stdbool.h>
#include <stddef.h>

// True if `key` appears as a word, alone or as `key=...`.
bool cmdline_has(const char *cmdline, const char *key);

// Copies the value of `key=value` into out (always terminated, truncated to
// size). Returns false if the key is absent or has no value.
bool cmdline_get(const char *cmdline, const char *key, char *out, size_t size);
