// Linux baseline for the null system call: the median number of rdtsc ticks
// one getppid() takes, from user mode, in the same QEMU and with the same
// accelerator as FTL's own syscall.null.user benchmark. getppid goes through
// syscall(2) so that no C library can answer it from a cache. Runs 11 batches
// of 10,000 calls and prints the median batch's per-call figure as
// `bench: linux.syscall.null.user N cycles`.
//
// Built static by bench/linux/build.sh and run by the initramfs's /init.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

#define BATCHES 11
#define CALLS 10000

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    uint64_t per_call[BATCHES];

    syscall(SYS_getppid); // warm up: page in the code and the stack
    for (int batch = 0; batch < BATCHES; batch++) {
        uint64_t start = __rdtsc();
        for (int i = 0; i < CALLS; i++) {
            syscall(SYS_getppid);
        }
        per_call[batch] = (__rdtsc() - start) / CALLS;
    }
    qsort(per_call, BATCHES, sizeof per_call[0], compare_u64);
    printf("bench: linux.syscall.null.user %llu cycles\n",
           (unsigned long long)per_call[BATCHES / 2]);
    return 0;
}
