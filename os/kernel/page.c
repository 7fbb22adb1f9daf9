// Physical page allocator. Two bitmaps, one bit per page from page 0 up to
// the highest usable page, describe all of memory: `owned` marks the pages
// this allocator manages and `used` the pages not free (allocated, or not
// ours at all). Allocation looks for a run of clear `used` bits, next-fit
// from where the last one ended, skipping whole 64-page words when they are
// full. Keeping `owned` apart lets page_free refuse a double free or a page
// that was never ours instead of corrupting the map. The bitmaps live in the
// first usable run big enough for them and are reached through the window;
// everything else about the memory map is read once, at page_init.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so nothing here is entered concurrently.
#include "page.h"

#include <stddef.h>

#include <ftl/error.h>

#include "lib/string.h"

#define BITS_PER_WORD 64

static struct phys_window window;
static uint64_t *used;      // bit set: page not free
static uint64_t *owned;     // bit set: page managed here
static uint64_t page_limit; // pages covered by the bitmaps
static uint64_t next_hint;  // where the next search starts
static uint64_t free_pages;
static uint64_t total_pages;

// What page_init subtracts from the usable regions.
struct layout {
    const struct boot_info *info;
    const struct page_range *reserved;
    unsigned reserved_count;
    uint64_t window_pages; // pages wholly inside the window
};

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

// Pages touched by [base, base + size), rounded outwards; false if empty.
static bool pages_touched(uint64_t base, uint64_t size, uint64_t *first,
                          uint64_t *end)
{
    if (size == 0) {
        return false;
    }
    uint64_t last_byte =
        size - 1 > UINT64_MAX - base ? UINT64_MAX : base + size - 1;
    *first = base / PAGE_SIZE;
    *end = last_byte / PAGE_SIZE + 1;
    return true;
}

// Whole pages inside [base, base + size), rounded inwards; false if none.
static bool pages_inside(uint64_t base, uint64_t size, uint64_t *first,
                         uint64_t *end)
{
    uint64_t top = size > UINT64_MAX - base ? UINT64_MAX : base + size;
    *first = base / PAGE_SIZE + (base % PAGE_SIZE != 0);
    *end = top / PAGE_SIZE;
    return *first < *end;
}

// Folds the excluded interval [first, end) into excluded_at's answer for
// `page`: an interval containing it may push *next (the end of the
// exclusion) further; one starting after it may bring *next (the start of
// the next exclusion) closer.
static void consider(uint64_t page, uint64_t first, uint64_t end, bool *inside,
                     uint64_t *next)
{
    if (first <= page && page < end) {
        if (!*inside || end > *next) {
            *next = end;
        }
        *inside = true;
    } else if (!*inside && first > page && first < *next) {
        *next = first;
    }
}

// Is `page` excluded (page 0, a reserved range, a non-usable region)? If so
// *next is where the exclusion around it ends; if not, where the next one
// begins (UINT64_MAX when none does). Quadratic in the number of ranges,
// which is small and only matters at boot.
static bool excluded_at(const struct layout *l, uint64_t page, uint64_t *next)
{
    bool inside = false;
    *next = UINT64_MAX;
    consider(page, 0, 1, &inside, next);
    for (unsigned i = 0; i < l->reserved_count; i++) {
        uint64_t first, end;
        if (pages_touched(l->reserved[i].base, l->reserved[i].size, &first,
                          &end)) {
            consider(page, first, end, &inside, next);
        }
    }
    for (unsigned i = 0; i < l->info->memory_count; i++) {
        const struct boot_memory_region *r = &l->info->memory[i];
        uint64_t first, end;
        if (r->type != BOOT_MEMORY_USABLE &&
            pages_touched(r->base, r->size, &first, &end)) {
            consider(page, first, end, &inside, next);
        }
    }
    return inside;
}

typedef void piece_fn(uint64_t first, uint64_t end, void *arg);

// Calls fn for each run of pages [first, end) the allocator may manage.
// Runs from overlapping usable regions may overlap.
static void for_each_piece(const struct layout *l, piece_fn *fn, void *arg)
{
    for (unsigned i = 0; i < l->info->memory_count; i++) {
        const struct boot_memory_region *r = &l->info->memory[i];
        uint64_t page, last;
        if (r->type != BOOT_MEMORY_USABLE ||
            !pages_inside(r->base, r->size, &page, &last)) {
            continue;
        }
        last = min_u64(last, l->window_pages);
        while (page < last) {
            uint64_t next;
            if (excluded_at(l, page, &next)) {
                page = next;
                continue;
            }
            uint64_t end = min_u64(next, last);
            fn(page, end, arg);
            page = end;
        }
    }
}

// Sets (value true) or clears bits [first, end) of map, a word at a time.
static void bits_write(uint64_t *map, uint64_t first, uint64_t end, bool value)
{
    while (first < end) {
        uint64_t shift = first % BITS_PER_WORD;
        uint64_t n = min_u64(BITS_PER_WORD - shift, end - first);
        uint64_t mask = (n == BITS_PER_WORD ? ~0ULL : (1ULL << n) - 1) << shift;
        if (value) {
            map[first / BITS_PER_WORD] |= mask;
        } else {
            map[first / BITS_PER_WORD] &= ~mask;
        }
        first += n;
    }
}

