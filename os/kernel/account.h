// Memory accounts: how many pages a process's vmareas hold, against an
// optional limit (a service's `resources.memory`). Every vmarea made for a
// process is charged to its account: contiguous ones (images, DMA, kernel-
// mode stacks) when created, anonymous ones page by page as pages appear or
// when committed (ftl_vmarea_commit, which malloc uses so that going over the
// limit is a failed allocation, not a fault). A vmarea keeps its account
// alive, so memory handed to another process stays charged to its maker
// until freed. Kernel memory (page tables, kernel objects) is bounded by
// other limits (handles, queue lengths) and charged to no one.
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct memory_account {
    unsigned refs;
    uint64_t pages;       // charged now
    uint64_t limit_pages; // 0: no limit
    uint64_t peak_pages;
};

// A new account with one reference, or NULL when out of memory.
struct memory_account *account_create(uint64_t limit_pages);

void account_get(struct memory_account *a);
void account_put(struct memory_account *a);

// Charges `pages` more; false (and nothing charged) if that would pass the
// limit. A NULL account is kernel memory: always true.
bool account_charge(struct memory_account *a, uint64_t pages);

void account_uncharge(struct memory_account *a, uint64_t pages);
