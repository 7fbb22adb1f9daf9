// The log book: a ring of recent lines (logring.h) per name, for processes
// (their name at spawn: a service's name, which its restarts reuse, so the
// lines before a crash stay) and for the kernel ("kernel"). Each line is
// kept as the console shows it. At most FTL_LOGS_NAMES_MAX names: a new one
// past that takes the ring written least recently (never the kernel's).
// Its numbering starts above every number an evicted ring had reached, so
// a cursor never goes back for a name that is evicted and comes again.
//
// The kernel's ring is static, so it holds the boot lines from the first;
// the others are pages taken on a name's first line and kept (reused on
// eviction, never freed; FTL_SYS_SYSTEM_STATS counts them apart, so leak
// checks can tell them from a leak). Like the heap, no locks: the kernel
// runs with interrupts off, so nothing here is entered concurrently.
#pragma once

#include <stddef.h>
#include <stdint.h>

// Each ring: 16 KiB, contiguous pages.
#define LOGBOOK_RING_PAGES 4
#define LOGBOOK_RING_BYTES (LOGBOOK_RING_PAGES * 4096)

#define LOGBOOK_KERNEL "kernel"

// Where a writer's ring was last time (struct process keeps one), so that
// a process's lines need no search by name. All zero: not known yet.
struct logbook_ref {
    uint32_t index;
    uint32_t generation;
};

// Appends a line (prefix, then text; see logring_append) to the ring of
// `name`, making one if needed. ref may be NULL. When no ring can be had
// (the heap is out and no ring may be evicted), the line is not kept.
void logbook_append(struct logbook_ref *ref, const char *name,
                    const char *prefix, size_t prefix_len, const char *text,
                    size_t text_len);

// Lines of `name` after cursor into out[max] (logring_read). Returns the
// bytes, FTL_ERR_NOT_FOUND (no ring of that name) or FTL_ERR_TOO_LARGE.
long logbook_read(const char *name, uint64_t cursor, char *out, size_t max,
                  uint64_t *next);

// Writes "NAME LAST\n" for each ring (the kernel's first, then by slot),
// LAST being its last line's number. Returns the bytes and sets *count to
// the names, or FTL_ERR_TOO_LARGE when the list does not fit in max
// (FTL_LOGS_LIST_MAX always does).
long logbook_list(char *out, size_t max, uint64_t *count);

// Pages held by rings (the kernel's static one not counted).
uint64_t logbook_pages(void);
