// In-OS tests of the log book (os/kernel/logbook.c) through FTL_SYS_LOG_READ:
// each process name's lines kept with their level and numbered, across the
// name's processes; the oldest dropped with a visible jump; the kernel's
// own lines; a killed process's ring saying why; the list of names; every
// bad argument refused; other processes refused. This program is the first
// process of its boot (ftl.init=logs_test.elf), the only one that may read.
// Ends with `os.logs: N passed, N failed`.
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/logs.h>
#include <ftl/process.h>
#include <ftl/syscall.h>

#include "suite.h"

#define SECOND_NS 1000000000ULL
#define LOG_RING_PAGES 4 // logbook.h: 16 KiB a name

static char text[FTL_LOGS_READ_MAX + 1];
static uint32_t mode = FTL_ISOLATION_USER; // of the children; argv[1]

// Runs `path` under `name` with up to two arguments; its exit status.
static long run_named(const char *path, const char *name, const char *arg1,
                      const char *arg2)
{
    const char *argv[] = {path, arg1, arg2};
    struct ftl_spawn request = {
        .path = path,
        .name = name,
        .isolation = mode,
        .argc = arg2 != NULL   ? 3
                : arg1 != NULL ? 2
                               : 1,
        .argv = argv,
        .channel = FTL_HANDLE_INVALID,
    };
    ftl_handle_t p = ftl_process_spawn_request(&request);
    if (p < 0) {
        return p;
    }
    long status = ftl_process_wait(p, 30 * SECOND_NS);
    ftl_handle_close(p);
    return status;
}

// Reads the lines of name after cursor into text (NUL-terminated).
static long read_after(const char *name, uint64_t cursor, uint64_t *next)
{
    long n = ftl_log_read(name, cursor, text, sizeof(text) - 1, next);
    text[n > 0 ? n : 0] = '\0';
    return n;
}

// The sequence number of the first line of text, 0 if none.
static unsigned long long first_seq(void)
{
    return strtoull(text, NULL, 10);
}

static unsigned count_lines(const char *s)
{
    unsigned n = 0;
    for (; *s != '\0'; s++) {
        n += *s == '\n';
    }
    return n;
}

static bool the_kernel_ring_holds_the_boot_lines(void)
{
    uint64_t next = 0;
    long n = read_after("kernel", 0, &next);
    EXPECT(n > 0, "read kernel: %ld", n);
    EXPECT(first_seq() == 1, "numbered from 1: %.40s", text);
    EXPECT(strstr(text, " FTL ") != NULL, "the banner is kept");
    EXPECT(strstr(text, " [kernel] info: started logs_test (") != NULL,
           "the start of this process is kept");
    EXPECT(next >= count_lines(text), "next %llu", (unsigned long long)next);
    return true;
}

static bool lines_are_kept_numbered_with_their_level(void)
{
    EXPECT(run_named("log_writer.elf", "logw_lines", "lines", "3") == 0,
           "log_writer ran");
    uint64_t next = 0;
    long n = read_after("logw_lines", 0, &next);
    EXPECT(n > 0, "read: %ld", n);
    EXPECT(strcmp(text, "1 [logw_lines] info: line 1\n"
                        "2 [logw_lines] info: line 2\n"
                        "3 [logw_lines] info: line 3\n") == 0,
           "got:\n%s", text);
    EXPECT(next == 3, "next %llu", (unsigned long long)next);
    EXPECT(read_after("logw_lines", 3, &next) == 0 && next == 3,
           "nothing after the last");
    return true;
}

// A service restarted is a new process under the same name: its ring goes
// on, with the lines of the one before.
static bool a_name_keeps_its_lines_across_its_processes(void)
{
    EXPECT(run_named("log_writer.elf", "logw_again", "lines", "2") == 0,
           "first run");
    EXPECT(run_named("log_writer.elf", "logw_again", "lines", "1") == 0,
           "second run");
    uint64_t next;
    read_after("logw_again", 0, &next);
    EXPECT(strcmp(text, "1 [logw_again] info: line 1\n"
                        "2 [logw_again] info: line 2\n"
                        "3 [logw_again] info: line 1\n") == 0,
           "got:\n%s", text);
    read_after("logw_again", 2, &next);
    EXPECT(strcmp(text, "3 [logw_again] info: line 1\n") == 0 && next == 3,
           "after cursor 2:\n%s", text);
    return true;
}