// True if bits [first, end) of map all equal value.
static bool bits_all(const uint64_t *map, uint64_t first, uint64_t end,
                     bool value)
{
    while (first < end) {
        uint64_t shift = first % BITS_PER_WORD;
        uint64_t n = min_u64(BITS_PER_WORD - shift, end - first);
        uint64_t mask = (n == BITS_PER_WORD ? ~0ULL : (1ULL << n) - 1) << shift;
        uint64_t bits = map[first / BITS_PER_WORD] & mask;
        if (bits != (value ? mask : 0)) {
            return false;
        }
        first += n;
    }
    return true;
}

// No popcount builtin: without -mpopcnt it calls libgcc, which the kernel
// does not link.
static uint64_t bits_count(const uint64_t *map, uint64_t words)
{
    uint64_t count = 0;
    for (uint64_t i = 0; i < words; i++) {
        for (uint64_t w = map[i]; w != 0; w &= w - 1) {
            count++;
        }
    }
    return count;
}

static void note_limit(uint64_t first, uint64_t end, void *arg)
{
    (void)first;
    uint64_t *limit = arg;
    if (end > *limit) {
        *limit = end;
    }
}

struct metadata_search {
    uint64_t pages; // wanted
    uint64_t first; // found; 0 while not found (page 0 is never usable)
};

static void find_metadata_room(uint64_t first, uint64_t end, void *arg)
{
    struct metadata_search *s = arg;
    if (s->first == 0 && end - first >= s->pages) {
        s->first = first;
    }
}

static void take_piece(uint64_t first, uint64_t end, void *arg)
{
    (void)arg;
    bits_write(owned, first, end, true);
    bits_write(used, first, end, false);
}

int page_init(const struct phys_window *phys, const struct boot_info *info,
              const struct page_range *reserved, unsigned reserved_count)
{
    window = *phys;
    used = owned = NULL;
    page_limit = next_hint = free_pages = total_pages = 0;
    struct layout l = {info, reserved, reserved_count, phys->limit / PAGE_SIZE};

    uint64_t limit = 0;
    for_each_piece(&l, note_limit, &limit);
    uint64_t words = (limit + BITS_PER_WORD - 1) / BITS_PER_WORD;
    uint64_t bytes = 2 * words * sizeof(uint64_t);
    struct metadata_search room = {(bytes + PAGE_SIZE - 1) / PAGE_SIZE, 0};
    for_each_piece(&l, find_metadata_room, &room);
    if (limit == 0 || room.first == 0) {
        return FTL_ERR_NO_MEMORY;
    }

    used = page_to_virt(room.first * PAGE_SIZE);
    owned = used + words;
    memset(used, 0xff, words * sizeof(uint64_t));
    memset(owned, 0, words * sizeof(uint64_t));
    page_limit = limit;
    for_each_piece(&l, take_piece, NULL);
    bits_write(owned, room.first, room.first + room.pages, false);
    bits_write(used, room.first, room.first + room.pages, true);
    total_pages = bits_count(owned, words);
    free_pages = total_pages;
    return 0;
}

// First page of a free run of `count` pages starting in [start, end), or 0.
// Full words are skipped and empty ones taken whole.
static uint64_t find_run(uint64_t start, uint64_t end, uint64_t count)
{
    uint64_t run = 0;
    uint64_t i = start;
    while (i < end) {
        uint64_t word = used[i / BITS_PER_WORD];
        bool whole = i % BITS_PER_WORD == 0 && end - i >= BITS_PER_WORD;
        if (whole && word == ~0ULL) {
            run = 0;
            i += BITS_PER_WORD;
        } else if (whole && word == 0) {
            if (run + BITS_PER_WORD >= count) {
                return i - run;
            }
            run += BITS_PER_WORD;
            i += BITS_PER_WORD;
        } else if ((word >> (i % BITS_PER_WORD)) & 1) {
            run = 0;
            i++;
        } else if (++run == count) {
            return i + 1 - count;
        } else {
            i++;
        }
    }
    return 0;
}

paddr_t page_alloc_below(unsigned count, unsigned flags, uint64_t limit)
{
    uint64_t end = min_u64(limit / PAGE_SIZE, page_limit);
    if (count == 0 || count > end) {
        return 0;
    }
    uint64_t start = next_hint < end ? next_hint : 0;
    uint64_t first = find_run(start, end, count);
    if (first == 0 && start > 0) {
        // Wrap around: only runs starting before `start` are left.
        first = find_run(0, min_u64(end, start + count - 1), count);
    }
    if (first == 0) {
        return 0;
    }
    bits_write(used, first, first + count, true);
    free_pages -= count;
    next_hint = first + count;
    paddr_t base = first * PAGE_SIZE;
    if (flags & PAGE_ZERO) {
        memset(page_to_virt(base), 0, (size_t)count * PAGE_SIZE);
    }
    return base;
}

paddr_t page_alloc(unsigned count, unsigned flags)
{
    return page_alloc_below(count, flags, UINT64_MAX);
}

bool page_free(paddr_t base, unsigned count)
{
    uint64_t first = base / PAGE_SIZE;
    if (count == 0 || base % PAGE_SIZE != 0 || first >= page_limit ||
        count > page_limit - first) {
        return false;
    }
    uint64_t end = first + count;
    if (!bits_all(owned, first, end, true) ||
        !bits_all(used, first, end, true)) {
        return false;
    }
    bits_write(used, first, end, false);
    free_pages += count;
    return true;
}

void *page_to_virt(paddr_t p)
{
    return (void *)(uintptr_t)(p + window.offset);
}

paddr_t page_from_virt(const void *v)
{
    return (paddr_t)((uintptr_t)v - window.offset);
}

uint64_t page_free_count(void)
{
    return free_pages;
}

uint64_t page_total_count(void)
{
    return total_pages;
}
