// Kernel heap. Requests up to 2048 bytes go to size classes (16, 32, ...,
// 2048 bytes); each class carves one-page slabs into equal slots. A slab
// starts with its header (a magic number, its class, a bitmap of used slots
// and the links of its class's list of slabs with a free slot), so freeing
// finds it by rounding the pointer down to its page. A slab whose last slot
// is freed goes straight back to the page allocator: no cache, so the free
// page count after freeing everything is exactly what it was before, which
// the leak checks rely on. Bigger requests get whole contiguous pages whose
// first 16 bytes record the page count. Both kinds of page start with a
// magic number, which is how heap_free tells them apart and catches most bad
// frees.
//
// No locks yet: the kernel runs with one big lock (interrupts off while in
// the kernel), so nothing here is entered concurrently.
#include "heap.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"
#include "page.h"

#define HEAP_ALIGN 16
#define CLASS_MIN_SHIFT 4 // 16 bytes
#define CLASS_COUNT 8     // up to 16 << 7 = 2048 bytes
#define CLASS_SIZE_MAX (1 << (CLASS_MIN_SHIFT + CLASS_COUNT - 1))
#define SLOTS_MAX (PAGE_SIZE >> CLASS_MIN_SHIFT)
#define SLAB_MAGIC 0x51ab0001u
#define LARGE_MAGIC 0x1a7e0001u

struct slab {
    uint32_t magic; // SLAB_MAGIC; first, like in struct large
    uint16_t class_index;
    uint16_t in_use;
    uint16_t capacity;
    struct slab *next; // in partial[class_index] while a slot is free
    struct slab *prev;
    uint64_t slots[SLOTS_MAX / 64]; // bit set: slot in use (or past the end)
};

struct large {
    uint32_t magic; // LARGE_MAGIC
    uint32_t pages;
    uint64_t unused; // keeps the block 16-byte aligned
};

#define SLAB_DATA_OFFSET                                                       \
    ((sizeof(struct slab) + HEAP_ALIGN - 1) / HEAP_ALIGN * HEAP_ALIGN)

_Static_assert(sizeof(struct large) == HEAP_ALIGN, "large header size");
_Static_assert(SLAB_DATA_OFFSET + CLASS_SIZE_MAX <= PAGE_SIZE,
               "the biggest class fits a slab");
_Static_assert(HEAP_ALLOC_MAX / PAGE_SIZE < UINT32_MAX, "page count fits");

static struct slab *partial[CLASS_COUNT];
static struct heap_stats stats;

static size_t class_size(unsigned class_index)
{
    return (size_t)1 << (CLASS_MIN_SHIFT + class_index);
}

static unsigned class_for(size_t size)
{
    unsigned c = 0;
    while (class_size(c) < size) {
        c++;
    }
    return c;
}

static void list_push(struct slab *s)
{
    struct slab **head = &partial[s->class_index];
    s->prev = NULL;
    s->next = *head;
    if (*head != NULL) {
        (*head)->prev = s;
    }
    *head = s;
}

static void list_remove(struct slab *s)
{
    if (s->prev != NULL) {
        s->prev->next = s->next;
    } else {
        partial[s->class_index] = s->next;
    }
    if (s->next != NULL) {
        s->next->prev = s->prev;
    }
    s->next = s->prev = NULL;
}

static struct slab *slab_create(unsigned class_index)
{
    paddr_t page = page_alloc(1, 0);
    if (page == 0) {
        return NULL;
    }
    struct slab *s = page_to_virt(page);
    memset(s, 0, sizeof(*s));
    s->magic = SLAB_MAGIC;
    s->class_index = (uint16_t)class_index;
    s->capacity =
        (uint16_t)((PAGE_SIZE - SLAB_DATA_OFFSET) / class_size(class_index));
    // Slots past the end look used, so the search never picks them.
    for (unsigned i = s->capacity; i < SLOTS_MAX; i++) {
        s->slots[i / 64] |= 1ULL << (i % 64);
    }
    stats.pages++;
    return s;
}

