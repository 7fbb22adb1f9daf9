// Threads: the schedulable contexts of processes (and the kernel's idle
// thread).
//
// A thread of a user process has a kernel stack in the kernel's stack area
// (one slot each, guard page below) and a user stack in its process. A
// thread of a kernel-mode process runs in ring 0 on a stack in its process's
// slot; interrupts and system calls use that same stack.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "object.h"

#define THREAD_PRIORITIES 8
#define THREAD_PRIORITY_DEFAULT 4
#define THREAD_KERNEL_STACK_SIZE (16 * 1024)
#define THREAD_USER_STACK_SIZE (256 * 1024)
#define THREAD_KERNEL_MODE_STACK_SIZE (64 * 1024)

enum thread_state {
    THREAD_READY,
    THREAD_RUNNING,
    THREAD_BLOCKED,
    THREAD_DEAD,
};

struct process;
struct vmarea;

struct thread {
    struct object object;
    uint32_t id;
    struct process *process; // NULL for kernel threads
    enum thread_state state;
    unsigned priority; // 0 lowest .. THREAD_PRIORITIES - 1 highest
    uint64_t saved_rsp;
    uint64_t kernel_stack_top; // user threads: RSP0 and syscall stack
    int stack_slot;            // kernel stack slot, -1 if none
    struct vmarea *kernel_stack;
    uint64_t stack_base; // its stack mapping in the process (0: none)

    struct thread *run_next;     // run queue or zombie list
    struct thread *process_next; // the process's threads
    struct thread **wait_list;   // the list it is blocked on, if any
    struct thread *wait_next;
    uint64_t wake_at; // sleep deadline in ns, 0 if none
    struct thread *sleep_next;
    long wait_result; // set by whoever wakes it

    // FPU and SSE state in FXSAVE layout. fpu_live: the thread was
    // interrupted and all 512 bytes must come back; otherwise it stopped
    // inside a system call and only the control words in it count (see
    // arch/x64/fpu.h).
    uint8_t fpu[512] __attribute__((aligned(16)));
    bool fpu_live;
};

// A thread of process p starting at entry(arg) with stack pointer
// stack_top (a user address, or an address in a kernel-mode process's
// slot). Not yet runnable: call sched_ready(). NULL when out of memory.
struct thread *thread_create(struct process *p, uint64_t entry, uint64_t arg,
                             uint64_t stack_top, unsigned priority);

// A kernel thread running fn(arg) on its own kernel stack.
struct thread *thread_create_kernel(void (*fn)(void *), void *arg,
                                    unsigned priority);

// Frees the stacks of a dead thread that is not running; the scheduler's
// reaper calls it, then drops its reference.
void thread_release(struct thread *t);
