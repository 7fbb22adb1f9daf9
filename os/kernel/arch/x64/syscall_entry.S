/*
 * The syscall instruction's entry (user mode only; kernel-mode processes call
 * syscall_call_from_kernel_mode() directly).
 *
 * On entry (SDM vol. 2, SYSCALL): RCX = user RIP, R11 = user RFLAGS, RSP is
 * still the user stack, interrupts off (FMASK), GS is the user's. We switch
 * to the thread's kernel stack, save a full struct trap_frame (so a fault,
 * a kill or a thread switch during the call sees the same frame as after an
 * interrupt) and jump to x64_handle_syscall(frame), which ends in
 * x64_syscall_exit(frame): that returns to user mode with sysret. No return
 * from C to this entry: under TCG each distinct return is a jump-cache
 * lookup after an address-space switch, and an IPC round trip has two.
 *
 * System call ABI: RAX = number, RDI, RSI, RDX, R10, R8 = arguments,
 * RAX = result. RCX and R11 are clobbered, as by any syscall.
 */
#include "arch/x64/frame.h"
#define CPU_KERNEL_STACK 8
#define CPU_USER_RSP 16

    .section .text.hot.wait, "ax"  // see hot.h
    // Moves the entry off the jump-cache slot of a busy return address in
    // syscall_call_from_kernel_mode (scripts/jump-cache-collisions.sh).
    .balign 4
    .global x64_syscall_entry
x64_syscall_entry:
    swapgs
    mov %rsp, %gs:CPU_USER_RSP
    mov %gs:CPU_KERNEL_STACK, %rsp
    pushq $0x23                 // SS
    pushq %gs:CPU_USER_RSP      // RSP
    pushq %r11                  // RFLAGS
    pushq $0x2b                 // CS
    pushq %rcx                  // RIP
    pushq $0                    // error code
    pushq $-1                   // vector: none, this is a system call
    SAVE_GPRS
    mov %rsp, %rdi
    pushq $0                    // no return address: the ABI's alignment
    jmp x64_handle_syscall

// x64_syscall_exit(struct trap_frame *frame): back to user mode with the
// frame's registers; what the C code left on the stack above it is dropped.
    .global x64_syscall_exit
x64_syscall_exit:
    mov %rdi, %rsp
    RESTORE_GPRS
    addq $16, %rsp              // vector, error code
    popq %rcx                   // RIP
    addq $8, %rsp               // CS
    popq %r11                   // RFLAGS
    popq %rsp                   // user RSP; interrupts are still off
    swapgs
    sysretq

    .section .note.GNU-stack, "", @progbits
