/*
 * Thread switch and first entries.
 *
 * x64_switch(uint64_t *save_rsp, uint64_t load_rsp, uint64_t cr3): pushes the
 * callee-saved registers on the current stack, stores RSP in *save_rsp, loads
 * load_rsp, then cr3 unless it is 0 (kernel stacks are mapped in every
 * address space), and pops the next thread's registers. The caller-saved ones are saved by the C
 * caller by the ABI. A new thread's stack is prepared by thread.c so that the
 * first switch "returns" into one of the entry trampolines below.
 */
    .section .text.hot.wait, "ax"  // see hot.h
    .global x64_switch
x64_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    test %rdx, %rdx
    jz 1f
    mov %rdx, %cr3
1:
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret

    .text   // the first entries are not part of the round trip

/*
 * First run of a thread that enters user mode: r12 = user entry point,
 * r13 = user stack pointer, r14 = first argument. Builds an iretq frame to
 * ring 3 with interrupts on. Registers that could leak kernel values are
 * cleared.
 */
    .global x64_enter_user
x64_enter_user:
    pushq $0x23            // SS: GDT_USER_DATA
    pushq %r13             // RSP
    pushq $0x202           // RFLAGS: IF
    pushq $0x2b            // CS: GDT_USER_CODE
    pushq %r12             // RIP
    mov %r14, %rdi
    xor %eax, %eax
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    swapgs
    iretq

/*
 * First run of a thread of a kernel-mode process: r12 = entry point,
 * r13 = stack pointer, r14 = first argument. Ring 0 with interrupts on; if
 * the entry returns, the thread exits.
 */
    .global x64_enter_kernel_mode
x64_enter_kernel_mode:
    mov %r13, %rsp
    mov %r14, %rdi
    xor %ebp, %ebp
    pushq $0               // a fake return address keeps the ABI alignment
    sti
    jmp *%r12

/*
 * First run of a kernel thread (idle): r12 = function, r14 = argument.
 */
    .global x64_enter_kernel_thread
x64_enter_kernel_thread:
    mov %r14, %rdi
    xor %ebp, %ebp
    call *%r12
    ud2

    .section .note.GNU-stack, "", @progbits