static void slab_destroy(struct slab *s)
{
    s->magic = 0; // a stale free into this page is then refused
    page_free(page_from_virt(s), 1);
    stats.pages--;
}

// The lowest free slot; the slab has one.
static unsigned slab_take_slot(struct slab *s)
{
    unsigned word = 0;
    while (s->slots[word] == ~0ULL) {
        word++;
    }
    unsigned bit = (unsigned)__builtin_ctzll(~s->slots[word]);
    s->slots[word] |= 1ULL << bit;
    return word * 64 + bit;
}

static void *small_alloc(size_t size)
{
    unsigned c = class_for(size);
    struct slab *s = partial[c];
    if (s == NULL) {
        s = slab_create(c);
        if (s == NULL) {
            return NULL;
        }
        list_push(s);
    }
    unsigned slot = slab_take_slot(s);
    if (++s->in_use == s->capacity) {
        list_remove(s);
    }
    void *ptr = (char *)s + SLAB_DATA_OFFSET + slot * class_size(c);
    memset(ptr, 0, class_size(c));
    stats.bytes_in_use += class_size(c);
    return ptr;
}

static void *large_alloc(size_t size)
{
    size_t pages = (size + sizeof(struct large) + PAGE_SIZE - 1) / PAGE_SIZE;
    paddr_t base = page_alloc((unsigned)pages, PAGE_ZERO);
    if (base == 0) {
        return NULL;
    }
    struct large *l = page_to_virt(base);
    l->magic = LARGE_MAGIC;
    l->pages = (uint32_t)pages;
    stats.pages += pages;
    stats.bytes_in_use += pages * PAGE_SIZE;
    return l + 1;
}

void *heap_alloc(size_t size)
{
    if (size == 0 || size > HEAP_ALLOC_MAX) {
        return NULL;
    }
    void *ptr = size <= CLASS_SIZE_MAX ? small_alloc(size) : large_alloc(size);
    if (ptr != NULL) {
        stats.allocations++;
    }
    return ptr;
}

static bool small_free(struct slab *s, uintptr_t addr)
{
    size_t size = class_size(s->class_index);
    uintptr_t offset = addr - (uintptr_t)s;
    if (offset < SLAB_DATA_OFFSET || (offset - SLAB_DATA_OFFSET) % size) {
        return false;
    }
    unsigned slot = (unsigned)((offset - SLAB_DATA_OFFSET) / size);
    uint64_t bit = 1ULL << (slot % 64);
    if (slot >= s->capacity || !(s->slots[slot / 64] & bit)) {
        return false;
    }
    bool was_full = s->in_use == s->capacity;
    s->slots[slot / 64] &= ~bit;
    s->in_use--;
    stats.bytes_in_use -= size;
    if (s->in_use == 0) {
        if (!was_full) {
            list_remove(s);
        }
        slab_destroy(s);
    } else if (was_full) {
        list_push(s);
    }
    return true;
}

static bool large_free(struct large *l, uintptr_t addr)
{
    if (addr != (uintptr_t)(l + 1)) {
        return false;
    }
    uint32_t pages = l->pages;
    l->magic = 0; // so that freeing it again is refused
    if (!page_free(page_from_virt(l), pages)) {
        return false;
    }
    stats.pages -= pages;
    stats.bytes_in_use -= (size_t)pages * PAGE_SIZE;
    return true;
}

void heap_free(void *ptr)
{
    if (ptr == NULL) {
        return;
    }
    // Round the physical address, so the window offset need not be aligned.
    paddr_t page = page_from_virt(ptr) & ~(paddr_t)(PAGE_SIZE - 1);
    void *head = page_to_virt(page);
    uint32_t magic = *(const uint32_t *)head;
    bool freed = false;
    if (magic == SLAB_MAGIC) {
        freed = small_free(head, (uintptr_t)ptr);
    } else if (magic == LARGE_MAGIC) {
        freed = large_free(head, (uintptr_t)ptr);
    }
    if (freed) {
        stats.allocations--;
    } else {
        stats.invalid_frees++;
    }
}

void heap_get_stats(struct heap_stats *out)
{
    *out = stats;
}
