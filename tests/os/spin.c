// Spins for argv[1] milliseconds and counts the times it was preempted: a
// jump of the cycle counter between two consecutive reads means another
// thread ran meanwhile. Exits with that count (at most 250).
#include <stdint.h>
#include <stdlib.h>

#include <ftl/process.h>
#include <ftl/time.h>

#include "bench_util.h"

int main(int argc, char **argv)
{
    uint64_t duration_ns =
        (argc > 1 ? strtoull(argv[1], NULL, 10) : 200) * 1000000ULL;
    struct ftl_system_stats stats;
    ftl_system_stats(&stats);
    uint64_t gap = stats.cycles_per_second / 1000; // 1 ms
    uint64_t start = ftl_clock_ns();
    uint64_t last = bench_cycles();
    int preempted = 0;
    for (unsigned i = 1;; i++) {
        uint64_t now = bench_cycles();
        if (now - last > gap && preempted < 250) {
            preempted++;
        }
        last = now;
        if (i % 4096 == 0) {
            if (ftl_clock_ns() - start > duration_ns) {
                break;
            }
            last = bench_cycles(); // the system call itself is not a preemption
        }
    }
    return preempted;
}
