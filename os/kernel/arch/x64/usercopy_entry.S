/*
 * The string copy that may fault on memory a process named (the plain
 * copies are inline, see usercopy.h). Its two memory instructions are in
 * the exception table like theirs: if one faults and the page fault cannot
 * be resolved (demand-zero), the trap handler resumes at 4:, which returns
 * -1. The caller in usercopy.c checks the range first and handles SMAP.
 */
    .text

// long x64_copy_string_checked(char *dst, const char *src, size_t max):
// copies up to and including the NUL, at most max bytes; returns the length
// without the NUL, max if no NUL came within max bytes, or -1 on a fault.
    .global x64_copy_string_checked
x64_copy_string_checked:
    xor %eax, %eax
1:  cmp %rdx, %rax
    je 2f
3:  movb (%rsi,%rax), %cl
5:  movb %cl, (%rdi,%rax)
    test %cl, %cl
    jz 2f
    inc %rax
    jmp 1b
2:  ret
4:  mov $-1, %rax
    ret

    .pushsection .ex_table, "a"
    .balign 8
    .quad 3b, 4b, 5b, 4b
    .popsection

    .section .note.GNU-stack, "", @progbits
