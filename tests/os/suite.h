// The in-OS test harness: named tests in a table, EXPECT to fail one with a
// reason, and a runner that prints `ok NAME` / `FAIL NAME` and the summary
// line `SUITE: N passed, N failed` that tests/qemu/inos.py passes on.
#pragma once

#include <stdbool.h>
#include <stdio.h>

// Fails the running test (returns false) with the condition and a message.
#define EXPECT(condition, ...)                                                 \
    do {                                                                       \
        if (!(condition)) {                                                    \
            printf("  expected %s: ", #condition);                             \
            printf(__VA_ARGS__);                                               \
            printf("\n");                                                      \
            return false;                                                      \
        }                                                                      \
    } while (0)

struct test {
    const char *name;
    bool (*run)(void);
};

// clang-format off
#define TEST(fn) {#fn, fn}
// clang-format on

// Runs the tests named in names[0..name_count) (all when name_count is 0),
// prints the summary for `suite` and returns the exit status: 0 if all
// passed, 1 otherwise.
int suite_run(const char *suite, const struct test *tests, unsigned count,
              char **names, int name_count);
