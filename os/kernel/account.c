// Memory accounts (see account.h).
#include "account.h"

#include "heap.h"
#include "panic.h"

struct memory_account *account_create(uint64_t limit_pages)
{
    struct memory_account *a = heap_alloc(sizeof(*a));
    if (a != NULL) {
        a->refs = 1;
        a->limit_pages = limit_pages;
    }
    return a;
}

void account_get(struct memory_account *a)
{
    a->refs++;
}

void account_put(struct memory_account *a)
{
    ASSERT(a->refs > 0);
    if (--a->refs == 0) {
        ASSERT(a->pages == 0);
        heap_free(a);
    }
}

bool account_charge(struct memory_account *a, uint64_t pages)
{
    if (a == NULL) {
        return true;
    }
    if (a->limit_pages != 0 && pages > a->limit_pages - a->pages) {
        return false;
    }
    a->pages += pages;
    if (a->pages > a->peak_pages) {
        a->peak_pages = a->pages;
    }
    return true;
}

void account_uncharge(struct memory_account *a, uint64_t pages)
{
    if (a != NULL) {
        ASSERT(pages <= a->pages);
        a->pages -= pages;
    }
}
