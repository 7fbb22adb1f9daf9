/*
 * Entry stubs of all 256 interrupt vectors.
 *
 * Each stub makes the stack look the same (a zero error code where the CPU
 * pushes none, then the vector number), and jumps to trap_common, which
 * saves every general-purpose register as a struct trap_frame (trap.h) and
 * calls x64_handle_trap(frame) with interrupts off. When the interrupted
 * code ran in ring 3, GS is swapped to the kernel's per-CPU base on entry and
 * back on exit. The CPU aligns RSP to 16 bytes before pushing its frame, and
 * the frame is 176 bytes, so the C call sees an aligned stack.
 */
#include "arch/x64/frame.h"

// Vectors for which the CPU pushes an error code (SDM vol. 3, 6.3.1).
#define HAS_ERROR_CODE(v) \
    ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
     (v) == 29 || (v) == 30)

#define FRAME_CS 24 // offset of CS above the vector number

    .text
    .balign 16
trap_common:
    testb $3, FRAME_CS(%rsp)
    jz 1f
    swapgs
1:
    SAVE_GPRS
    cld
    mov %rsp, %rdi
    call x64_handle_trap
    .global x64_trap_return
x64_trap_return:
    RESTORE_GPRS
    testb $3, FRAME_CS(%rsp)
    jz 2f
    swapgs
2:  addq $16, %rsp // vector and error code
    iretq

.macro trap_stub number
    .balign 16
trap_stub_\number:
    .if !HAS_ERROR_CODE(\number)
    pushq $0
    .endif
    pushq $\number
    jmp trap_common
.endm

.macro trap_stub_address number
    .quad trap_stub_\number
.endm

    .altmacro
    .set vector, 0
    .rept 256
    trap_stub %vector
    .set vector, vector + 1
    .endr

    .section .rodata
    .balign 8
    .global x64_trap_stubs
x64_trap_stubs:
    .set vector, 0
    .rept 256
    trap_stub_address %vector
    .set vector, vector + 1
    .endr
    .noaltmacro

    .section .note.GNU-stack, "", @progbits
