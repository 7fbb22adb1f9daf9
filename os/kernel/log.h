// The kernel log: one line per call on the console, each prefixed with its
// source and level, e.g. "[kernel] warn: no initfs", and kept in the log
// book (logbook.h) under the source's name.
#pragma once

enum log_level {
    LOG_DEBUG,
    LOG_INFO,
    LOG_WARN,
    LOG_ERROR,
};

// Longest line; longer messages are cut and end in "...".
#define LOG_LINE_MAX 256

// Writes one line from `source` (a process name, or "kernel").
void log_write(enum log_level level, const char *source, const char *format,
               ...) __attribute__((format(printf, 3, 4)));

// Writes a kernel line ("[kernel] LEVEL: ...") about a process, kept in the
// kernel's ring and in the process's: so that its own log says why it ended.
void log_write_about(const char *process, enum log_level level,
                     const char *format, ...)
    __attribute__((format(printf, 3, 4)));

// Writes a line with no prefix: the boot banner.
void log_raw(const char *format, ...) __attribute__((format(printf, 1, 2)));

#define LOG_INFO(...) log_write(LOG_INFO, "kernel", __VA_ARGS__)
#define LOG_WARN(...) log_write(LOG_WARN, "kernel", __VA_ARGS__)
#define LOG_ERROR(...) log_write(LOG_ERROR, "kernel", __VA_ARGS__)