static bool several_lines_in_one_write_are_several_lines(void)
{
    EXPECT(run_named("log_writer.elf", "logw_multi", "multi", NULL) == 0,
           "ran");
    uint64_t next;
    read_after("logw_multi", 0, &next);
    EXPECT(strcmp(text, "1 [logw_multi] warn: first\n"
                        "2 [logw_multi] warn: second\n"
                        "3 [logw_multi] warn: \n"
                        "4 [logw_multi] warn: fourth\n") == 0,
           "got:\n%s", text);
    return true;
}

// 400 lines of about 120 bytes go through a 16 KiB ring: the oldest are
// dropped. Reading from 0 starts past 1 (the jump), then goes on line by
// line to 400, a page at a time through the cursor.
static bool a_full_ring_drops_its_oldest_lines_and_the_cursor_jumps(void)
{
    EXPECT(run_named("log_writer.elf", "logw_long", "long", "400") == 0, "ran");
    uint64_t cursor = 0, next = 0, expected = 0, first = 0;
    unsigned pages = 0;
    for (;;) {
        long n = read_after("logw_long", cursor, &next);
        EXPECT(n >= 0, "read after %llu: %ld", (unsigned long long)cursor, n);
        if (n == 0) {
            break;
        }
        pages++;
        for (char *line = text; *line != '\0';) {
            unsigned long long seq;
            unsigned number;
            EXPECT(sscanf(line, "%llu [logw_long] info: long %u", &seq,
                          &number) == 2,
                   "a line: %.60s", line);
            if (expected == 0) {
                EXPECT(seq > 1, "the oldest were dropped: first %llu", seq);
                expected = first = seq;
            }
            EXPECT(seq == expected && number == seq, "line %llu: %llu, %u",
                   (unsigned long long)expected, seq, number);
            expected++;
            line = strchr(line, '\n') + 1;
        }
        cursor = next;
    }
    EXPECT(expected == 401 && cursor == 400, "ended at %llu",
           (unsigned long long)cursor);
    // About 135 lines of 121 bytes fit in 16 KiB; with their numbers they
    // are more than FTL_LOGS_READ_MAX, so it takes two reads.
    printf("  %llu lines kept of 400, read in %u calls\n",
           (unsigned long long)(401 - first), pages);
    EXPECT(pages >= 2, "read in %u calls", pages);
    return true;
}

// A small buffer takes whole lines, one or more, never a part.
static bool a_small_buffer_takes_whole_lines(void)
{
    char small[FTL_LOGS_ENTRY_MAX];
    uint64_t next = 0;
    long n = ftl_log_read("logw_lines", 0, small, 40, &next);
    EXPECT(n == 28 && next == 1 &&
               memcmp(small, "1 [logw_lines] info: line 1\n", 28) == 0,
           "one line in 40 bytes: %ld, next %llu", n, (unsigned long long)next);
    n = ftl_log_read("logw_lines", 1, small, 27, &next);
    EXPECT(n == FTL_ERR_TOO_LARGE, "27 bytes hold no line: %ld", n);
    n = ftl_log_read("logw_lines", 0, small, sizeof(small), NULL);
    EXPECT(n == 3 * 28, "no next pointer needed: %ld", n);
    return true;
}

static bool a_killed_process_ring_says_why(void)
{
    long status = run_named("fault.elf", "logw_fault", "null", NULL);
    EXPECT(status == FTL_EXIT_KILLED, "killed: %ld", status);
    uint64_t next;
    EXPECT(read_after("logw_fault", 0, &next) > 0, "its ring");
    EXPECT(strstr(text, "[kernel] error: process logw_fault killed: page "
                        "fault: read of unmapped at 0x0") != NULL,
           "got:\n%s", text);
    read_after("kernel", 0, &next);
    EXPECT(strstr(text, "process logw_fault killed") != NULL,
           "in the kernel's ring too");
    return true;
}

// The line "NAME LAST" of name in text, LAST in *last.
static bool list_has(const char *name, unsigned long long *last)
{
    size_t len = strlen(name);
    for (const char *line = text; *line != '\0';) {
        if (strncmp(line, name, len) == 0 && line[len] == ' ') {
            return sscanf(line + len, "%llu", last) == 1;
        }
        line = strchr(line, '\n') + 1;
    }
    return false;
}

static bool the_list_names_every_ring_with_its_last_cursor(void)
{
    uint64_t count = 0;
    long n = ftl_log_list(text, FTL_LOGS_LIST_MAX, &count);
    EXPECT(n > 0, "list: %ld", n);
    text[n] = '\0';
    EXPECT(strncmp(text, "kernel ", 7) == 0, "the kernel first: %.40s", text);
    EXPECT(count == count_lines(text), "count %llu", (unsigned long long)count);
    unsigned long long last = 0;
    EXPECT(list_has("logw_lines", &last) && last == 3, "logw_lines %llu", last);
    EXPECT(list_has("logw_long", &last) && last == 400, "logw_long %llu", last);
    EXPECT(list_has("logs_test", &last) && last > 0, "this process");
    EXPECT(!list_has("nobody", &last), "no ring for a name never written");
    EXPECT(ftl_log_list(text, (size_t)n - 1, NULL) == FTL_ERR_TOO_LARGE,
           "one byte short: refused, not cut");
    return true;
}

