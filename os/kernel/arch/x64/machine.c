// Machine-level services of the x86-64 port: console, halt, exit, cycles.
#include "arch.h"

#include "arch/x64/asm.h"
#include "arch/x64/serial.h"

// QEMU's isa-debug-exit device, as the test runner configures it
// (-device isa-debug-exit,iobase=0xf4,iosize=0x04).
#define DEBUG_EXIT_PORT 0xf4

void arch_console_write(const char *text, size_t len)
{
    serial_write(text, len);
}

void arch_halt(void)
{
    for (;;) {
        x64_cli();
        x64_hlt();
    }
}

void arch_machine_exit(uint8_t status)
{
    x64_outl(DEBUG_EXIT_PORT, status);
    arch_halt(); // no such device: not under the test runner
}

uint64_t arch_cycles(void)
{
    return x64_rdtsc();
}
