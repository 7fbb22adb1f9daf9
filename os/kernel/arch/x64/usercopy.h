// The inline copy that may fault on process memory, and the table that lets
// the page-fault handler recover from it. Each expansion of
// x64_copy_inline() (and the string copy in usercopy_entry.S) records its
// faulting instructions with the address to resume at in section
// .ex_table; the fault handler looks the faulting RIP up there
// (x64_usercopy_fixup_for) and resumes with the copy's result set to -1.
#pragma once

#include <stddef.h>
#include <stdint.h>

struct x64_ex_entry {
    uint64_t fault_rip, resume_rip;
};

// Where to resume after a fault at rip inside a process-memory copy, or 0
// if rip is not one.
uint64_t x64_usercopy_fixup_for(uint64_t rip);

// Copies len bytes, eight at a time then the rest. Returns 0, or -1 if a
// page fault could not be resolved. Callers check ranges and SMAP.
static inline int x64_copy_inline(void *dst, const void *src, size_t len)
{
    int err = 0;
    size_t tail = len & 7;
    size_t words = len >> 3;
    __asm__ volatile("1: rep movsq\n\t"
                     "mov %[tail], %%rcx\n\t"
                     "2: rep movsb\n\t"
                     "3:\n\t"
                     ".pushsection .ex_table, \"a\"\n\t"
                     ".balign 8\n\t"
                     ".quad 1b, 4f, 2b, 4f\n\t"
                     ".popsection\n\t"
                     ".pushsection .text.unlikely.usercopy, \"ax\"\n\t"
                     "4: mov $-1, %[err]\n\t"
                     "jmp 3b\n\t"
                     ".popsection"
                     : [err] "+r"(err), "+D"(dst), "+S"(src), "+c"(words)
                     : [tail] "r"(tail)
                     : "memory");
    return err;
}
