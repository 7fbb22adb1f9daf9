// Segments of the x86-64 port: the GDT, the TSS and its interrupt stacks.
#pragma once

#include <stdint.h>

// Selectors. The order of the user ones is fixed by sysret, which loads
// SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16 (Intel SDM vol. 2, SYSRET).
#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_USER_BASE 0x18 // STAR[63:48]; a 32-bit code slot, unused
#define GDT_USER_DATA (0x20 | 3)
#define GDT_USER_CODE (0x28 | 3)
#define GDT_TSS 0x30

// Interrupt stack table slots (1-based, as the IDT encodes them).
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3

// Loads the GDT and the TSS of this CPU. Once, at boot.
void gdt_init(void);

// The stack the CPU switches to on an interrupt or exception from user mode:
// the top of the current thread's kernel stack.
void gdt_set_kernel_stack(uint64_t top);

// I/O permission bitmaps: one bit per port, 0 lets ring 3 use the port.
#define IO_BITMAP_BYTES (65536 / 8)

// Makes `bitmap` (IO_BITMAP_BYTES, or NULL: no ports) the one ring 3 runs
// with. It is copied into the TSS, only when it is not the one there.
void gdt_load_io_bitmap(const uint8_t *bitmap);

// `bitmap` changed or is about to be freed: the TSS's copy is dropped (no
// ports) if it came from it, so the next load copies afresh.
void gdt_io_bitmap_changed(const uint8_t *bitmap);
