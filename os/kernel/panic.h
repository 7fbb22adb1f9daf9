// Fatal kernel errors and invariant checks. A panic means the kernel's own
// state is corrupt; nothing a process sends may ever lead here.
#pragma once

#include <stdint.h>

// Prints the message and a backtrace, then stops the machine (in test mode,
// QEMU exits with status PANIC_EXIT_STATUS so a test never hangs).
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *format,
                                                           ...);

#define PANIC_EXIT_STATUS 2

// Guards our own invariants, never an argument from a process.
#define ASSERT(condition)                                                      \
    do {                                                                       \
        if (!(condition)) {                                                    \
            panic("assertion failed: %s (%s:%d)", #condition, __FILE__,        \
                  __LINE__);                                                   \
        }                                                                      \
    } while (0)

// Prints the call chain starting at frame pointer rbp, one line per frame
// with the function name and offset from the embedded symbol table.
void backtrace_print(uint64_t rip, uint64_t rbp);

// Set by kernel_main from the command line: panics end QEMU in test mode.
extern int panic_test_mode;
