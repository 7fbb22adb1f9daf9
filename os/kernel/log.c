// Kernel log lines: formatted into a stack buffer, then written in one piece
// so that a line is never split by another writer's output, and kept in the
// log book (logbook.h) under the source's name.
#include "log.h"

#include <stdarg.h>

#include "arch.h"
#include "lib/fmt.h"
#include "lib/string.h"
#include "logbook.h"

static const char *const level_names[] = {
    [LOG_DEBUG] = "debug",
    [LOG_INFO] = "info",
    [LOG_WARN] = "warn",
    [LOG_ERROR] = "error",
};

// Writes the line to the console and keeps it under `ring`, and under
// `also` too unless that is NULL.
static void write_line(const char *ring, const char *also, char *line, int len)
{
    if (len >= LOG_LINE_MAX - 1) {
        len = LOG_LINE_MAX - 5;
        memcpy(line + len, "...", 3);
        len += 3;
    }
    logbook_append(NULL, ring, line, (size_t)len, NULL, 0);
    if (also != NULL) {
        logbook_append(NULL, also, line, (size_t)len, NULL, 0);
    }
    line[len++] = '\n';
    arch_console_write(line, (size_t)len);
}

static void write_formatted(const char *source, const char *also,
                            enum log_level level, const char *format,
                            va_list args)
{
    char line[LOG_LINE_MAX];
    int prefix =
        fmt_format(line, sizeof(line), "[%s] %s: ", source, level_names[level]);
    if (prefix >= LOG_LINE_MAX - 1) {
        prefix = LOG_LINE_MAX - 1;
    }
    int len =
        fmt_vformat(line + prefix, sizeof(line) - (size_t)prefix, format, args);
    write_line(source, also, line, prefix + len);
}

void log_write(enum log_level level, const char *source, const char *format,
               ...)
{
    va_list args;
    va_start(args, format);
    write_formatted(source, NULL, level, format, args);
    va_end(args);
}

void log_write_about(const char *process, enum log_level level,
                     const char *format, ...)
{
    va_list args;
    va_start(args, format);
    write_formatted(LOGBOOK_KERNEL, process, level, format, args);
    va_end(args);
}

void log_raw(const char *format, ...)
{
    char line[LOG_LINE_MAX];
    va_list args;
    va_start(args, format);
    int len = fmt_vformat(line, sizeof(line), format, args);
    va_end(args);
    write_line(LOGBOOK_KERNEL, NULL, line, len);
}
