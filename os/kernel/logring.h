// A ring of log lines: the latest lines written under one name, in a
// buffer of fixed size, each numbered by a sequence number (its cursor)
// that grows by one per line and never goes back. When a new line does not
// fit, the oldest lines are dropped; a reader sees that as a jump of the
// cursor. Plain memory, no locks, no allocation: logbook.h owns the rings
// and says when they are touched.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct logring {
    uint8_t *data;      // records: a 2-byte length, then the line's bytes
    size_t size;        // of data
    size_t head;        // offset of the oldest record
    size_t used;        // bytes of records
    uint64_t first_seq; // the oldest kept line's (next_seq when empty)
    uint64_t next_seq;  // the next line's
};

// Makes r an empty ring over data[size] whose first line gets first_seq
// (at least 1: cursor 0 means "before everything"). size must hold a line
// of FTL_LOGS_LINE_MAX bytes and its length.
void logring_init(struct logring *r, uint8_t *data, size_t size,
                  uint64_t first_seq);

// Appends one line made of prefix then text (no newline in either; the
// caller splits), cut to FTL_LOGS_LINE_MAX bytes ending in "..." when
// longer. Drops the oldest lines to make room. Touches each byte once.
void logring_append(struct logring *r, const char *prefix, size_t prefix_len,
                    const char *text, size_t text_len);

// Writes the lines after `cursor` (those whose sequence number is greater)
// that fit in out[max] as "SEQ TEXT\n", oldest first, whole lines only.
// *next becomes the last written line's number (cursor when none was).
// Returns the bytes written (0: nothing after cursor), or FTL_ERR_TOO_LARGE
// when the first such line does not fit in max.
long logring_read(const struct logring *r, uint64_t cursor, char *out,
                  size_t max, uint64_t *next);

// The last line's sequence number (first_seq - 1 when empty).
static inline uint64_t logring_last(const struct logring *r)
{
    return r->next_seq - 1;
}

// Writes n in decimal into out (room for 20 digits); returns the digits.
size_t logring_format_u64(char *out, uint64_t n);
