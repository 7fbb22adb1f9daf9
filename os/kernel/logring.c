// Rings of log lines. Each line is a record: its length in two bytes (little
// endian), then its bytes, no newline. Records follow each other around the
// buffer and may wrap at its end; line k after the oldest has sequence
// number first_seq + k, so numbers are implicit and cost nothing. Appending
// drops whole records from the head until the new one fits, reading only
// their lengths; finding the lines after a cursor hops over lengths too.
#include "logring.h"

#include <stdbool.h>

#include <ftl/error.h>
#include <ftl/syscall.h>

#include "lib/string.h"

#define RECORD_HEADER 2
#define ELLIPSIS "..."
#define ELLIPSIS_LEN 3

_Static_assert(FTL_LOGS_LINE_MAX < 65536, "a length fits the record header");

void logring_init(struct logring *r, uint8_t *data, size_t size,
                  uint64_t first_seq)
{
    r->data = data;
    r->size = size;
    r->head = 0;
    r->used = 0;
    r->first_seq = first_seq;
    r->next_seq = first_seq;
}

// Copies len bytes to ring offset `at`, wrapping at the end.
static void ring_put(struct logring *r, size_t at, const void *src, size_t len)
{
    if (len == 0) {
        return; // src may be NULL then
    }
    size_t first = len < r->size - at ? len : r->size - at;
    memcpy(r->data + at, src, first);
    memcpy(r->data, (const uint8_t *)src + first, len - first);
}

static void ring_get(const struct logring *r, size_t at, void *dst, size_t len)
{
    size_t first = len < r->size - at ? len : r->size - at;
    memcpy(dst, r->data + at, first);
    memcpy((uint8_t *)dst + first, r->data, len - first);
}

static size_t ring_offset(const struct logring *r, size_t at, size_t ahead)
{
    at += ahead;
    return at >= r->size ? at - r->size : at;
}

static size_t record_length(const struct logring *r, size_t at)
{
    uint8_t bytes[RECORD_HEADER];
    ring_get(r, at, bytes, RECORD_HEADER);
    return (size_t)bytes[0] | (size_t)bytes[1] << 8;
}

static void drop_oldest(struct logring *r)
{
    size_t record = RECORD_HEADER + record_length(r, r->head);
    r->head = ring_offset(r, r->head, record);
    r->used -= record;
    r->first_seq++;
}

void logring_append(struct logring *r, const char *prefix, size_t prefix_len,
                    const char *text, size_t text_len)
{
    if (prefix_len > FTL_LOGS_LINE_MAX - ELLIPSIS_LEN) {
        prefix_len = FTL_LOGS_LINE_MAX - ELLIPSIS_LEN;
    }
    bool cut = text_len > FTL_LOGS_LINE_MAX - prefix_len;
    if (cut) {
        text_len = FTL_LOGS_LINE_MAX - prefix_len - ELLIPSIS_LEN;
    }
    size_t len = prefix_len + text_len + (cut ? ELLIPSIS_LEN : 0);
    if (RECORD_HEADER + len > r->size) {
        return; // a ring too small for any line (logring_init's contract)
    }
    while (r->size - r->used < RECORD_HEADER + len) {
        drop_oldest(r);
    }
    uint8_t header[RECORD_HEADER] = {(uint8_t)len, (uint8_t)(len >> 8)};
    size_t at = ring_offset(r, r->head, r->used);
    ring_put(r, at, header, RECORD_HEADER);
    at = ring_offset(r, at, RECORD_HEADER);
    ring_put(r, at, prefix, prefix_len);
    at = ring_offset(r, at, prefix_len);
    ring_put(r, at, text, text_len);
    if (cut) {
        ring_put(r, ring_offset(r, at, text_len), ELLIPSIS, ELLIPSIS_LEN);
    }
    r->used += RECORD_HEADER + len;
    r->next_seq++;
}

size_t logring_format_u64(char *out, uint64_t n)
{
    char digits[20];
    size_t count = 0;
    do {
        digits[count++] = (char)('0' + n % 10);
        n /= 10;
    } while (n != 0);
    for (size_t i = 0; i < count; i++) {
        out[i] = digits[count - 1 - i];
    }
    return count;
}

long logring_read(const struct logring *r, uint64_t cursor, char *out,
                  size_t max, uint64_t *next)
{
    *next = cursor;
    uint64_t seq = r->first_seq;
    size_t at = r->head;
    // Hop over the lines the reader has seen.
    while (seq < r->next_seq && seq <= cursor) {
        at = ring_offset(r, at, RECORD_HEADER + record_length(r, at));
        seq++;
    }
    size_t written = 0;
    for (; seq < r->next_seq; seq++) {
        char number[20];
        size_t digits = logring_format_u64(number, seq);
        size_t len = record_length(r, at);
        size_t entry = digits + 1 + len + 1;
        if (entry > max - written) {
            break;
        }
        memcpy(out + written, number, digits);
        out[written + digits] = ' ';
        at = ring_offset(r, at, RECORD_HEADER);
        ring_get(r, at, out + written + digits + 1, len);
        out[written + entry - 1] = '\n';
        at = ring_offset(r, at, len);
        written += entry;
        *next = seq;
    }
    if (written == 0 && seq < r->next_seq) {
        return FTL_ERR_TOO_LARGE;
    }
    return (long)written;
}
