// Error reports of ftl-spec. Every problem is printed as it is found, as
// `FILE:LINE:COLUMN: FIELD: MESSAGE` on stderr, and counted; checking goes
// on after an error so one run shows them all.
#pragma once

#include <stddef.h>

// Where a value was written: the file as the user named it, a 1-based line
// and column, and the dotted field path ("spec.requires[1]").
struct loc {
    const char *file;
    unsigned line, col;
    const char *field;
};

// Prints one error at loc and counts it.
__attribute__((format(printf, 2, 3))) void diag_error(struct loc loc,
                                                      const char *fmt, ...);

// Prints an error that has no position (a file that cannot be read).
__attribute__((format(printf, 1, 2))) void diag_plain(const char *fmt, ...);

// Errors reported so far.
unsigned diag_count(void);

// The candidate closest to word by edit distance when it is a likely typo
// (at most 2 edits, and fewer than half the word), else NULL.
const char *diag_suggest(const char *word, const char *const *candidates,
                         size_t count);
