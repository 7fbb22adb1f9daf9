// Interrupts and exceptions of the x86-64 port: the IDT and the frame every
// entry stub saves.
#pragma once

#include <stdbool.h>
#include <stdint.h>

// Vectors 0-31 are CPU exceptions; the kernel's own start at 32.
#define TRAP_TIMER 32
#define TRAP_IRQ_BASE 48 // IOAPIC inputs (GSIs) 0-63 arrive at 48-111
#define TRAP_IRQ_COUNT 64
#define TRAP_SPURIOUS 0xff

#define TRAP_DIVIDE_ERROR 0
#define TRAP_NMI 2
#define TRAP_INVALID_OPCODE 6
#define TRAP_DOUBLE_FAULT 8
#define TRAP_GENERAL_PROTECTION 13
#define TRAP_PAGE_FAULT 14

// Page fault error code bits (SDM vol. 3, 4.7).
#define PF_PRESENT (1 << 0)
#define PF_WRITE (1 << 1)
#define PF_USER (1 << 2)
#define PF_FETCH (1 << 4)

// Saved by trap.S, lowest address first. Offsets are used by the assembly.
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; // pushed by the CPU
};

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap.S frame layout");

// Fills the IDT and loads it. Once, at boot.
void trap_init(void);

// Called by trap.S for every vector, interrupts off.
void x64_handle_trap(struct trap_frame *frame);

static inline bool trap_from_user(const struct trap_frame *frame)
{
    return (frame->cs & 3) == 3;
}

// Prints every register of the frame to the console.
void trap_dump(const struct trap_frame *frame);
