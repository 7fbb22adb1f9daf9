// lwIP's port layer for FTL programs: picolibc supplies the C types and
// headers; diagnostics go to the console; a failed lwIP assertion ends the
// service (its supervisor restarts it).
#pragma once

#include <stdio.h>
#include <stdlib.h>

#define LWIP_PLATFORM_DIAG(x)                                                  \
    do {                                                                       \
        printf x;                                                              \
    } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                \
    do {                                                                       \
        printf("lwip assertion \"%s\" failed at %s:%d\n", x, __FILE__,         \
               __LINE__);                                                      \
        abort();                                                               \
    } while (0)

#define BYTE_ORDER LITTLE_ENDIAN

// picolibc has ssize_t (sys/types.h); lwIP would define its own.
#include <sys/types.h>
#define SSIZE_MAX LONG_MAX
#include <limits.h>
