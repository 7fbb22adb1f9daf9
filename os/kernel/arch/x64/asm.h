// One static inline wrapper per x86-64 instruction that C code needs. No
// inline assembly anywhere else in the kernel.
#pragma once

#include <stdint.h>

static inline void x64_outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t x64_inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void x64_outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint32_t x64_inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void x64_pause(void)
{
    __asm__ volatile("pause");
}

static inline void x64_cli(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void x64_hlt(void)
{
    __asm__ volatile("hlt" ::: "memory");
}

static inline uint64_t x64_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void x64_sti(void)
{
    __asm__ volatile("sti" ::: "memory");
}

// Enables interrupts and halts in one step: an interrupt arriving between
// the two cannot be missed (sti's one-instruction interrupt shadow).
static inline void x64_sti_hlt(void)
{
    __asm__ volatile("sti; hlt" ::: "memory");
}

static inline uint64_t x64_read_rflags(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags;
}

static inline void x64_write_rflags(uint64_t flags)
{
    __asm__ volatile("pushq %0; popfq" : : "r"(flags) : "memory", "cc");
}

static inline uint64_t x64_read_msr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void x64_write_msr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr"
                     :
                     : "c"(msr), "a"((uint32_t)value),
                       "d"((uint32_t)(value >> 32))
                     : "memory");
}

static inline void x64_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a,
                             uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid"
                     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t x64_read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void x64_write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t x64_read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t x64_read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void x64_write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t x64_read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void x64_write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void x64_invlpg(uint64_t address)
{
    __asm__ volatile("invlpg (%0)" : : "r"(address) : "memory");
}

// SMAP: allow, then forbid again, supervisor access to user pages.
static inline void x64_stac(void)
{
    __asm__ volatile("stac" ::: "memory", "cc");
}

static inline void x64_clac(void)
{
    __asm__ volatile("clac" ::: "memory", "cc");
}

static inline void x64_fxsave(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void x64_fxrstor(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

static inline void x64_load_idt(const void *pointer)
{
    __asm__ volatile("lidt (%0)" : : "r"(pointer) : "memory");
}

static inline void x64_load_tss(uint16_t selector)
{
    __asm__ volatile("ltr %0" : : "r"(selector) : "memory");
}

// Loads a GDT and reloads every segment register: CS through a far return,
// the data segments directly.
static inline void x64_load_gdt(const void *pointer, uint16_t code,
                                uint16_t data)
{
    __asm__ volatile("lgdt (%0)\n"
                     "pushq %q1\n"
                     "leaq 1f(%%rip), %%rax\n"
                     "pushq %%rax\n"
                     "lretq\n"
                     "1:\n"
                     "mov %w2, %%ds\n"
                     "mov %w2, %%es\n"
                     "mov %w2, %%ss\n"
                     :
                     : "r"(pointer), "r"((uint64_t)code), "r"(data)
                     : "rax", "memory");
}

static inline uint64_t x64_read_rbp(void)
{
    uint64_t v;
    __asm__ volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}
