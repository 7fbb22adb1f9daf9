// Logging with levels. Each call writes one console line, which the kernel
// prefixes with the process name and the level:
//
//   FTL_LOG_WARN("key %s too long (%zu bytes)", key, len);
//   -> [kv] warn: key too long (300 bytes)
//
// Lines below the threshold are dropped. The threshold is FTL_LOG_INFO
// unless the environment says otherwise (FTL_LOG_LEVEL=debug|info|warn|
// error, read at the first call) or ftl_log_set_level changes it. Logging
// does not go through stdout's buffer, so a half-written printf line may
// appear after a log line written later.
#pragma once

#include <ftl/console.h>

// Logs at a level; arguments as for printf. No newline needed.
#define FTL_LOG_DEBUG(...) ftl_log(FTL_CONSOLE_DEBUG, __VA_ARGS__)
#define FTL_LOG_INFO(...) ftl_log(FTL_CONSOLE_INFO, __VA_ARGS__)
#define FTL_LOG_WARN(...) ftl_log(FTL_CONSOLE_WARN, __VA_ARGS__)
#define FTL_LOG_ERROR(...) ftl_log(FTL_CONSOLE_ERROR, __VA_ARGS__)

// Writes one log line at `level` (FTL_CONSOLE_DEBUG..FTL_CONSOLE_ERROR) if
// it is at or above the threshold. A line longer than FTL_LOG_LINE_MAX is
// cut there, with "..." at the end to say so.
#define FTL_LOG_LINE_MAX 1024
__attribute__((format(printf, 2, 3))) void ftl_log(enum ftl_console_level level,
                                                   const char *format, ...);

// Sets the threshold: lines below `level` are dropped from now on.
void ftl_log_set_level(enum ftl_console_level level);

// Whether a line at `level` would be written (to skip costly formatting).
int ftl_log_enabled(enum ftl_console_level level);
