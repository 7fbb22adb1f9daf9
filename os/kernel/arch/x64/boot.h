// Constants shared by the x86-64 boot assembly and C. Only #defines: this
// header is included from boot.S too.
#pragma once

// Which loader started us; passed from boot.S to x64_start().
#define BOOT_PROTOCOL_MULTIBOOT2 1
#define BOOT_PROTOCOL_PVH 2

// Magic values the loaders leave behind (Multiboot2 spec 3.3, Xen
// arch-x86/hvm/start_info.h).
#define MULTIBOOT2_HEADER_MAGIC 0xe85250d6
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289
#define PVH_START_INFO_MAGIC 0x336ec578
#define XEN_ELFNOTE_PHYS32_ENTRY 18

// The kernel image is linked here (-mcmodel=kernel); all of physical memory
// below 4 GiB is also mapped at DIRECT_MAP_BASE by the boot page tables.
#define KERNEL_BASE 0xffffffff80000000
#define DIRECT_MAP_BASE 0xffffff8000000000

#define BOOT_STACK_SIZE 16384
