// The virtual address layout, the same in every address space.
//
//   0x0000_0000_0040_0000  user program image (PIE, loaded here)
//   0x0000_1000_0000_0000  user vmareas, placed upwards
//   0x0000_7fff_f000_0000  user stacks (below USER_STACK_TOP, guard below)
//   0x0000_7fff_fff0_0000  the system call stub page (read + execute)
//   0xffff_8000_0000_0000  direct map of physical memory
//   0xffff_c000_0000_0000  kernel-mode processes, one slot each
//   0xffff_e000_0000_0000  kernel stacks, one slot each, guard page below
//   0xffff_f000_0000_0000  device memory (MMIO) mappings
//   0xffff_ffff_8000_0000  the kernel image
#pragma once

#define USER_BASE 0x1000ULL
#define USER_TOP 0x00007ffffffff000ULL
#define USER_IMAGE_BASE 0x400000ULL
#define USER_VMAREA_BASE 0x0000100000000000ULL
#define USER_STACK_TOP 0x00007ffff0000000ULL
#define USER_SYSCALL_STUB 0x00007ffffff00000ULL

#define DIRECT_MAP_START 0xffff800000000000ULL
#define DIRECT_MAP_MAX (64ULL << 30)

#define KERNEL_PROCESS_START 0xffffc00000000000ULL
#define KERNEL_PROCESS_SLOT_SIZE (64ULL << 30)
#define KERNEL_PROCESS_SLOTS 1024

#define KERNEL_STACK_START 0xffffe00000000000ULL
#define KERNEL_STACK_SLOT_SIZE (256ULL << 10)
#define KERNEL_STACK_SLOTS 4096

#define MMIO_START 0xfffff00000000000ULL
#define MMIO_SIZE (64ULL << 30)

// Inside a process's region (user: the lower half; kernel mode: its slot),
// offsets of its parts.
#define REGION_IMAGE_OFFSET 0x400000ULL
#define REGION_VMAREA_OFFSET (16ULL << 30)
#define REGION_STACK_TOP_OFFSET (KERNEL_PROCESS_SLOT_SIZE - (1ULL << 30))
