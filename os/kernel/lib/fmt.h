// printf-style formatting into a buffer, for the kernel log.
#pragma once

#include <stdarg.h>
#include <stddef.h>

// Formats like vsnprintf for the subset the kernel uses: %d %i %u %x %X %p
// %s %c %%, the length modifiers l, ll and z, a field width and the 0 and -
// flags. Always terminates buf (when size > 0). Returns the length the full
// output would have had, like vsnprintf.
int fmt_vformat(char *buf, size_t size, const char *format, va_list args);

int fmt_format(char *buf, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
