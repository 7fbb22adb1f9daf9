// Thread creation and stacks. A new thread's stack is prepared so that the
// first x64_switch() to it pops six callee-saved registers and "returns"
// into an entry trampoline of arch/x64/switch.S, which takes the entry
// point, stack and argument from r12, r13 and r14.
#include "thread.h"

#include "arch/x64/paging.h"
#include "heap.h"
#include "lib/string.h"
#include "panic.h"
#include "process.h"
#include "vm.h"
#include "vm_layout.h"

extern char x64_enter_user[], x64_enter_kernel_mode[],
    x64_enter_kernel_thread[];

static uint8_t stack_slots[KERNEL_STACK_SLOTS / 8];
static uint32_t next_thread_id = 1;

struct switch_frame {
    uint64_t r15, r14, r13, r12, rbx, rbp, return_address;
};

static int slot_alloc(void)
{
    for (int i = 0; i < KERNEL_STACK_SLOTS; i++) {
        if (!(stack_slots[i / 8] & (1u << (i % 8)))) {
            stack_slots[i / 8] |= 1u << (i % 8);
            return i;
        }
    }
    return -1;
}

static void slot_free(int slot)
{
    stack_slots[slot / 8] &= ~(1u << (slot % 8));
}

static uint64_t slot_top(int slot)
{
    return KERNEL_STACK_START + (uint64_t)(slot + 1) * KERNEL_STACK_SLOT_SIZE;
}

// Maps a kernel stack at the top of a free slot; the rest of the slot stays
// unmapped, so an overflow faults instead of corrupting a neighbour.
static bool kernel_stack_create(struct thread *t)
{
    t->stack_slot = slot_alloc();
    if (t->stack_slot < 0) {
        return false;
    }
    t->kernel_stack =
        vmarea_create(THREAD_KERNEL_STACK_SIZE, VMAREA_CONTIGUOUS, NULL);
    if (t->kernel_stack == NULL) {
        slot_free(t->stack_slot);
        t->stack_slot = -1;
        return false;
    }
    uint64_t top = slot_top(t->stack_slot);
    uint64_t base = top - THREAD_KERNEL_STACK_SIZE;
    for (unsigned i = 0; i < t->kernel_stack->page_count; i++) {
        if (paging_map(paging_kernel_root(), base + i * PAGE_SIZE,
                       t->kernel_stack->pages[i], VM_READ | VM_WRITE) < 0) {
            return false; // thread_release() undoes the partial mapping
        }
    }
    t->kernel_stack_top = top;
    return true;
}

void thread_release(struct thread *t)
{
    if (t->stack_slot >= 0) {
        uint64_t top = slot_top(t->stack_slot);
        for (uint64_t va = top - THREAD_KERNEL_STACK_SIZE; va < top;
             va += PAGE_SIZE) {
            paging_unmap(paging_kernel_root(), va);
        }
        slot_free(t->stack_slot);
        t->stack_slot = -1;
    }
    if (t->kernel_stack != NULL) {
        object_put(&t->kernel_stack->object);
        t->kernel_stack = NULL;
    }
}

static void thread_destroy(struct object *object)
{
    struct thread *t = (struct thread *)object;
    thread_release(t);
    heap_free(t);
}

static struct thread *thread_alloc(struct process *p, unsigned priority)
{
    struct thread *t = heap_alloc(sizeof(*t));
    if (t == NULL) {
        return NULL;
    }
    object_init(&t->object, OBJECT_THREAD, thread_destroy);
    t->id = next_thread_id++;
    t->process = p;
    t->priority =
        priority < THREAD_PRIORITIES ? priority : THREAD_PRIORITIES - 1;
    t->state = THREAD_BLOCKED;
    t->stack_slot = -1;
    // A clean FPU state: fxsave of the boot state has x87 and SSE defaults.
    __builtin_memset(t->fpu, 0, sizeof(t->fpu));
    t->fpu[0] = 0x7f; // FCW = 0x037f
    t->fpu[1] = 0x03;
    t->fpu[24] = 0x80; // MXCSR = 0x1f80
    t->fpu[25] = 0x1f;
    return t;
}

static void push_switch_frame(struct thread *t, uint64_t stack_top,
                              void *trampoline, uint64_t r12, uint64_t r13,
                              uint64_t r14)
{
    struct switch_frame *frame = (struct switch_frame *)(stack_top)-1;
    memset(frame, 0, sizeof(*frame));
    frame->r12 = r12;
    frame->r13 = r13;
    frame->r14 = r14;
    frame->return_address = (uint64_t)trampoline;
    t->saved_rsp = (uint64_t)frame;
}

struct thread *thread_create(struct process *p, uint64_t entry, uint64_t arg,
                             uint64_t stack_top, unsigned priority)
{
    struct thread *t = thread_alloc(p, priority);
    if (t == NULL) {
        return NULL;
    }
    if (p->space.kernel_mode) {
        // The switch frame sits at the top of the process's own stack and is
        // consumed before the thread's first instruction.
        push_switch_frame(t, stack_top, x64_enter_kernel_mode, entry, stack_top,
                          arg);
        return t;
    }
    if (!kernel_stack_create(t)) {
        object_put(&t->object);
        return NULL;
    }
    // At a function's entry RSP + 8 is 16-byte aligned (System V ABI).
    push_switch_frame(t, t->kernel_stack_top, x64_enter_user, entry,
                      stack_top - 8, arg);
    return t;
}

struct thread *thread_create_kernel(void (*fn)(void *), void *arg,
                                    unsigned priority)
{
    struct thread *t = thread_alloc(NULL, priority);
    if (t == NULL) {
        return NULL;
    }
    if (!kernel_stack_create(t)) {
        object_put(&t->object);
        return NULL;
    }
    push_switch_frame(t, t->kernel_stack_top, x64_enter_kernel_thread,
                      (uint64_t)fn, 0, (uint64_t)arg);
    return t;
}