// A name's first line takes one ring of pages, for good; later lines and
// processes of that name take nothing more.
static bool a_new_name_takes_one_ring(void)
{
    struct ftl_system_stats before, middle, after;
    ftl_system_stats(&before);
    EXPECT(run_named("log_writer.elf", "logw_pages", "lines", "5") == 0, "1");
    ftl_system_stats(&middle);
    EXPECT(run_named("log_writer.elf", "logw_pages", "lines", "5") == 0, "2");
    ftl_system_stats(&after);
    EXPECT(middle.log_pages == before.log_pages + LOG_RING_PAGES,
           "log pages %llu -> %llu", (unsigned long long)before.log_pages,
           (unsigned long long)middle.log_pages);
    EXPECT(after.log_pages == middle.log_pages &&
               after.pages_free == middle.pages_free &&
               after.heap_bytes == middle.heap_bytes,
           "the second run: %llu -> %llu free pages",
           (unsigned long long)middle.pages_free,
           (unsigned long long)after.pages_free);
    return true;
}

static bool bad_arguments_give_errors(void)
{
    uint64_t next;
    EXPECT(ftl_log_read("nobody", 0, text, 100, &next) == FTL_ERR_NOT_FOUND,
           "a name with no lines");
    EXPECT(ftl_log_read((const char *)8, 0, text, 100, &next) ==
               FTL_ERR_BAD_ADDRESS,
           "name at a bad address");
    static const char long_name[] = "a-name-longer-than-any-process-has";
    EXPECT(ftl_log_read(long_name, 0, text, 100, &next) == FTL_ERR_TOO_LARGE,
           "a name too long");
    EXPECT(ftl_log_read("kernel", 0, (char *)8, 100, &next) ==
               FTL_ERR_BAD_ADDRESS,
           "buffer at a bad address");
    EXPECT(ftl_log_read("kernel", 0, (char *)0xffffffff80100000ULL, 100,
                        &next) == FTL_ERR_BAD_ADDRESS,
           "buffer in the kernel");
    EXPECT(ftl_log_read("kernel", 0, text, 100, (uint64_t *)8) ==
               FTL_ERR_BAD_ADDRESS,
           "next at a bad address");
    EXPECT(ftl_log_read("kernel", 0, text, 3, &next) == FTL_ERR_TOO_LARGE,
           "3 bytes");
    EXPECT(ftl_log_list((char *)8, FTL_LOGS_LIST_MAX, NULL) ==
               FTL_ERR_BAD_ADDRESS,
           "list into a bad address");
    // A length past FTL_LOGS_READ_MAX is read as that much, no more.
    long n = ftl_log_read("logw_long", 0, text, UINT64_MAX, &next);
    EXPECT(n > 0 && n <= FTL_LOGS_READ_MAX, "a huge len: %ld", n);
    return true;
}

static bool other_processes_may_not_read(void)
{
    long status = run_named("log_writer.elf", "logw_reader", "read", NULL);
    EXPECT(status == 0, "read and list refused with NOT_ALLOWED: status %ld",
           status);
    return true;
}

static const struct test tests[] = {
    TEST(the_kernel_ring_holds_the_boot_lines),
    TEST(lines_are_kept_numbered_with_their_level),
    TEST(a_name_keeps_its_lines_across_its_processes),
    TEST(several_lines_in_one_write_are_several_lines),
    TEST(a_full_ring_drops_its_oldest_lines_and_the_cursor_jumps),
    TEST(a_small_buffer_takes_whole_lines),
    TEST(a_killed_process_ring_says_why),
    TEST(the_list_names_every_ring_with_its_last_cursor),
    TEST(a_new_name_takes_one_ring),
    TEST(bad_arguments_give_errors),
    TEST(other_processes_may_not_read),
};

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "kernel") == 0) {
        mode = FTL_ISOLATION_KERNEL;
    }
    printf("logs_test: children in %s mode\n",
           mode == FTL_ISOLATION_KERNEL ? "kernel" : "user");
    return suite_run("os.logs", tests, sizeof(tests) / sizeof(tests[0]), NULL,
                     0);
}
