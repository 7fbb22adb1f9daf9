// Leveled log lines (see ftl/log.h): formatted here, prefixed by the kernel.
#include <ftl/log.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// 0: not yet read from the environment.
static enum ftl_console_level threshold;

static enum ftl_console_level level_from_env(void)
{
    static const char *const names[] = {
        [FTL_CONSOLE_DEBUG] = "debug",
        [FTL_CONSOLE_INFO] = "info",
        [FTL_CONSOLE_WARN] = "warn",
        [FTL_CONSOLE_ERROR] = "error",
    };
    const char *value = getenv("FTL_LOG_LEVEL");
    for (int level = FTL_CONSOLE_DEBUG; value != NULL && level <= 4; level++) {
        if (strcmp(value, names[level]) == 0) {
            return (enum ftl_console_level)level;
        }
    }
    return FTL_CONSOLE_INFO;
}

int ftl_log_enabled(enum ftl_console_level level)
{
    if (threshold == 0) {
        threshold = level_from_env();
    }
    return level >= threshold;
}

void ftl_log_set_level(enum ftl_console_level level)
{
    threshold = level;
}

void ftl_log(enum ftl_console_level level, const char *format, ...)
{
    if (!ftl_log_enabled(level)) {
        return;
    }
    char line[FTL_LOG_LINE_MAX + 1];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    if (n < 0) {
        return;
    }
    size_t len = (size_t)n;
    if (len > FTL_LOG_LINE_MAX) {
        len = FTL_LOG_LINE_MAX;
        memcpy(line + len - 3, "...", 3);
    }
    ftl_console_write(line, len, level);
}
