// Scheduler (see sched.h). Ready threads wait in one FIFO queue per
// priority; sleepers (threads blocked with a deadline) in a list sorted by
// deadline. The timer is armed one-shot for whichever comes first: the end
// of the running thread's slice (only if someone else is ready) or the
// earliest sleeper, so an idle system takes no timer interrupts.
//
// Dead threads cannot free their own stack while running on it: they go on
// a zombie list and the next thread to run reaps them after the switch.
#include "sched.h"

#include <ftl/error.h>

#include "arch.h"
#include "arch/x64/asm.h"
#include "arch/x64/cpu.h"
#include "arch/x64/fpu.h"
#include "arch/x64/gdt.h"
#include "arch/x64/paging.h"
#include "clock.h"
#include "hot.h"
#include "panic.h"
#include "process.h"
#include "timer.h"

struct run_queue {
    struct thread *head, *tail;
};

KERNEL_HOT_DATA static struct run_queue queues[THREAD_PRIORITIES];
KERNEL_HOT_DATA static uint32_t ready_mask; // bit p: queues[p] is not empty
KERNEL_HOT_DATA static struct thread *sleepers;
KERNEL_HOT_DATA static struct thread *zombies;
KERNEL_HOT_DATA static uint64_t slice_end;
// Deadline the hardware timer holds, 0: none.
KERNEL_HOT_DATA static uint64_t timer_armed_at;
// A thread outranking the current one is ready.
KERNEL_HOT_DATA static bool resched_pending;
KERNEL_HOT_DATA static uint64_t switches;

void x64_switch(uint64_t *save_rsp, uint64_t load_rsp, uint64_t cr3);

uint64_t sched_switch_count(void)
{
    return switches;
}

static void queue_push(struct thread *t)
{
    struct run_queue *q = &queues[t->priority];
    t->run_next = NULL;
    if (q->tail != NULL) {
        q->tail->run_next = t;
    } else {
        q->head = t;
    }
    q->tail = t;
    ready_mask |= 1u << t->priority;
}

static void queue_remove(struct thread *t)
{
    struct run_queue *q = &queues[t->priority];
    struct thread *prev = NULL;
    for (struct thread *c = q->head; c != NULL; prev = c, c = c->run_next) {
        if (c == t) {
            if (prev != NULL) {
                prev->run_next = c->run_next;
            } else {
                q->head = c->run_next;
            }
            if (q->tail == c) {
                q->tail = prev;
            }
            if (q->head == NULL) {
                ready_mask &= ~(1u << t->priority);
            }
            return;
        }
    }
}

static int highest_ready_priority(void)
{
    return ready_mask == 0 ? -1 : 31 - __builtin_clz(ready_mask);
}

static struct thread *queue_pop_highest(void)
{
    int p = highest_ready_priority();
    if (p < 0) {
        return cpu_current()->idle;
    }
    struct thread *t = queues[p].head;
    queues[p].head = t->run_next;
    if (queues[p].head == NULL) {
        queues[p].tail = NULL;
        ready_mask &= ~(1u << p);
    }
    return t;
}

static void sleepers_remove(struct thread *t)
{
    for (struct thread **link = &sleepers; *link != NULL;
         link = &(*link)->sleep_next) {
        if (*link == t) {
            *link = t->sleep_next;
            break;
        }
    }
    t->wake_at = 0;
}

static void sleepers_insert(struct thread *t)
{
    struct thread **link = &sleepers;
    while (*link != NULL && (*link)->wake_at <= t->wake_at) {
        link = &(*link)->sleep_next;
    }
    t->sleep_next = *link;
    *link = t;
}

static void wait_list_remove(struct thread *t)
{
    if (t->wait_list == NULL) {
        return;
    }
    for (struct thread **link = t->wait_list; *link != NULL;
         link = &(*link)->wait_next) {
        if (*link == t) {
            *link = t->wait_next;
            break;
        }
    }
    t->wait_list = NULL;
}

