// The running system of a project (session.h).
#include "session.h"

#include "files.h"
#include "text.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define STOP_GRACE_S 5
#define POLL_US 100000

void session_init(const struct project *p, struct session *s)
{
    s->dir = path_join(p->build, "run");
    s->pidfile = path_join(s->dir, "qemu.pid");
    s->console = path_join(s->dir, "console.log");
}

// Whether pid is a QEMU started with our pid file: pids are reused, and
// `ftl stop` must never kill a stranger.
static bool is_our_qemu(pid_t pid, const char *pidfile)
{
    // The arguments are NUL-separated: walk them.
    FILE *f = fopen(str_printf("/proc/%d/cmdline", (int)pid), "r");
    bool qemu = false, ours = false;
    char *arg = NULL;
    size_t cap = 0;
    while (f != NULL && getdelim(&arg, &cap, '\0', f) > 0) {
        qemu = qemu || strstr(arg, "qemu-system") != NULL;
        ours = ours || strcmp(arg, pidfile) == 0;
    }
    if (f != NULL) {
        fclose(f);
    }
    free(arg);
    return qemu && ours;
}

pid_t session_pid(const struct session *s)
{
    char *text = file_read(s->pidfile);
    if (text == NULL) {
        return 0;
    }
    pid_t pid = (pid_t)atoi(text);
    if (pid <= 0 || kill(pid, 0) < 0 || !is_our_qemu(pid, s->pidfile)) {
        unlink(s->pidfile);
        return 0;
    }
    return pid;
}

bool session_stop(const struct session *s)
{
    pid_t pid = session_pid(s);
    if (pid == 0) {
        return false;
    }
    kill(pid, SIGTERM);
    for (int i = 0; i < STOP_GRACE_S * 10 && kill(pid, 0) == 0; i++) {
        usleep(POLL_US);
    }
    if (kill(pid, 0) == 0) {
        kill(pid, SIGKILL);
    }
    unlink(s->pidfile);
    return true;
}

char *session_wait_ready(const struct session *s, pid_t pid, unsigned timeout_s,
                         bool echo)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    size_t shown = 0;
    for (;;) {
        char *console = file_read(s->console);
        if (console != NULL && echo && strlen(console) > shown) {
            fputs(console + shown, stdout);
            fflush(stdout);
            shown = strlen(console);
        }
        char *ready = console != NULL ? strstr(console, "system ready: ")
                                      : NULL;
        if (ready != NULL && strchr(ready, '\n') != NULL) {
            return str_printf("%.*s", (int)strcspn(ready, "\r\n"), ready);
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        // A child of ours (ftl dev, ftl test) that ended is a zombie that
        // kill() still finds: reap it first.
        bool gone = waitpid(pid, NULL, WNOHANG) == pid || kill(pid, 0) < 0;
        if (gone || now.tv_sec - start.tv_sec > (long)timeout_s) {
            return NULL;
        }
        usleep(POLL_US);
    }
}
