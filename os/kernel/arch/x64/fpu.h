// FPU and SSE state at a voluntary switch. A thread that gives up the CPU
// inside a system call is at a function call as far as its code knows (the
// system call entry is called as a function), and the System V ABI lets a
// call clobber every x87 and SSE register except the control words (x87
// FCW and the MXCSR control bits). So such a thread needs only its control
// words kept, and the registers it finds on return need only hold nothing
// of anyone else's; FXSAVE and FXRSTOR of the whole 512-byte area are for
// threads an interrupt took off the CPU. `area` is a thread's 512-byte,
// 16-byte aligned FXSAVE area: FCW at offset 0, MXCSR at offset 24.
//
// Inline, not called: a call and its return are two more jump-cache
// lookups after each address-space switch under TCG.
#pragma once

// Stores the x87 and SSE control words into area.
static inline void x64_fpu_save_control(void *area)
{
    __asm__ volatile("fnstcw (%0)\n\t"
                     "stmxcsr 24(%0)"
                     :
                     : "r"(area)
                     : "memory");
}

// The control words from area, the x87 stack empty (the ABI wants it empty
// at a call); data registers keep whatever they hold.
static inline void x64_fpu_load_control(const void *area)
{
    __asm__ volatile("fninit\n\t"
                     "fldcw (%0)\n\t"
                     "ldmxcsr 24(%0)"
                     :
                     : "r"(area)
                     : "memory");
}

// Zeroes every x87, MMX and SSE register and loads the control words from
// area: what a user-mode thread that stopped inside a system call gets
// back. Eight pushes overwrite all eight x87/MMX registers, then fninit
// empties the stack.
static inline void x64_fpu_reset(const void *area)
{
    __asm__ volatile("fninit\n\t"
                     "fldz\n\tfldz\n\tfldz\n\tfldz\n\t"
                     "fldz\n\tfldz\n\tfldz\n\tfldz\n\t"
                     "fninit\n\t"
                     "pxor %%xmm0, %%xmm0\n\tpxor %%xmm1, %%xmm1\n\t"
                     "pxor %%xmm2, %%xmm2\n\tpxor %%xmm3, %%xmm3\n\t"
                     "pxor %%xmm4, %%xmm4\n\tpxor %%xmm5, %%xmm5\n\t"
                     "pxor %%xmm6, %%xmm6\n\tpxor %%xmm7, %%xmm7\n\t"
                     "pxor %%xmm8, %%xmm8\n\tpxor %%xmm9, %%xmm9\n\t"
                     "pxor %%xmm10, %%xmm10\n\tpxor %%xmm11, %%xmm11\n\t"
                     "pxor %%xmm12, %%xmm12\n\tpxor %%xmm13, %%xmm13\n\t"
                     "pxor %%xmm14, %%xmm14\n\tpxor %%xmm15, %%xmm15\n\t"
                     "fldcw (%0)\n\t"
                     "ldmxcsr 24(%0)"
                     :
                     : "r"(area)
                     : "memory");
}
