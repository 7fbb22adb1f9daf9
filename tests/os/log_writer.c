// Writes log lines for tests/os/logs_test.c, by argv[1]:
//   lines N  N info lines "line I"
//   long N   N info lines "long I" padded to 100 characters
//   multi    one console write of three lines
//   read     tries to read the log book; exits 0 if it was refused with
//            FTL_ERR_NOT_ALLOWED (only the first process may read it)
#include <stdlib.h>
#include <string.h>

#include <ftl/console.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/logs.h>

static int try_to_read(void)
{
    static char buffer[FTL_LOGS_LIST_MAX];
    uint64_t next = 0;
    long read = ftl_log_read("kernel", 0, buffer, sizeof(buffer), &next);
    long list = ftl_log_list(buffer, sizeof(buffer), &next);
    return read == FTL_ERR_NOT_ALLOWED && list == FTL_ERR_NOT_ALLOWED ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int count = argc > 2 ? atoi(argv[2]) : 0;
    if (strcmp(mode, "lines") == 0) {
        for (int i = 1; i <= count; i++) {
            FTL_LOG_INFO("line %d", i);
        }
    } else if (strcmp(mode, "long") == 0) {
        for (int i = 1; i <= count; i++) {
            FTL_LOG_INFO("long %-95d|", i);
        }
    } else if (strcmp(mode, "multi") == 0) {
        static const char text[] = "first\nsecond\n\nfourth";
        ftl_console_write(text, strlen(text), FTL_CONSOLE_WARN);
    } else if (strcmp(mode, "read") == 0) {
        return try_to_read();
    } else {
        return 2;
    }
    return 0;
}