// Programs the hardware timer for the next thing that needs the CPU's
// attention. Reprogramming costs device-register writes (slow under
// emulation), so an already-armed earlier deadline is kept: firing early
// only makes the interrupt handler look and arm again. Inline: the switch
// path calls it, and every call and return there is a jump-cache lookup
// after an address-space switch under TCG.
KERNEL_HOT static inline __attribute__((always_inline)) void arm_timer(void)
{
    uint64_t deadline = sleepers != NULL ? sleepers->wake_at : 0;
    uint64_t timer = timer_next_deadline();
    if (timer != 0 && (deadline == 0 || timer < deadline)) {
        deadline = timer;
    }
    if (highest_ready_priority() >= 0 &&
        (deadline == 0 || slice_end < deadline)) {
        deadline = slice_end;
    }
    if (deadline == 0 || (timer_armed_at != 0 && timer_armed_at <= deadline)) {
        return;
    }
    timer_armed_at = deadline;
    clock_arm(deadline);
}

// Rare (a thread exited) and large once its callees are inlined: out of
// line and off the hot pages, so switch_to keeps its page (hot.h).
__attribute__((noinline, cold)) static void reap_zombies(void)
{
    struct thread *t = zombies;
    zombies = NULL;
    while (t != NULL) {
        struct thread *next = t->run_next;
        struct process *p = t->process;
        thread_release(t);
        if (p != NULL) {
            process_thread_reaped(p, t);
        }
        object_put(&t->object);
        t = next;
    }
}

// Moves prev's FPU state out and next's in. Kernel threads use no FPU
// (the kernel is built without it) and leave the registers alone. A thread
// resumed inside a system call gets its control words back; its data
// registers are scrubbed only if it runs in user mode: a kernel-mode
// process can read all memory anyway, so stale values tell it nothing, and
// the scrub is x87 helper calls under TCG (ipc.call.kernel_kernel 6,150 ->
// 5,900 cycles without it).
KERNEL_HOT static void switch_fpu(struct thread *prev, struct thread *next,
                                  bool interrupted)
{
    if (prev->process != NULL && prev->state != THREAD_DEAD) {
        prev->fpu_live = interrupted;
        if (interrupted) {
            x64_fxsave(prev->fpu);
        } else {
            x64_fpu_save_control(prev->fpu);
        }
    }
    if (next->process != NULL) {
        if (next->fpu_live) {
            x64_fxrstor(next->fpu);
        } else if (next->process->kernel_mode) {
            x64_fpu_load_control(next->fpu);
        } else {
            x64_fpu_reset(next->fpu);
        }
    }
}

// `interrupted`: the current thread is being preempted by an interrupt
// rather than giving up the CPU inside a system call. Inlined into
// sched_block, the switch of every IPC round trip: the thread switched to
// then returns from x64_switch straight into its own wait, rather than
// through switch_to's return too (each distinct return is a jump-cache
// lookup after an address-space switch under TCG). The other switches
// (preemption, yield, exit) share the out-of-line switch_to.
KERNEL_HOT static inline __attribute__((always_inline)) void
switch_in_place(struct thread *next, bool interrupted)
{
    struct cpu *cpu = cpu_current();
    struct thread *prev = cpu->current;
    slice_end = clock_now_ns() + SCHED_SLICE_NS;
    arm_timer();
    if (next == prev) {
        prev->state = THREAD_RUNNING;
        return;
    }
    next->state = THREAD_RUNNING;
    cpu->current = next;
    switches++;
    // Kernel threads and kernel-mode processes touch only the kernel half,
    // which every address space maps alike: they run on whatever tables
    // are loaded (lazy TLB, as Linux does for kernel threads). A round trip
    // between a user process and a kernel-mode one then reloads no CR3,
    // which costs a full TLB flush without PCID (about 13,000 cycles each
    // under TCG, measured). The new CR3 is loaded last, on the new stack:
    // everything touched before it (the TSS, the outgoing thread, its
    // stack) then costs no TLB refill under TCG afterwards.
    uint64_t cr3 = 0;
    if (next->process != NULL && !next->process->kernel_mode) {
        cr3 = vm_space_activation(&next->process->space);
        gdt_load_io_bitmap(next->process->io_bitmap);
    }
    if (next->kernel_stack_top != 0) {
        cpu_set_kernel_stack(next->kernel_stack_top);
    }
    switch_fpu(prev, next, interrupted);
    x64_switch(&prev->saved_rsp, next->saved_rsp, cr3);
    // Running as prev again, on its stack.
    if (zombies != NULL) {
        reap_zombies();
    }
}

KERNEL_HOT static void switch_to(struct thread *next, bool interrupted)
{
    switch_in_place(next, interrupted);
}

