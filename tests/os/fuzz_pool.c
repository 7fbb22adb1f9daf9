// The fuzzer's generator and argument pools (see fuzz_pool.h). The
// generator is splitmix64: one 64-bit state, so a seed names a run. The
// only memory the kernel is ever given to write is the scratch mapping,
// which has unmapped pages on both sides: a copy running past its end stops
// at a fault the kernel recovers from instead of overwriting the fuzzer.
#include "fuzz_pool.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/vmarea.h>

#define GIB (1ULL << 30)
#define SLOT_SIZE (64 * GIB) // a kernel-mode process's slot

static const char read_only_text[] = "read-only data of the fuzzer";

void fuzz_seed(struct fuzz_pool *pool, uint64_t seed)
{
    pool->state = seed;
}

uint64_t fuzz_next(struct fuzz_pool *pool)
{
    uint64_t z = (pool->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t fuzz_below(struct fuzz_pool *pool, uint64_t n)
{
    return fuzz_next(pool) % n;
}

bool fuzz_one_in(struct fuzz_pool *pool, uint64_t n)
{
    return fuzz_below(pool, n) == 0;
}

int fuzz_pool_init(struct fuzz_pool *pool, uint64_t seed)
{
    *pool = (struct fuzz_pool){0};
    fuzz_seed(pool, seed);
    pool->scratch_area = ftl_vmarea_create(FUZZ_SCRATCH_SIZE);
    if (pool->scratch_area < 0) {
        return pool->scratch_area;
    }
    int err = 0;
    pool->scratch = ftl_vmarea_map(pool->scratch_area,
                                   FTL_PROT_READ | FTL_PROT_WRITE, &err);
    if (pool->scratch == NULL) {
        return err;
    }
    pool->scratch_size = FUZZ_SCRATCH_SIZE;
    // Touched now, so that its pages are there before the counters are
    // taken (they are demand-zero).
    memset(pool->scratch, 0, pool->scratch_size);
    pool->own_base = ftl_start_info->image_base;
    // Handles so far fill the lowest slots, each of generation 1.
    struct ftl_system_stats stats;
    ftl_system_stats(&stats);
    pool->own_handles = stats.handles;
    return 0;
}

bool fuzz_handle_is_own(const struct fuzz_pool *pool, int64_t h)
{
    uint32_t value = (uint32_t)h;
    return value >> 16 == 1 && (value & 0xffff) < pool->own_handles;
}

int64_t fuzz_handle(struct fuzz_pool *pool, enum fuzz_kind kind,
                    bool *stale_or_bad)
{
    *stale_or_bad = false;
    if (pool->sane && pool->handle_count > 0) {
        unsigned start = (unsigned)fuzz_below(pool, pool->handle_count);
        for (unsigned i = 0; i < pool->handle_count; i++) {
            unsigned at = (start + i) % pool->handle_count;
            if (kind == FUZZ_ANY || pool->kinds[at] == kind) {
                return pool->handles[at];
            }
        }
    }
    uint64_t pick = fuzz_below(pool, 100);
    if (pick < 65 && pool->handle_count > 0) {
        unsigned start = (unsigned)fuzz_below(pool, pool->handle_count);
        for (unsigned i = 0;
             kind != FUZZ_ANY && fuzz_one_in(pool, 2) && i < pool->handle_count;
             i++) {
            unsigned at = (start + i) % pool->handle_count;
            if (pool->kinds[at] == kind) {
                return pool->handles[at];
            }
        }
        return pool->handles[start];
    }
    if (pick < 80 && pool->stale_count > 0) {
        // Not `bad`: a slot's generation wraps, so after long enough a
        // stale value may name a live handle again.
        return pool->stale[fuzz_below(pool, pool->stale_count)];
    }
    static const int64_t odd[] = {0,       -1,         1,         2,
                                  3,       0x7fffffff, INT32_MIN, 0xffff,
                                  0x10000, 1 << 20,    -4096,     INT64_MIN};
    if (pick < 90) {
        int64_t h = odd[fuzz_below(pool, sizeof(odd) / sizeof(*odd))];
        *stale_or_bad = h <= 0;
        return h;
    }
    return pick < 95 ? (int64_t)(uint32_t)fuzz_next(pool)
                     : (int64_t)fuzz_next(pool);
}

uint64_t fuzz_bad_address(struct fuzz_pool *pool)
{
    static const uint64_t fixed[] = {
        0,
        1,
        0x1000,
        0x00007ffffffff000ULL, // the last user page, not mapped
        0x0000800000000000ULL, // first non-canonical
        0x8000000000000000ULL,
        0xfffffffffffff000ULL,
        0xffffffff80000000ULL, // kernel image
        0xffffffff80100000ULL,
        0xffffff8000000000ULL, // direct map: all of physical memory
        0xffffff8000100000ULL,
        0xffffffff90000000ULL, // kernel stacks
        0xfffff00000000000ULL, // MMIO
        0xffffc00000000000ULL, // the first kernel-mode slot
        0x500000000000ULL,     // user half, never mapped
    };
    uint64_t pick = fuzz_below(pool, 10);
    uint64_t page = fuzz_below(pool, 4096) * 4096;
    if (pick < 5) {
        return fixed[fuzz_below(pool, sizeof(fixed) / sizeof(*fixed))] +
               (fuzz_one_in(pool, 2) ? 0 : fuzz_below(pool, 1 << 20));
    }
    if (pick < 7) {
        // The neighbouring slots: another kernel-mode process, in kernel
        // mode; plain unmapped user memory in user mode.
        return pool->own_base +
               (fuzz_one_in(pool, 2) ? SLOT_SIZE : -SLOT_SIZE) + page;
    }
    if (pick < 8) {
        // The unmapped pages just around scratch.
        return fuzz_one_in(pool, 2)
                   ? (uint64_t)pool->scratch - 4096 + fuzz_below(pool, 4096)
                   : (uint64_t)pool->scratch + pool->scratch_size +
                         fuzz_below(pool, 4096);
    }
    return fuzz_next(pool);
}

uint64_t fuzz_address(struct fuzz_pool *pool, bool *writable)
{
    *writable = false;
    if (pool->sane) {
        *writable = true;
        return (uint64_t)pool->scratch +
               (fuzz_below(pool, pool->scratch_size - 8192) & ~7ULL);
    }
    uint64_t pick = fuzz_below(pool, 100);
    if (pick < 45) {
        *writable = true;
        uint64_t offset = fuzz_below(pool, pool->scratch_size);
        if (fuzz_one_in(pool, 2)) {
            offset &= ~7ULL;
        }
        if (fuzz_one_in(pool, 4)) {
            offset = pool->scratch_size - 1 - fuzz_below(pool, 64);
        }
        return (uint64_t)pool->scratch + offset;
    }
    if (pick < 52) {
        // Its own code: readable, never writable.
        return (uint64_t)fuzz_next + fuzz_below(pool, 256);
    }
    if (pick < 57) {
        return (uint64_t)read_only_text +
               fuzz_below(pool, sizeof(read_only_text));
    }
    if (pick < 60) {
        return (uint64_t)ftl_start_info; // read-only start-up information
    }
    if (pick < 63 && pool->map_count > 0) {
        return pool->maps[fuzz_below(pool, pool->map_count)] +
               fuzz_below(pool, 8192);
    }
    return fuzz_bad_address(pool);
}

uint64_t fuzz_size(struct fuzz_pool *pool)
{
    static const uint64_t fixed[] = {
        0,
        1,
        7,
        8,
        56,
        64,
        4095,
        4096,
        4097,
        8192,
        65536,
        1ULL << 20,
        1ULL << 30,
        1ULL << 31,
        1ULL << 32,
        1ULL << 40,
        1ULL << 62,
        UINT64_MAX,
        UINT64_MAX - 4095,
        (uint64_t)INT64_MAX,
    };
    if (pool->sane) {
        return fuzz_one_in(pool, 2) ? fuzz_below(pool, 64)
                                    : fuzz_below(pool, 4097);
    }
    uint64_t pick = fuzz_below(pool, 10);
    if (pick < 4) {
        return fuzz_below(pool, 8192);
    }
    if (pick < 9) {
        return fixed[fuzz_below(pool, sizeof(fixed) / sizeof(*fixed))];
    }
    return fuzz_next(pool);
}

void *fuzz_scratch(struct fuzz_pool *pool, uint64_t len)
{
    uint64_t offset = fuzz_below(pool, pool->scratch_size - len + 1);
    return pool->scratch + (fuzz_one_in(pool, 4) ? offset : offset & ~7ULL);
}

bool fuzz_in_scratch(const struct fuzz_pool *pool, uint64_t address,
                     uint64_t len)
{
    uint64_t base = (uint64_t)pool->scratch;
    return address >= base && len <= pool->scratch_size &&
           address - base <= pool->scratch_size - len;
}

static void forget(struct fuzz_pool *pool, unsigned at)
{
    pool->handle_count--;
    pool->handles[at] = pool->handles[pool->handle_count];
    pool->kinds[at] = pool->kinds[pool->handle_count];
}

static void remember_stale(struct fuzz_pool *pool, ftl_handle_t h)
{
    pool->stale[pool->stale_next] = h;
    pool->stale_next = (pool->stale_next + 1) % FUZZ_STALE_MAX;
    if (pool->stale_count < FUZZ_STALE_MAX) {
        pool->stale_count++;
    }
}

static bool remove_handle(struct fuzz_pool *pool, ftl_handle_t h)
{
    for (unsigned i = 0; i < pool->handle_count; i++) {
        if (pool->handles[i] == h) {
            forget(pool, i);
            remember_stale(pool, h);
            return true;
        }
    }
    return false;
}

static void report(struct fuzz_pool *peer, ftl_handle_t h, int32_t kind)
{
    uint64_t at = peer->ring_written % FUZZ_RING_MAX;
    peer->ring[at].handle = h;
    peer->ring[at].kind = kind;
    peer->ring_written++;
}

void fuzz_handle_closed(struct fuzz_pool *pool, ftl_handle_t h)
{
    if (remove_handle(pool, h) && pool->peer != NULL) {
        report(pool->peer, h, -1);
    }
}

void fuzz_pool_drain(struct fuzz_pool *pool)
{
    uint64_t written = pool->ring_written;
    if (written - pool->ring_read > FUZZ_RING_MAX) {
        pool->ring_read = written - FUZZ_RING_MAX; // some were lost
    }
    for (; pool->ring_read < written; pool->ring_read++) {
        uint64_t at = pool->ring_read % FUZZ_RING_MAX;
        if (pool->ring[at].kind < 0) {
            remove_handle(pool, pool->ring[at].handle);
        } else {
            fuzz_handle_add(pool, pool->ring[at].handle,
                            (enum fuzz_kind)pool->ring[at].kind);
        }
    }
}

void fuzz_handle_add(struct fuzz_pool *pool, ftl_handle_t h,
                     enum fuzz_kind kind)
{
    if (pool->peer != NULL) {
        report(pool->peer, h, (int32_t)kind);
        return;
    }
    if (pool->handle_count == FUZZ_HANDLES_MAX) {
        unsigned at = (unsigned)fuzz_below(pool, pool->handle_count);
        ftl_handle_t old = pool->handles[at];
        ftl_handle_close(old);
        forget(pool, at);
        remember_stale(pool, old);
    }
    pool->handles[pool->handle_count] = h;
    pool->kinds[pool->handle_count] = kind;
    pool->handle_count++;
}

void fuzz_pool_release(struct fuzz_pool *pool)
{
    fuzz_pool_drain(pool);
    while (pool->handle_count > 0) {
        ftl_handle_t h = pool->handles[0];
        ftl_handle_close(h);
        fuzz_handle_closed(pool, h);
    }
    for (unsigned i = 0; i < pool->map_count; i++) {
        ftl_vmarea_unmap((void *)pool->maps[i]);
    }
    pool->map_count = 0;
}
