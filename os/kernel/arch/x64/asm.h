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
