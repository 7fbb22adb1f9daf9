/*
 * First instructions of the kernel: from 32-bit protected mode to 64-bit C.
 *
 * Two loaders reach this file, and both leave us in 32-bit protected mode
 * with paging off, flat segments and interrupts off:
 *   Multiboot2 (GRUB): eax = MULTIBOOT2_BOOTLOADER_MAGIC,
 *                      ebx = physical address of the boot information.
 *   PVH (QEMU -kernel, found through the Xen ELF note below):
 *                      ebx = physical address of struct hvm_start_info.
 *
 * The code here is linked at its physical address (see os/boot/kernel.ld).
 * It builds boot page tables that map physical 0..4 GiB three times: at 0
 * (identity, so this code keeps running after paging is on), at
 * DIRECT_MAP_BASE, and the first 2 GiB at KERNEL_BASE where the C code is
 * linked. Then it enters long mode and calls
 *     x64_start(uint32_t boot_protocol, uint64_t info_phys)
 * on the boot stack. The kernel replaces these tables once it manages memory.
 */
#include "boot.h"

#define PAGE_PRESENT_WRITE 0x003
#define PAGE_LARGE         0x080
#define EFER_MSR           0xc0000080
#define EFER_LME           (1 << 8)
#define EFER_NXE           (1 << 11)
#define CR0_PE             (1 << 0)
#define CR0_WP             (1 << 16)
#define CR0_PG             (1 << 31)
#define CR4_PAE            (1 << 5)
#define CPUID_EXT_LM       (1 << 29)
#define CPUID_EXT_NX       (1 << 20)
#define COM1               0x3f8

#define MULTIBOOT2_HEADER_LENGTH 24

    // Multiboot2 header: must sit in the first 32 KiB of the file, 8-aligned.
    .section .boot.multiboot2, "a"
    .balign 8
multiboot2_header:
    .long MULTIBOOT2_HEADER_MAGIC
    .long 0                                     // architecture: i386
    .long MULTIBOOT2_HEADER_LENGTH
    .long (-(MULTIBOOT2_HEADER_MAGIC + MULTIBOOT2_HEADER_LENGTH)) & 0xffffffff
    .word 0, 0                                  // end tag: type 0, flags 0
    .long 8                                     // end tag size

    // PVH entry note: QEMU looks for it in a PT_NOTE segment.
    .section .note.pvh, "a", @note
    .balign 4
    .long 4                                     // name size ("Xen\0")
    .long 4                                     // descriptor size
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long x64_pvh_entry

    .section .boot.text, "ax"
    .code32
    .global x64_multiboot2_entry
x64_multiboot2_entry:
    cmp $MULTIBOOT2_BOOTLOADER_MAGIC, %eax
    jne not_multiboot2
    mov $BOOT_PROTOCOL_MULTIBOOT2, %edi
    jmp enter_long_mode

    .global x64_pvh_entry
x64_pvh_entry:
    mov $BOOT_PROTOCOL_PVH, %edi

// edi = boot protocol, ebx = boot information. cpuid clobbers ebx, so the
// information pointer moves to esi (the second C argument) first.
enter_long_mode:
    cld
    mov %ebx, %esi

    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb no_long_mode
    mov $0x80000001, %eax
    cpuid
    test $CPUID_EXT_LM, %edx
    jz no_long_mode
    mov %edx, %ebp                  // keep the NX bit for EFER below

    // Zero PML4 and both PDPTs (the loaders zero .bss, but do not rely on it).
    push %edi
    mov $boot_pml4, %edi
    mov $(3 * 4096 / 4), %ecx
    xor %eax, %eax
    rep stosl
    pop %edi

    // Four page directories of 2 MiB pages: physical 0..4 GiB.
    mov $boot_pd, %ebx
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $(PAGE_PRESENT_WRITE | PAGE_LARGE), %eax
    mov %eax, (%ebx,%ecx,8)
    movl $0, 4(%ebx,%ecx,8)
    inc %ecx
    cmp $2048, %ecx
    jb 1b

    // The four page directories, in the identity PDPT and in the first
    // four entries of the kernel PDPT (the last PML4 slot), where they are
    // the direct map; the kernel PDPT's -2 GiB also maps physical 0..2 GiB.
    xor %ecx, %ecx
2:  mov %ecx, %eax
    shl $12, %eax
    add $(boot_pd + PAGE_PRESENT_WRITE), %eax
    mov %eax, boot_pdpt_identity(,%ecx,8)
    mov %eax, boot_pdpt_kernel(,%ecx,8)
    inc %ecx
    cmp $4, %ecx
    jb 2b
    movl $(boot_pd + PAGE_PRESENT_WRITE), boot_pdpt_kernel + 510 * 8
    movl $(boot_pd + 4096 + PAGE_PRESENT_WRITE), boot_pdpt_kernel + 511 * 8

    movl $(boot_pdpt_identity + PAGE_PRESENT_WRITE), boot_pml4
    movl $(boot_pdpt_kernel + PAGE_PRESENT_WRITE), boot_pml4 + 511 * 8

    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4
    mov $boot_pml4, %eax
    mov %eax, %cr3

    mov $EFER_MSR, %ecx
    rdmsr
    or $EFER_LME, %eax
    test $CPUID_EXT_NX, %ebp
    jz 3f
    or $EFER_NXE, %eax
3:  wrmsr

    mov %cr0, %eax
    or $(CR0_PG | CR0_WP | CR0_PE), %eax
    mov %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode

not_multiboot2:
    mov $message_not_multiboot2, %esi
    jmp print_and_halt
no_long_mode:
    mov $message_no_long_mode, %esi
print_and_halt:
    mov $COM1, %dx
4:  lodsb
    test %al, %al
    jz halt32
    out %al, %dx
    jmp 4b
halt32:
    cli
    hlt
    jmp halt32

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    // The upper halves of registers are undefined after the mode switch.
    mov %edi, %edi
    mov %esi, %esi
    movabs $boot_stack_top, %rsp
    xor %ebp, %ebp
    movabs $x64_start, %rax
    call *%rax
halt64:
    cli
    hlt
    jmp halt64

    .section .boot.data, "a"
    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        // 0x08: 64-bit code, ring 0
    .quad 0x00cf92000000ffff        // 0x10: data, ring 0
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt
message_no_long_mode:
    .asciz "FTL: this CPU has no 64-bit long mode; cannot boot\r\n"
message_not_multiboot2:
    .asciz "FTL: started by an unknown loader (no Multiboot2 magic); cannot boot\r\n"

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_pml4:
    .skip 4096
boot_pdpt_identity:
    .skip 4096
boot_pdpt_kernel:
    .skip 4096
boot_pd:
    .skip 4 * 4096

    .section .bss
    .balign 16
boot_stack:
    .skip BOOT_STACK_SIZE
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
