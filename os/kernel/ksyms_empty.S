// The empty symbol table of the kernel's first link (see ksyms.h).
    .section .rodata
    .balign 8
    .global ksyms_table, ksyms_count, ksyms_names
ksyms_table:
ksyms_count:
    .quad 0
ksyms_names:
    .byte 0
    .section .note.GNU-stack, "", @progbits
