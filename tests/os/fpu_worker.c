// FPU and SSE state across switches, for os_test:
//   fpu_worker compute SEED EXPECTED  runs fpu_work(SEED) (long enough to be
//                                      preempted many times); exit 0 if the
//                                      result's bits are EXPECTED (hex)
//   fpu_worker secret MS               keeps a secret pattern in every SSE
//                                      register while sleeping 1 ms at a
//                                      time, for MS milliseconds
//   fpu_worker spy MS                  sleeps 1 ms at a time for MS
//                                      milliseconds and looks at its SSE
//                                      registers after each; exit 1 if the
//                                      secret ever shows up there
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/time.h>

#include "fpu_worker.h"

#define SECRET 0x5ec7e75ec7e75ec7ull
#define MS 1000000ull

static void set_registers(uint64_t value)
{
    uint64_t v[2] = {value, value};
    __asm__ volatile("movdqu %0, %%xmm0\n\tmovdqu %0, %%xmm1\n\t"
                     "movdqu %0, %%xmm2\n\tmovdqu %0, %%xmm3\n\t"
                     "movdqu %0, %%xmm4\n\tmovdqu %0, %%xmm5\n\t"
                     "movdqu %0, %%xmm6\n\tmovdqu %0, %%xmm7\n\t"
                     "movdqu %0, %%xmm8\n\tmovdqu %0, %%xmm9\n\t"
                     "movdqu %0, %%xmm10\n\tmovdqu %0, %%xmm11\n\t"
                     "movdqu %0, %%xmm12\n\tmovdqu %0, %%xmm13\n\t"
                     "movdqu %0, %%xmm14\n\tmovdqu %0, %%xmm15"
                     :
                     : "m"(v)
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                       "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
                       "xmm13", "xmm14", "xmm15");
}

static int registers_hold(uint64_t value)
{
    uint64_t r[16][2];
    __asm__ volatile("movdqu %%xmm0, 0(%0)\n\tmovdqu %%xmm1, 16(%0)\n\t"
                     "movdqu %%xmm2, 32(%0)\n\tmovdqu %%xmm3, 48(%0)\n\t"
                     "movdqu %%xmm4, 64(%0)\n\tmovdqu %%xmm5, 80(%0)\n\t"
                     "movdqu %%xmm6, 96(%0)\n\tmovdqu %%xmm7, 112(%0)\n\t"
                     "movdqu %%xmm8, 128(%0)\n\tmovdqu %%xmm9, 144(%0)\n\t"
                     "movdqu %%xmm10, 160(%0)\n\tmovdqu %%xmm11, 176(%0)\n\t"
                     "movdqu %%xmm12, 192(%0)\n\tmovdqu %%xmm13, 208(%0)\n\t"
                     "movdqu %%xmm14, 224(%0)\n\tmovdqu %%xmm15, 240(%0)"
                     :
                     : "r"(r)
                     : "memory");
    for (int i = 0; i < 16; i++) {
        if (r[i][0] == value || r[i][1] == value) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "compute") == 0) {
        uint64_t expected = strtoull(argv[3], NULL, 16);
        return fpu_work(strtod(argv[2], NULL)) == expected ? 0 : 1;
    }
    if (argc != 3) {
        return 2;
    }
    uint64_t end = ftl_clock_ns() + strtoull(argv[2], NULL, 10) * MS;
    int seen = 0;
    while (ftl_clock_ns() < end) {
        if (strcmp(argv[1], "secret") == 0) {
            set_registers(SECRET);
            ftl_sleep_ns(MS);
        } else {
            ftl_sleep_ns(MS);
            seen |= registers_hold(SECRET);
        }
    }
    return seen;
}
