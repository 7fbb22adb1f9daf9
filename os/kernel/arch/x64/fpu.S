/*
 * FPU and SSE state at a voluntary switch. A thread that gives up the CPU
 * inside a system call is at a function call as far as its code knows (the
 * system call entry is called as a function), and the System V ABI lets a
 * call clobber every x87 and SSE register except the control words (x87
 * FCW and the MXCSR control bits). So such a thread needs only its control
 * words kept, and the registers it finds on return need only hold nothing
 * of anyone else's; FXSAVE and FXRSTOR of the whole 512-byte area are for
 * threads an interrupt took off the CPU. Both areas use the FXSAVE layout:
 * FCW at offset 0, MXCSR at offset 24.
 */
    .section .text.hot, "ax"  // see hot.h

// void x64_fpu_save_control(void *area)
    .global x64_fpu_save_control
x64_fpu_save_control:
    fnstcw (%rdi)
    stmxcsr 24(%rdi)
    ret

// void x64_fpu_load_control(const void *area): the control words from area,
// the x87 stack empty (the ABI wants it empty at a call); data registers
// keep whatever they hold.
    .global x64_fpu_load_control
x64_fpu_load_control:
    fninit
    fldcw (%rdi)
    ldmxcsr 24(%rdi)
    ret

// void x64_fpu_reset(const void *area): every data register zero, the x87
// stack empty, the control words from area.
    .global x64_fpu_reset
x64_fpu_reset:
    fninit
    fldz                    // eight pushes overwrite all eight x87/MMX
    fldz                    // registers, then fninit empties the stack
    fldz
    fldz
    fldz
    fldz
    fldz
    fldz
    fninit
    pxor %xmm0, %xmm0
    pxor %xmm1, %xmm1
    pxor %xmm2, %xmm2
    pxor %xmm3, %xmm3
    pxor %xmm4, %xmm4
    pxor %xmm5, %xmm5
    pxor %xmm6, %xmm6
    pxor %xmm7, %xmm7
    pxor %xmm8, %xmm8
    pxor %xmm9, %xmm9
    pxor %xmm10, %xmm10
    pxor %xmm11, %xmm11
    pxor %xmm12, %xmm12
    pxor %xmm13, %xmm13
    pxor %xmm14, %xmm14
    pxor %xmm15, %xmm15
    fldcw (%rdi)
    ldmxcsr 24(%rdi)
    ret

    .section .note.GNU-stack, "", @progbits
