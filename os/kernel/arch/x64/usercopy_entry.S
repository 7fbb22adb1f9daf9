/*
 * Copies that may fault: the only instructions of the kernel that touch
 * memory a process named. If one faults and the page fault cannot be
 * resolved (demand-zero), the trap handler resumes at x64_usercopy_fixup,
 * which returns -1 (see trap.c). Callers in usercopy.c check ranges first
 * and handle SMAP.
 */
    .text
    .global x64_usercopy_start, x64_usercopy_end, x64_usercopy_fixup

x64_usercopy_start:

// int x64_copy_checked(void *dst, const void *src, size_t len): 0 or -1.
    .global x64_copy_checked
x64_copy_checked:
    mov %rdx, %rcx
    shr $3, %rcx
    rep movsq               // eight bytes a step, then the rest
    mov %rdx, %rcx
    and $7, %rcx
    rep movsb
    xor %eax, %eax
    ret

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
