// The x86 instructions the random service needs, one tiny wrapper each
// (the only inline assembly of the service). RDRAND and RDSEED work in user
// mode; each says with the carry flag whether it delivered a value (Intel
// SDM vol. 2, RDRAND and RDSEED: CF=1 valid, CF=0 none available now, the
// destination zero).
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct cpu_id {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpu_id cpu_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpu_id r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

// CPUID.01H:ECX bit 30.
static inline bool cpu_has_rdrand(void)
{
    return cpu_cpuid(1, 0).ecx & (1u << 30);
}

// CPUID.(EAX=07H,ECX=0):EBX bit 18, if leaf 7 exists.
static inline bool cpu_has_rdseed(void)
{
    return cpu_cpuid(0, 0).eax >= 7 && (cpu_cpuid(7, 0).ebx & (1u << 18));
}

// One RDRAND: true and *value if the CPU delivered one.
static inline bool cpu_rdrand64(uint64_t *value)
{
    uint8_t ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
    return ok;
}

// One RDSEED: true and *value if the CPU delivered one.
static inline bool cpu_rdseed64(uint64_t *value)
{
    uint8_t ok;
    __asm__ volatile("rdseed %0; setc %1" : "=r"(*value), "=qm"(ok) : : "cc");
    return ok;
}

// PAUSE: what Intel's DRNG guide puts between RDSEED retries, so that a
// spinning core leaves the entropy source to others a moment.
static inline void cpu_pause(void)
{
    __asm__ volatile("pause");
}
