// panic() and backtraces. Frame pointers are kept in every kernel build
// (-fno-omit-frame-pointer), so a backtrace is a walk of saved rbp values;
// each is checked to be a mapped kernel address before it is read.
#include "panic.h"

#include <stdarg.h>
#include <stdbool.h>

#include "arch.h"
#include "ksyms.h"
#include "lib/fmt.h"
#include "log.h"

#define BACKTRACE_DEPTH_MAX 24

int panic_test_mode;

static void print_frame(unsigned depth, uint64_t address)
{
    uint64_t offset;
    const char *name = ksyms_lookup(address, &offset);
    if (name != NULL) {
        log_raw("    #%u %p %s+0x%lx", depth, (void *)address, name,
                (unsigned long)offset);
    } else {
        log_raw("    #%u %p ?", depth, (void *)address);
    }
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    log_raw("  backtrace:");
    print_frame(0, rip);
    for (unsigned depth = 1; depth < BACKTRACE_DEPTH_MAX; depth++) {
        if (rbp == 0 || (rbp & 7) != 0 ||
            !arch_is_kernel_mapped(rbp, 2 * sizeof(uint64_t))) {
            break;
        }
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t return_address = frame[1];
        if (return_address == 0) {
            break;
        }
        print_frame(depth, return_address);
        rbp = frame[0];
    }
}

void panic(const char *format, ...)
{
    arch_interrupts_disable();
    char message[LOG_LINE_MAX];
    va_list args;
    va_start(args, format);
    fmt_vformat(message, sizeof(message), format, args);
    va_end(args);
    log_write(LOG_ERROR, "kernel", "PANIC: %s", message);
    backtrace_print((uint64_t)__builtin_return_address(0),
                    (uint64_t)__builtin_frame_address(0));
    if (panic_test_mode) {
        arch_machine_exit(PANIC_EXIT_STATUS);
    }
    arch_halt();
}
