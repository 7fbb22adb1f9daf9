// The subject of tests/supervisor/logs_check.c (service sv_logger): writes
// a burst of numbered log lines, more than one reply of the supervisor
// holds, then a last line and crashes. The supervisor restarts it, so its
// ring holds the lines of each instance and the kernel's line about each
// crash, in order.
#include <stdio.h>

#include <ftl/log.h>

#define LINES 50

int main(void)
{
    FTL_LOG_INFO("instance starts");
    for (int i = 1; i <= LINES; i++) {
        FTL_LOG_INFO("line %02d of the burst, padded to about ninety bytes "
                     "..............................",
                     i);
    }
    FTL_LOG_WARN("about to crash");
    return *(volatile int *)0;
}
