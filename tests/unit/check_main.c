// Shared main() of the host unit tests: runs the file's suite with Check and
// prints the `NAME: N passed, N failed` line tests/run-all.sh reads. Each
// test file defines unit_suite(); the build passes -DUNIT_SUITE=name.
#include <check.h>
#include <stdio.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

Suite *unit_suite(void);

int main(void)
{
    SRunner *runner = srunner_create(unit_suite());
    srunner_run_all(runner, CK_NORMAL);
    int run = srunner_ntests_run(runner);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    printf("unit.%s: %d passed, %d failed\n", STRINGIFY(UNIT_SUITE),
           run - failed, failed);
    return failed == 0 ? 0 : 1;
}
