// Kernel log lines: formatted into a stack buffer, then written in one piece
// so that a line is never split by another writer's output.
#include "log.h"

#include <stdarg.h>

#include "arch.h"
#include "lib/fmt.h"
#include "lib/string.h"

static const char *const level_names[] = {
    [LOG_DEBUG] = "debug",
    [LOG_INFO] = "info",
    [LOG_WARN] = "warn",
    [LOG_ERROR] = "error",
};

static void write_line(char *line, int len)
{
    if (len >= LOG_LINE_MAX - 1) {
        len = LOG_LINE_MAX - 5;
        memcpy(line + len, "...", 3);
        len += 3;
    }
    line[len++] = '\n';
    arch_console_write(line, (size_t)len);
}

void log_write(enum log_level level, const char *source, const char *format,
               ...)
{
    char line[LOG_LINE_MAX];
    int prefix =
        fmt_format(line, sizeof(line), "[%s] %s: ", source, level_names[level]);
    if (prefix >= LOG_LINE_MAX - 1) {
        prefix = LOG_LINE_MAX - 1;
    }
    va_list args;
    va_start(args, format);
    int len =
        fmt_vformat(line + prefix, sizeof(line) - (size_t)prefix, format, args);
    va_end(args);
    write_line(line, prefix + len);
}

void log_raw(const char *format, ...)
{
    char line[LOG_LINE_MAX];
    va_list args;
    va_start(args, format);
    int len = fmt_vformat(line, sizeof(line), format, args);
    va_end(args);
    write_line(line, len);
}
