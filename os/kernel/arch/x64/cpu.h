// Per-CPU state of the x86-64 port and CPU bring-up.
//
// Each CPU has one struct cpu, found through the GS base in the kernel
// (swapgs on entries from user mode). SMP will add one per CPU; everything
// that is per CPU lives here already.
#pragma once

#include <stdint.h>

#include <ftl/sink.h>

struct thread;

struct cpu {
    struct cpu *self;       // %gs:0
    uint64_t kernel_stack;  // %gs:8, top of the running thread's stack
    uint64_t user_rsp;      // %gs:16, scratch for the syscall entry
    struct thread *current; // %gs:24
    struct thread *idle;
    unsigned id;
    // The event a sink wait returns, built here rather than on the kernel
    // stack: it is copied out in a SMAP window, and under TCG every page a
    // window touches is refilled after a switch (this is the hot
    // variables' page, which a receive's window touches anyway). Filled
    // and copied out with interrupts off, by the running thread.
    struct ftl_event wait_event;
};

#define CPU_OFFSET_KERNEL_STACK 8
#define CPU_OFFSET_USER_RSP 16

// Loads GDT, TSS, IDT, enables the FPU/SSE state the processes use, sets up
// the syscall MSRs and the GS base. Once per CPU, at boot.
void cpu_init(void);

static inline struct cpu *cpu_current(void)
{
    struct cpu *cpu;
    __asm__ volatile("mov %%gs:0, %0" : "=r"(cpu));
    return cpu;
}

// Points the syscall entry and the TSS at a new kernel stack top.
void cpu_set_kernel_stack(uint64_t top);
