// The port layer: everything the generic kernel needs from the CPU and the
// board. x86-64 implements it under arch/x64/.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Writes to the console (the first serial port). Safe from any context.
void arch_console_write(const char *text, size_t len);

// Ends the machine with a status, where the machine can: under QEMU with the
// isa-debug-exit device, QEMU exits with status (status << 1) | 1. Elsewhere
// it halts. Used by test mode only.
__attribute__((noreturn)) void arch_machine_exit(uint8_t status);

// Stops this CPU for good, interrupts off.
__attribute__((noreturn)) void arch_halt(void);

// Interrupts on this CPU. save/restore nest: restore puts back what save
// found.
void arch_interrupts_disable(void);
void arch_interrupts_enable(void);
uint64_t arch_interrupts_save(void);
void arch_interrupts_restore(uint64_t saved);

// True if [address, address + len) is mapped in the kernel's half of the
// address space (used before reading through pointers found in memory,
// such as saved frame pointers).
bool arch_is_kernel_mapped(uint64_t address, uint64_t len);

// A cycle counter (rdtsc on x86-64) for benchmarks and coarse timing.
uint64_t arch_cycles(void);

// PCI configuration space (x86-64: mechanism #1, ports 0xCF8/0xCFC): the
// 32-bit register at `offset` (a multiple of 4, below 256) of function
// bus:slot.function.
uint32_t arch_pci_config_read(unsigned bus, unsigned slot, unsigned function,
                              unsigned offset);
void arch_pci_config_write(unsigned bus, unsigned slot, unsigned function,
                           unsigned offset, uint32_t value);
