// Machine-level services of the x86-64 port: console, halt, exit, cycles.
#include "arch.h"

#include "arch/x64/asm.h"
#include "arch/x64/paging.h"
#include "arch/x64/serial.h"

#define RFLAGS_IF (1ULL << 9)

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

void arch_interrupts_disable(void)
{
    x64_cli();
}

void arch_interrupts_enable(void)
{
    x64_sti();
}

uint64_t arch_interrupts_save(void)
{
    uint64_t flags = x64_read_rflags();
    x64_cli();
    return flags;
}

void arch_interrupts_restore(uint64_t saved)
{
    if (saved & RFLAGS_IF) {
        x64_sti();
    }
}

bool arch_is_kernel_mapped(uint64_t address, uint64_t len)
{
    if (address < 0xffff800000000000ULL || len > UINT64_MAX - address) {
        return false;
    }
    for (uint64_t page = address & ~(uint64_t)(PAGE_SIZE - 1);
         page < address + len; page += PAGE_SIZE) {
        if (paging_lookup(paging_kernel_root(), page) == 0 &&
            paging_kernel_root() != 0) {
            return false;
        }
    }
    return true;
}
