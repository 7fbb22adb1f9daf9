// The system console. printf() and puts() write here too, a line at a time;
// the kernel prefixes each line with the process name.
#pragma once

#include <stddef.h>

// Levels of ftl_console_write: FTL_CONSOLE_PLAIN is standard output.
enum ftl_console_level {
    FTL_CONSOLE_PLAIN = 0,
    FTL_CONSOLE_DEBUG = 1,
    FTL_CONSOLE_INFO = 2,
    FTL_CONSOLE_WARN = 3,
    FTL_CONSOLE_ERROR = 4,
};

// Writes len bytes (at most 4096) as one or more lines. Returns len or an
// error.
long ftl_console_write(const char *text, size_t len,
                       enum ftl_console_level level);
