// The C library's time functions on FTL's monotonic clock: clock_gettime,
// gettimeofday (which picolibc's time() calls) and nanosleep.
//
// FTL has no wall clock yet, so CLOCK_REALTIME and time() count from boot
// like CLOCK_MONOTONIC; programs that need dates must not rely on them.
#include <errno.h>
#include <stddef.h>
#include <sys/time.h>
#include <time.h>

#include <ftl/time.h>

#define NS_PER_S 1000000000ULL

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    uint64_t ns = ftl_clock_ns();
    ts->tv_sec = (time_t)(ns / NS_PER_S);
    ts->tv_nsec = (long)(ns % NS_PER_S);
    return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    (void)tz;
    uint64_t ns = ftl_clock_ns();
    tv->tv_sec = (time_t)(ns / NS_PER_S);
    tv->tv_usec = (suseconds_t)(ns % NS_PER_S / 1000);
    return 0;
}

int nanosleep(const struct timespec *request, struct timespec *remaining)
{
    if (request->tv_sec < 0 || request->tv_nsec < 0 ||
        request->tv_nsec >= (long)NS_PER_S) {
        errno = EINVAL;
        return -1;
    }
    ftl_sleep_ns((uint64_t)request->tv_sec * NS_PER_S +
                 (uint64_t)request->tv_nsec);
    if (remaining != NULL) {
        remaining->tv_sec = 0;
        remaining->tv_nsec = 0;
    }
    return 0;
}
