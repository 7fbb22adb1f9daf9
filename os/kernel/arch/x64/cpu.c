// CPU bring-up: segments, interrupts, the FPU and SSE state processes use,
// and the MSRs of the syscall instruction (SDM vol. 3, 5.8.8).
#include "arch/x64/cpu.h"

#include <stddef.h>

#include "arch/x64/asm.h"
#include "arch/x64/gdt.h"
#include "arch/x64/trap.h"
#include "hot.h"

#define MSR_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE (1ULL << 0)

#define CR0_MP (1ULL << 1)
#define CR0_EM (1ULL << 2)
#define CR0_TS (1ULL << 3)
#define CR4_OSFXSR (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)

#define RFLAGS_IF (1ULL << 9)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_AC (1ULL << 18)

_Static_assert(offsetof(struct cpu, kernel_stack) == CPU_OFFSET_KERNEL_STACK,
               "syscall_entry.S");
_Static_assert(offsetof(struct cpu, user_rsp) == CPU_OFFSET_USER_RSP,
               "syscall_entry.S");

KERNEL_HOT_DATA static struct cpu boot_cpu;

void x64_syscall_entry(void);

void cpu_set_kernel_stack(uint64_t top)
{
    cpu_current()->kernel_stack = top;
    gdt_set_kernel_stack(top);
}

static void enable_sse(void)
{
    x64_write_cr0((x64_read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP);
    x64_write_cr4(x64_read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

static void enable_syscall(void)
{
    x64_write_msr(MSR_EFER, x64_read_msr(MSR_EFER) | EFER_SCE);
    x64_write_msr(MSR_STAR, ((uint64_t)GDT_USER_BASE << 48) |
                                ((uint64_t)GDT_KERNEL_CODE << 32));
    x64_write_msr(MSR_LSTAR, (uint64_t)x64_syscall_entry);
    // Entered with interrupts off, string ops forward, no trap or
    // alignment-check flag (AC off is SMAP's default state).
    x64_write_msr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
}

void cpu_init(void)
{
    gdt_init();
    trap_init();
    enable_sse();
    boot_cpu.self = &boot_cpu;
    x64_write_msr(MSR_GS_BASE, (uint64_t)&boot_cpu);
    x64_write_msr(MSR_KERNEL_GS_BASE, 0);
    enable_syscall();
}
