// Output conventions of `ftl` (output.h). Everything but a command's own
// product goes to stderr, one line per message.
#include "output.h"

#include "exitcode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define RESET "\033[0m"
#define BOLD "\033[1m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define CYAN "\033[36m"

static bool colour;

void out_init(void)
{
    const char *no_colour = getenv("NO_COLOR");
    colour = isatty(STDERR_FILENO) &&
             (no_colour == NULL || no_colour[0] == '\0');
}

bool out_has_colour(void)
{
    return colour;
}

static const char *paint(const char *code)
{
    return colour ? code : "";
}

void out_step(const char *verb, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  %s%-8s%s ", paint(CYAN), verb, paint(RESET));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void out_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void out_ok(const char *fmt, ...)
{
    va_list ap;
    fputs(paint(GREEN), stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", paint(RESET));
}

void out_warn(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%sftl: warning:%s ", paint(YELLOW), paint(RESET));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int out_error(int code, const char *hint, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s%sftl: error:%s ", paint(BOLD), paint(RED),
            paint(RESET));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (hint != NULL) {
        fprintf(stderr, "  %shint:%s %s\n", paint(BOLD), paint(RESET), hint);
    }
    return code;
}

int out_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s%sftl: error:%s ", paint(BOLD), paint(RED),
            paint(RESET));
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n\n%s", usage);
    return EXIT_USAGE;
}
