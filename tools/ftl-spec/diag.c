// Error records and "did you mean" suggestions. The records are the one
// piece of global state of ftl-spec: an error anywhere fails the run.
#include "diag.h"

#include "pool.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct record {
    unsigned file_rank; // order in which files first got an error
    unsigned line, col;
    unsigned seq; // keeps equal positions in the order found
    const char *text;
};

#define RECORDS_MAX 4096

static struct record records[RECORDS_MAX];
static unsigned record_count, dropped, total;
static const char *files[RECORDS_MAX];
static unsigned file_count;

static unsigned file_rank(const char *file)
{
    for (unsigned i = 0; i < file_count; i++) {
        if (strcmp(files[i], file) == 0) {
            return i;
        }
    }
    files[file_count] = file;
    return file_count++;
}

static void record(const char *file, unsigned line, unsigned col,
                   const char *text)
{
    total++;
    if (record_count == RECORDS_MAX) {
        dropped++;
        return;
    }
    records[record_count] = (struct record){
        .file_rank = file_rank(file),
        .line = line,
        .col = col,
        .seq = record_count,
        .text = text,
    };
    record_count++;
}

static char *text_vprintf(const char *prefix, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    size_t prefix_len = strlen(prefix);
    char *text = pool_alloc(prefix_len + (size_t)len + 1);
    memcpy(text, prefix, prefix_len);
    vsnprintf(text + prefix_len, (size_t)len + 1, fmt, ap);
    return text;
}

void diag_error(struct loc loc, const char *fmt, ...)
{
    va_list ap;
    const char *prefix =
        pool_printf("%s:%u:%u: %s: ", loc.file, loc.line, loc.col, loc.field);
    va_start(ap, fmt);
    char *text = text_vprintf(prefix, fmt, ap);
    va_end(ap);
    record(loc.file, loc.line, loc.col, text);
}

void diag_file(const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = text_vprintf("ftl-spec: ", fmt, ap);
    va_end(ap);
    record(file, 0, 0, text);
}

unsigned diag_count(void)
{
    return total;
}

static int record_compare(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    if (x->file_rank != y->file_rank) {
        return x->file_rank < y->file_rank ? -1 : 1;
    }
    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    if (x->col != y->col) {
        return x->col < y->col ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_flush(void)
{
    qsort(records, record_count, sizeof(records[0]), record_compare);
    for (unsigned i = 0; i < record_count; i++) {
        fprintf(stderr, "%s\n", records[i].text);
    }
    if (dropped > 0) {
        fprintf(stderr, "ftl-spec: %u more errors not shown\n", dropped);
    }
    // The file names are forgotten too: they usually live in the pool,
    // which a caller may release once the errors are out (the fuzz target
    // does after every input).
    record_count = dropped = file_count = 0;
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
