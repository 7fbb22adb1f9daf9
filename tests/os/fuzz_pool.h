// The system call fuzzer's raw material (tests/os/syscall_fuzz.c): a seeded
// generator, so that a run is reproduced from its seed, and the pools its
// arguments are drawn from. Handles it made (by kind), handles it closed
// (stale), addresses of every kind a process can name (its scratch buffer,
// its own code and read-only data, NULL, the kernel half, non-canonical,
// unmapped), and sizes from zero to wrapping ones.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/handle.h>

enum fuzz_kind {
    FUZZ_ANY,
    FUZZ_CHANNEL,
    FUZZ_SINK,
    FUZZ_TIMER,
    FUZZ_VMAREA,
    FUZZ_PROCESS,
    FUZZ_THREAD,
    FUZZ_DEVICE,
    FUZZ_IOPORT,
    FUZZ_INTERRUPT,
};

#define FUZZ_HANDLES_MAX 128 // live handles it keeps; past that, it closes
#define FUZZ_STALE_MAX 64
#define FUZZ_MAPS_MAX 16
#define FUZZ_SCRATCH_SIZE (256 * 1024)
#define FUZZ_RING_MAX 1024 // handles a racing thread made or closed, unseen

struct fuzz_pool {
    uint64_t state; // the generator's
    ftl_handle_t handles[FUZZ_HANDLES_MAX];
    enum fuzz_kind kinds[FUZZ_HANDLES_MAX];
    unsigned handle_count;
    ftl_handle_t stale[FUZZ_STALE_MAX];
    unsigned stale_count, stale_next;
    uint64_t maps[FUZZ_MAPS_MAX]; // addresses of vmareas it mapped
    unsigned map_count;
    uint8_t *scratch; // what the kernel may write: a mapping of its own
    uint64_t scratch_size;
    uint64_t own_base; // the process's image (its slot, in kernel mode)
    ftl_handle_t scratch_area;
    unsigned own_handles; // slots its runtime and scratch held at the start
    bool sane; // this call's arguments are of their own class and valid
    ftl_handle_t request_channel; // where it last took a READ or WRITE in
    uint64_t request_id;          // and that request's id
    // A racing thread's pool names the main one as its peer: it works on
    // copies of the main pool's handles, hands the ones it makes to the
    // main pool (which closes them in the end) and tells it those it closed
    // or sent away. One ring of events, written by the racer only.
    struct fuzz_pool *peer;
    struct {
        ftl_handle_t handle;
        int32_t kind; // of a handle made; -1: closed
    } ring[FUZZ_RING_MAX];
    volatile uint64_t ring_written;
    uint64_t ring_read;
};

// Starts the generator at seed (any value).
void fuzz_seed(struct fuzz_pool *pool, uint64_t seed);
uint64_t fuzz_next(struct fuzz_pool *pool);
// A value below n (n > 0).
uint64_t fuzz_below(struct fuzz_pool *pool, uint64_t n);
// True one time in n.
bool fuzz_one_in(struct fuzz_pool *pool, uint64_t n);

// Maps the scratch buffer; 0 or an FTL_ERR_* code.
int fuzz_pool_init(struct fuzz_pool *pool, uint64_t seed);

// A handle argument: mostly one it holds (of `kind` when it has one, half
// the time), else stale, small, negative or random. *stale_or_bad tells
// that it cannot be a live handle (so a long time-out cannot block).
int64_t fuzz_handle(struct fuzz_pool *pool, enum fuzz_kind kind,
                    bool *stale_or_bad);
// An address of any class; *writable tells that it lies in scratch.
uint64_t fuzz_address(struct fuzz_pool *pool, bool *writable);
// An address the kernel must refuse (never one it could copy from).
uint64_t fuzz_bad_address(struct fuzz_pool *pool);
// A size: small, a page and one more, the message limit, huge, all ones.
uint64_t fuzz_size(struct fuzz_pool *pool);
// A pointer into scratch with room for `len` bytes.
void *fuzz_scratch(struct fuzz_pool *pool, uint64_t len);
bool fuzz_in_scratch(const struct fuzz_pool *pool, uint64_t address,
                     uint64_t len);

// Whether h may be one of the handles the process held before fuzzing (its
// heap, scratch): those are never closed or sent away.
bool fuzz_handle_is_own(const struct fuzz_pool *pool, int64_t h);

// Handle bookkeeping: a handle it made, one it closed, one that moved away
// in a message. fuzz_handle_add makes room by closing one if it is full.
void fuzz_handle_add(struct fuzz_pool *pool, ftl_handle_t h,
                     enum fuzz_kind kind);
void fuzz_handle_closed(struct fuzz_pool *pool, ftl_handle_t h);
// Takes in what its peer reported: handles made, handles gone.
void fuzz_pool_drain(struct fuzz_pool *pool);
// Closes every handle it holds and unmaps what it mapped.
void fuzz_pool_release(struct fuzz_pool *pool);
