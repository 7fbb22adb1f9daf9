// Error printing and "did you mean" suggestions. The count is the one
// piece of global state of ftl-spec: every error anywhere makes the run fail.
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static unsigned errors;

void diag_error(struct loc loc, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s:%u:%u: %s: ", loc.file, loc.line, loc.col, loc.field);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    errors++;
}

void diag_plain(const char *fmt, ...)
{
    va_list ap;
    fputs("ftl-spec: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    errors++;
}

unsigned diag_count(void)
{
    return errors;
}

// Levenshtein distance, for the short words of field names.
static size_t distance(const char *a, const char *b)
{
    size_t lb = strlen(b);
    size_t row[64];
    if (lb >= sizeof(row) / sizeof(row[0]) || strlen(a) >= 64) {
        return (size_t)-1;
    }
    for (size_t j = 0; j <= lb; j++) {
        row[j] = j;
    }
    for (size_t i = 1; a[i - 1] != '\0'; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t above = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diagonal + cost;
            if (above + 1 < best) {
                best = above + 1;
            }
            if (row[j - 1] + 1 < best) {
                best = row[j - 1] + 1;
            }
            row[j] = best;
            diagonal = above;
        }
    }
    return row[lb];
}

const char *diag_suggest(const char *word, const char *const *candidates,
                         size_t count)
{
    const char *best = NULL;
    size_t best_distance = 3; // suggest only within 2 edits
    for (size_t i = 0; i < count; i++) {
        size_t d = distance(word, candidates[i]);
        if (d < best_distance && d * 2 < strlen(word)) {
            best = candidates[i];
            best_distance = d;
        }
    }
    return best;
}
