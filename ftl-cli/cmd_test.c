// ftl test: boots the system with the project's test services (tests/)
// and collects the summary line each prints, `NAME: N passed, N failed`.
// The console streams to stdout; the last line is the total in the same
// form (`test: N passed, N failed`), and the exit status is 1 when any
// test failed or a test service never reported (it crashed or hung).
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "runcfg.h"
#include "text.h"

#include <getopt.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TEST_TIMEOUT_S 120
#define POLL_US 100000
#define TESTS_MAX 64

static const char usage[] =
    "usage: ftl test [--timeout SECONDS] [--accel tcg|kvm] [--memory SIZE]\n\n"
    "Builds the project with its test services (every tests/NAME/ with a\n"
    "service.yaml), boots it, shows the console and collects each test's\n"
    "summary line, `NAME: N passed, N failed`. Ends with the total; exit\n"
    "status 1 if any test failed or did not report within the time-out.\n\n"
    "  --timeout SECONDS  how long to wait for every test (120)\n"
    "  --accel, --memory  as for `ftl run`\n"
    "  -h, --help         this help\n";

struct results {
    const char **names; // the test services
    unsigned count;
    bool reported[TESTS_MAX];
    unsigned passed, failed;
};

// Takes the summary lines in console (`[SERVICE] SUITE: N passed, N
// failed`, printed by a test service); true once every test reported.
static bool results_collect(struct results *r, const char *console)
{
    regex_t re;
    regcomp(&re, "^\\[([a-z][a-z0-9_-]*)\\] [A-Za-z0-9_.-]+: ([0-9]+) passed, "
                 "([0-9]+) failed",
            REG_EXTENDED | REG_NEWLINE);
    regmatch_t m[4];
    unsigned reported = 0;
    r->passed = r->failed = 0;
    for (unsigned i = 0; i < r->count; i++) {
        r->reported[i] = false;
    }
    for (const char *at = console; regexec(&re, at, 4, m, 0) == 0;
         at += m[0].rm_eo) {
        for (unsigned i = 0; i < r->count; i++) {
            size_t len = (size_t)(m[1].rm_eo - m[1].rm_so);
            if (strlen(r->names[i]) == len &&
                strncmp(at + m[1].rm_so, r->names[i], len) == 0 &&
                !r->reported[i]) {
                r->reported[i] = true;
                reported++;
                r->passed += (unsigned)atoi(at + m[2].rm_so);
                r->failed += (unsigned)atoi(at + m[3].rm_so);
            }
        }
    }
    regfree(&re);
    return reported == r->count;
}

// Boots and watches the console until every test reported, QEMU ended or
// the time-out; echoes the console.
static void tests_run(char **argv, const char *console, struct results *r,
                      unsigned timeout_s)
{
    unlink(console);
    pid_t pid = proc_start(argv);
    time_t deadline = time(NULL) + timeout_s;
    size_t shown = 0;
    bool done = false, ended = false;
    while (!done && !ended && pid > 0) {
        usleep(POLL_US);
        ended = waitpid(pid, NULL, WNOHANG) == pid;
        char *text = file_read(console);
        if (text != NULL && strlen(text) > shown) {
            fputs(text + shown, stdout);
            fflush(stdout);
            shown = strlen(text);
        }
        done = text != NULL && results_collect(r, text);
        if (time(NULL) > deadline) {
            out_warn("time-out: not every test reported within %u s",
                     timeout_s);
            break;
        }
    }
    if (pid > 0 && !ended) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

int cmd_test(int argc, char **argv)
{
    static const struct option options[] = {
        RUN_ARGS_OPTIONS,
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static struct run_args a;
    unsigned timeout_s = TEST_TIMEOUT_S;
    int c, rc;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        if ((rc = run_args_option(&a, c, optarg, usage)) < 0) {
            return -rc;
        } else if (rc == 1) {
            continue;
        } else if (c == 't' && atoi(optarg) > 0) {
            timeout_s = (unsigned)atoi(optarg);
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    struct project p;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    static struct results r;
    r.names = (const char **)project_folders(&p, "tests");
    while (r.names[r.count] != NULL && r.count < TESTS_MAX) {
        r.count++;
    }
    if (r.count == 0) {
        return out_error(EXIT_FAILED, "add one with `ftl generate test NAME`",
                         "the project has no tests (no tests/NAME/service.yaml)");
    }
    static struct image img;
    static struct qemu_config config;
    struct image_options o = {.tests = true};
    if ((err = image_build(&p, &o, &img)) != 0 ||
        (err = run_config(&p, &img, &a, &config)) != 0) {
        return err;
    }
    char *console = path_join(img.dir, "console.log");
    config.serial = str_printf("file:%s", console);
    // Its own control channel: a test run beside `ftl run` must not take
    // over build/run/control.sock.
    config.control = path_join(img.dir, "control.sock");
    out_info("FTL: booting %s with %u test service%s (%s)",
             img.manifest.system, r.count, r.count == 1 ? "" : "s",
             config.accel);
    tests_run(qemu_argv(&config), console, &r, timeout_s);
    unsigned missing = 0;
    for (unsigned i = 0; i < r.count; i++) {
        if (!r.reported[i]) {
            out_error(EXIT_FAILED, NULL, "%s printed no summary line (it "
                      "crashed, hung or never started)", r.names[i]);
            missing++;
        }
    }
    printf("test: %u passed, %u failed\n", r.passed, r.failed + missing);
    return r.failed + missing == 0 ? EXIT_OK : EXIT_FAILED;
}
