// What `ftl` prints: progress lines, results, and errors in one line with a
// hint. Colour only when stderr/stdout is a terminal and NO_COLOR is unset
// (https://no-color.org). Progress and errors go to stderr, so stdout stays
// for what a command produces (the console of `ftl run`, `ftl --sdk`).
#pragma once

#include <stdbool.h>

// Decides on colour; call once at start.
void out_init(void);

// A progress line for a step: "  BUILD    services/demo".
void out_step(const char *verb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// A plain line on stderr.
void out_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// A result line, in green.
void out_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// A warning line, in yellow: "ftl: warning: ...".
void out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// "ftl: error: MESSAGE" then, if hint is not NULL, "  hint: HINT"; returns
// code so that callers can `return out_error(...)`.
int out_error(int code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

// "ftl CMD: MESSAGE" and the command's usage on stderr; returns EXIT_USAGE.
int out_usage_error(const char *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

// Whether stderr gets colour (for callers that print their own).
bool out_has_colour(void);