// The thread to run next, once the current one gives up the CPU (the
// caller has set its state).
KERNEL_HOT static inline __attribute__((always_inline)) struct thread *
schedule_next(void)
{
    resched_pending = false;
    struct thread *current = sched_current();
    if (current->state == THREAD_RUNNING && current != cpu_current()->idle) {
        current->state = THREAD_READY;
        queue_push(current);
    }
    return queue_pop_highest();
}

// Gives up the CPU; the caller has set the current thread's state.
KERNEL_HOT static inline __attribute__((always_inline)) void
schedule(bool interrupted)
{
    switch_to(schedule_next(), interrupted);
}

KERNEL_HOT void sched_ready(struct thread *t)
{
    ASSERT(t->state != THREAD_DEAD);
    t->state = THREAD_READY;
    queue_push(t);
    struct thread *current = sched_current();
    if (current != NULL &&
        (current == cpu_current()->idle || t->priority > current->priority)) {
        resched_pending = true;
    }
    arm_timer();
}

// The rare half of a preemption point, out of line: inlined, the switch
// path behind it made every system call of a kernel-mode process save
// registers it did not need (syscall.null.kernel 38 -> 48 cycles).
__attribute__((noinline, cold)) static void preempt(bool interrupted)
{
    schedule(interrupted);
}

KERNEL_HOT void sched_preempt_point(bool interrupted)
{
    if (resched_pending) {
        preempt(interrupted);
    }
}

void sched_yield(void)
{
    uint64_t flags = arch_interrupts_save();
    schedule(false);
    arch_interrupts_restore(flags);
}

// Inlined into every caller (LTO does it across files), the switch with
// it: see switch_in_place.
KERNEL_HOT __attribute__((always_inline)) inline long
sched_block(uint64_t deadline_ns)
{
    struct thread *current = sched_current();
    current->state = THREAD_BLOCKED;
    current->wait_result = 0;
    if (deadline_ns != 0) {
        current->wake_at = deadline_ns;
        sleepers_insert(current);
    }
    switch_in_place(schedule_next(), false);
    return current->wait_result;
}

KERNEL_HOT void sched_wake(struct thread *t, long result)
{
    if (t->state != THREAD_BLOCKED) {
        return;
    }
    if (t->wake_at != 0) {
        sleepers_remove(t);
    }
    wait_list_remove(t);
    t->wait_result = result;
    sched_ready(t);
}

void sched_remove(struct thread *t)
{
    ASSERT(t != sched_current());
    if (t->state == THREAD_READY) {
        queue_remove(t);
    }
    if (t->wake_at != 0) {
        sleepers_remove(t);
    }
    wait_list_remove(t);
    t->state = THREAD_DEAD;
    t->run_next = zombies;
    zombies = t;
}

void sched_exit_current(void)
{
    struct thread *current = sched_current();
    current->state = THREAD_DEAD;
    wait_list_remove(current);
    current->run_next = zombies;
    zombies = current;
    schedule(false);
    panic("a dead thread was scheduled");
}

void sched_timer_interrupt(void)
{
    timer_armed_at = 0; // it fired
    uint64_t now = clock_now_ns();
    timer_fire_expired(now);
    while (sleepers != NULL && sleepers->wake_at <= now) {
        struct thread *t = sleepers;
        sleepers = t->sleep_next;
        t->wake_at = 0;
        wait_list_remove(t);
        t->wait_result = FTL_ERR_TIMED_OUT;
        t->state = THREAD_READY;
        queue_push(t);
    }
    struct thread *current = sched_current();
    int ready = highest_ready_priority();
    if (ready >= 0 &&
        (current == cpu_current()->idle ||
         (unsigned)ready > current->priority || now >= slice_end)) {
        schedule(true);
    } else {
        arm_timer();
    }
}

static void idle_loop(void *unused)
{
    (void)unused;
    for (;;) {
        reap_zombies();
        x64_sti_hlt();
        x64_cli();
    }
}

void sched_init(void)
{
    struct thread *idle = thread_create_kernel(idle_loop, NULL, 0);
    if (idle == NULL) {
        panic("no memory for the idle thread");
    }
    cpu_current()->idle = idle;
}

void sched_start(void)
{
    static struct thread boot; // the boot context, abandoned here
    cpu_current()->current = &boot;
    boot.state = THREAD_DEAD;
    switch_to(queue_pop_highest(), false);
    panic("returned to the boot context");
}
