// The virtual address layout, the same in every address space.
//
//   0x0000_0000_0040_0000  user program image (PIE, loaded here), then
//                          everything else the process maps, upwards
//   0xffff_c000_0000_0000  kernel-mode processes, one slot each
//   0xffff_f000_0000_0000  device memory (MMIO) mappings
//   0xffff_ff80_0000_0000  direct map of physical memory (up to 64 GiB)
//   0xffff_ffff_8000_0000  the kernel image
//   0xffff_ffff_9000_0000  kernel stacks, one slot each, unmapped below
//
// A process's region (the lower half for a user process, its slot for a
// kernel-mode one) holds its image at REGION_IMAGE_OFFSET and after it, in
// the order they are made, each with an unmapped page below: the system
// call stub page (user mode), the start-up information, the first stack,
// the malloc heap, then whatever else it maps or the threads it starts.
// A small program thus lives in one 2 MiB stretch, the kernel stacks share
// the kernel image's gigabyte and the direct map its page-directory-pointer
// table (the last PML4 slot): after an address-space switch every
// page-table page a walk touches is one more TLB refill under QEMU
// (docs/notes/ipc-speed.md), and this layout touches the fewest.
#pragma once

#define USER_BASE 0x1000ULL
#define USER_TOP 0x00007ffffffff000ULL
#define USER_IMAGE_BASE 0x400000ULL

#define DIRECT_MAP_START 0xffffff8000000000ULL
#define DIRECT_MAP_MAX (64ULL << 30)

#define KERNEL_PROCESS_START 0xffffc00000000000ULL
#define KERNEL_PROCESS_SLOT_SIZE (64ULL << 30)
// As many as fit below the MMIO area (1,024 reached into it, and the last
// two into the kernel image's PML4 slot).
#define KERNEL_PROCESS_SLOTS 768

#define KERNEL_STACK_START 0xffffffff90000000ULL
#define KERNEL_STACK_SLOT_SIZE (64ULL << 10)
#define KERNEL_STACK_SLOTS 4096

#define MMIO_START 0xfffff00000000000ULL
#define MMIO_SIZE (64ULL << 30)

// Where the image lies in a process's region.
#define REGION_IMAGE_OFFSET 0x400000ULL

_Static_assert(KERNEL_PROCESS_START +
                       KERNEL_PROCESS_SLOTS * KERNEL_PROCESS_SLOT_SIZE <=
                   MMIO_START,
               "kernel-mode process slots end before the MMIO area");
