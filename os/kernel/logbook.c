// The log book's table of rings by name (see logbook.h). Slot 0 is the
// kernel's. A slot's generation changes each time it is given to a name,
// which is how a writer's cached logbook_ref finds out that its ring was
// evicted.
#include "logbook.h"

#include <stdbool.h>

#include <ftl/error.h>
#include <ftl/syscall.h>

#include "lib/string.h"
#include "logring.h"
#include "page.h"

struct logbook_entry {
    char name[FTL_NAME_MAX];
    uint32_t generation; // 0: the slot is free
    uint64_t written;    // the book's append count at its last line
    struct logring ring;
};

static uint8_t kernel_data[LOGBOOK_RING_BYTES];

static struct logbook_entry entries[FTL_LOGS_NAMES_MAX] = {
    [0] = {.name = LOGBOOK_KERNEL,
           .generation = 1,
           .ring = {.data = kernel_data,
                    .size = sizeof(kernel_data),
                    .first_seq = 1,
                    .next_seq = 1}},
};

_Static_assert(LOGBOOK_RING_BYTES == LOGBOOK_RING_PAGES * PAGE_SIZE,
               "a ring is whole pages");

static uint32_t last_generation = 1;
static uint64_t pages;
static uint64_t appends;
// The first number of a new ring: above every number an evicted ring had.
static uint64_t seq_floor = 1;

static struct logbook_entry *find(const char *name)
{
    for (unsigned i = 0; i < FTL_LOGS_NAMES_MAX; i++) {
        if (entries[i].generation != 0 &&
            strncmp(entries[i].name, name, FTL_NAME_MAX) == 0) {
            return &entries[i];
        }
    }
    return NULL;
}

// The ring written least recently, never the kernel's; NULL if none.
static struct logbook_entry *least_recent(void)
{
    struct logbook_entry *oldest = NULL;
    for (unsigned i = 1; i < FTL_LOGS_NAMES_MAX; i++) {
        if (entries[i].generation != 0 &&
            (oldest == NULL || entries[i].written < oldest->written)) {
            oldest = &entries[i];
        }
    }
    return oldest;
}

static struct logbook_entry *free_slot(void)
{
    for (unsigned i = 1; i < FTL_LOGS_NAMES_MAX; i++) {
        if (entries[i].generation == 0) {
            return &entries[i];
        }
    }
    return NULL;
}

static uint8_t *alloc_ring(void)
{
    paddr_t base = page_alloc(LOGBOOK_RING_PAGES, 0);
    if (base == 0) {
        return NULL;
    }
    pages += LOGBOOK_RING_PAGES;
    return page_to_virt(base);
}

// A ring for `name`: a free slot with new memory, or else the least
// recently written ring, emptied.
static struct logbook_entry *create(const char *name)
{
    struct logbook_entry *e = free_slot();
    uint8_t *data = e != NULL ? alloc_ring() : NULL;
    if (data == NULL) {
        e = least_recent();
        if (e == NULL) {
            return NULL;
        }
        data = e->ring.data;
        if (e->ring.next_seq > seq_floor) {
            seq_floor = e->ring.next_seq;
        }
    }
    size_t len = strnlen(name, FTL_NAME_MAX - 1);
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    if (++last_generation == 0) {
        last_generation = 1; // 0 marks a free slot and an unknown ref
    }
    e->generation = last_generation;
    logring_init(&e->ring, data, LOGBOOK_RING_BYTES, seq_floor);
    return e;
}

static struct logbook_entry *lookup_ref(const struct logbook_ref *ref)
{
    if (ref == NULL || ref->generation == 0 ||
        ref->index >= FTL_LOGS_NAMES_MAX ||
        entries[ref->index].generation != ref->generation) {
        return NULL;
    }
    return &entries[ref->index];
}

static struct logbook_entry *ring_of(struct logbook_ref *ref, const char *name)
{
    struct logbook_entry *e = lookup_ref(ref);
    if (e != NULL) {
        return e;
    }
    e = find(name);
    if (e == NULL) {
        e = create(name);
    }
    if (e != NULL && ref != NULL) {
        ref->index = (uint32_t)(e - entries);
        ref->generation = e->generation;
    }
    return e;
}

void logbook_append(struct logbook_ref *ref, const char *name,
                    const char *prefix, size_t prefix_len, const char *text,
                    size_t text_len)
{
    // Interrupts are off, but an NMI or a fault in here would log too: such
    // a line is not kept (the console has it), so a ring is never changed
    // while it is being changed.
    static bool appending;
    if (appending) {
        return;
    }
    appending = true;
    struct logbook_entry *e = ring_of(ref, name);
    if (e != NULL) {
        e->written = ++appends;
        logring_append(&e->ring, prefix, prefix_len, text, text_len);
    }
    appending = false;
}

long logbook_read(const char *name, uint64_t cursor, char *out, size_t max,
                  uint64_t *next)
{
    const struct logbook_entry *e = find(name);
    if (e == NULL) {
        return FTL_ERR_NOT_FOUND;
    }
    return logring_read(&e->ring, cursor, out, max, next);
}

long logbook_list(char *out, size_t max, uint64_t *count)
{
    size_t written = 0;
    *count = 0;
    for (unsigned i = 0; i < FTL_LOGS_NAMES_MAX; i++) {
        const struct logbook_entry *e = &entries[i];
        if (e->generation == 0) {
            continue;
        }
        char number[20];
        size_t digits = logring_format_u64(number, logring_last(&e->ring));
        size_t len = strlen(e->name);
        size_t entry = len + 1 + digits + 1;
        if (entry > max - written) {
            return FTL_ERR_TOO_LARGE;
        }
        memcpy(out + written, e->name, len);
        out[written + len] = ' ';
        memcpy(out + written + len + 1, number, digits);
        out[written + entry - 1] = '\n';
        written += entry;
        (*count)++;
    }
    return (long)written;
}

uint64_t logbook_pages(void)
{
    return pages;
}
