// The scheduler: preemptive, fixed priorities, round-robin within a priority,
// an idle thread that halts. All functions run with interrupts off (the
// kernel's one big lock); run queues are per CPU in spirit and global while
// there is one CPU.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "arch/x64/cpu.h"
#include "thread.h"

// Time a thread runs before another of the same priority gets the CPU.
#define SCHED_SLICE_NS (10 * 1000 * 1000)

// Creates the idle thread. Once, at boot, after the heap and the clock.
void sched_init(void);

// Switches from the boot stack to the highest-priority ready thread; the
// boot context is never resumed.
__attribute__((noreturn)) void sched_start(void);

// The thread running on this CPU (NULL before sched_start). Inline: every
// system call asks, several times.
static inline struct thread *sched_current(void)
{
    return cpu_current()->current;
}

// Makes t runnable. If it outranks the running thread, the switch happens at
// the next preemption point, never inside the caller (which may be walking
// a list).
void sched_ready(struct thread *t);

// Switches if sched_ready() asked for it. Called where the kernel holds no
// state in flight: at the end of a system call and of an interrupt
// (`interrupted`: the thread did not call in, so all its FPU state must be
// kept).
void sched_preempt_point(bool interrupted);

// Gives the CPU to the next ready thread of the same or higher priority.
void sched_yield(void);

// Blocks the running thread until sched_wake() or, if deadline_ns is not 0,
// until then. Before calling, the thread puts itself on whatever list its
// waker uses (thread.wait_list). Returns the waker's result, or
// FTL_ERR_TIMED_OUT.
long sched_block(uint64_t deadline_ns);

// Ends t's wait with `result` (no-op unless t is blocked).
void sched_wake(struct thread *t, long result);

// Removes a thread that will never run again (its process is dying) from
// the run queues and wait lists, and marks it dead. Not the running thread.
void sched_remove(struct thread *t);

// Ends the running thread; the reaper frees it after the switch.
__attribute__((noreturn)) void sched_exit_current(void);

// The timer interrupt: wakes sleepers, preempts when the slice is over.
void sched_timer_interrupt(void);

// Number of context switches so far (for statistics).
uint64_t sched_switch_count(void);
