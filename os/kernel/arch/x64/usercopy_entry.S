/*
 * The string copy that may fault on memory a process named (the plain
 * copies are inline, see usercopy.h). If it faults and the page fault
 * cannot be resolved (demand-zero), the trap handler resumes at
 * x64_usercopy_fixup, which returns -1 (see trap.c). The caller in
 * usercopy.c checks the range first and handles SMAP.
 */
    .text
    .global x64_usercopy_start, x64_usercopy_end, x64_usercopy_fixup

x64_usercopy_start:

// long x64_copy_string_checked(char *dst, const char *src, size_t max):
// copies up to and including the NUL, at most max bytes; returns the length
// without the NUL, max if no NUL came within max bytes, or -1 on a fault.
    .global x64_copy_string_checked
x64_copy_string_checked:
    xor %eax, %eax
1:  cmp %rdx, %rax
    je 2f
    movb (%rsi,%rax), %cl
    movb %cl, (%rdi,%rax)
    test %cl, %cl
    jz 2f
    inc %rax
    jmp 1b
2:  ret

x64_usercopy_end:

x64_usercopy_fixup:
    mov $-1, %rax
    ret

    .section .note.GNU-stack, "", @progbits
