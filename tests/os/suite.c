// The in-OS test runner (see suite.h).
#include "suite.h"

#include <string.h>

static bool is_selected(const char *name, char **names, int name_count)
{
    for (int i = 0; i < name_count; i++) {
        if (strcmp(names[i], name) == 0) {
            return true;
        }
    }
    return name_count == 0;
}

int suite_run(const char *suite, const struct test *tests, unsigned count,
              char **names, int name_count)
{
    int passed = 0, failed = 0;
    for (unsigned i = 0; i < count; i++) {
        if (!is_selected(tests[i].name, names, name_count)) {
            continue;
        }
        bool ok = tests[i].run();
        printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
        ok ? passed++ : failed++;
    }
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed == 0 ? 0 : 1;
}
