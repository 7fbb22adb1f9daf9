// Processes: an address space, a handle table and threads.
//
// A process runs in user mode (its own address space, ring 3) or in kernel
// mode (a slot of the kernel's address space, ring 0, system calls are
// function calls). Exit and kill release its handles at once and its memory
// once its last thread is off the CPU; the process object itself lives on
// while someone holds a handle to it (to read its exit status).
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <ftl/syscall.h>

#include "handle.h"
#include "logbook.h"
#include "object.h"
#include "thread.h"
#include "vm.h"

enum process_state {
    PROCESS_RUNNING,
    PROCESS_EXITED,
};

struct process {
    struct object object;
    uint32_t id;
    char name[FTL_NAME_MAX];
    bool kernel_mode;
    bool wasm;      // a wasm service: kernel mode, its program checked to be
                    // the wasm pipeline's (reported as FTL_ISOLATION_WASM)
    bool may_spawn; // holds the right to create processes
    bool may_grant; // holds the right to hand out devices (pci, ioport)
    enum process_state state;
    int exit_status;
    int slot;            // kernel-mode slot, -1 for user processes
    uint64_t image_base; // where its program is loaded (0 until the loader
    uint64_t image_size; // has loaded it), and the bytes it spans
    struct address_space space;
    struct handle_table handles;
    struct thread *threads;
    unsigned thread_count;
    struct thread *waiters; // threads in process_wait()
    uint8_t *io_bitmap;     // I/O permission bitmap of a user process
                            // with ports (ioport.h); NULL: no ports
    // Its ring of console lines in the log book, once known.
    struct logbook_ref log_ref;
};

// The kernel-mode process in each slot (NULL: a free slot). Nothing in the
// kernel reads it: it is for debuggers, which cannot otherwise learn where a
// kernel-mode program was loaded (the gdb script of `ftl run --gdb` walks
// it; docs/guides/debugging.md).
extern struct process *process_slots[];

// An empty process (no threads) whose memory may grow to memory_limit bytes
// (0: no limit; see account.h) and that may hold handles_max handles (0:
// HANDLE_TABLE_MAX_DEFAULT). NULL when out of memory or, for kernel mode,
// out of slots.
struct process *process_create(const char *name, bool kernel_mode,
                               uint64_t memory_limit, unsigned handles_max);

// Adds t to p and makes it runnable.
void process_start_thread(struct process *p, struct thread *t);

// Ends p with `status`: every thread but the caller's stops, handles are
// closed, waiters are woken. Idempotent. The caller, if it is a thread of p,
// must then call sched_exit_current().
void process_exit(struct process *p, int status);

// Logs "process NAME killed: KIND at ADDRESS (rip RIP, MODE mode)", plus
// ", program offset OFFSET" when RIP is in its program, and ends the
// running thread's process p with FTL_EXIT_KILLED.
__attribute__((noreturn)) void process_kill_for_fault(struct process *p,
                                                      const char *kind,
                                                      uint64_t address,
                                                      uint64_t rip);

// Blocks until p has exited or deadline_ns passes (0: no deadline).
// Returns the exit status or FTL_ERR_TIMED_OUT.
long process_wait(struct process *p, uint64_t deadline_ns);

// Frees the address space (and kernel-mode slot) of an exited process whose
// threads are all gone.
void process_release_memory(struct process *p);

// Called by the scheduler's reaper when a thread of p is gone for good;
// the last one releases the address space.
void process_thread_reaped(struct process *p, struct thread *t);
