// Error reports of ftl-spec: `FILE:LINE:COLUMN: FIELD: MESSAGE` on stderr.
// Checking goes on after an error so one run shows them all; diag_flush
// prints them in reading order (files in the order they were read, then by
// line and column), whatever order the checks found them in.
#pragma once

#include <stddef.h>

// Where a value was written: the file as the user named it, a 1-based line
// and column, and the dotted field path ("spec.requires[1]").
struct loc {
    const char *file;
    unsigned line, col;
    const char *field;
};

// Records one error at loc.
__attribute__((format(printf, 2, 3))) void diag_error(struct loc loc,
                                                      const char *fmt, ...);

// Records an error about a whole file (one that cannot be read), printed
// as `ftl-spec: MESSAGE` before the file's other errors.
__attribute__((format(printf, 2, 3))) void diag_file(const char *file,
                                                     const char *fmt, ...);

// Errors reported so far.
unsigned diag_count(void);

// Prints the errors recorded so far, sorted, and forgets them.
void diag_flush(void);

// The candidate closest to word by edit distance when it is a likely typo
// (at most 2 edits, and fewer than half the word), else NULL.
const char *diag_suggest(const char *word, const char *const *candidates,
                         size_t count);
