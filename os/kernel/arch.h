// The port layer: everything the generic kernel needs from the CPU and the
// board. x86-64 implements it under arch/x64/.
#pragma once

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

// A cycle counter (rdtsc on x86-64) for benchmarks and coarse timing.
uint64_t arch_cycles(void);
