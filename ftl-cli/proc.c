// Child processes (proc.h): fork and exec, with optional output capture
// through a pipe, a log file, and a time-out enforced with a poll loop
// (no signals, so the caller's own SIGCHLD and SIGINT handling is left
// alone).
#include "proc.h"

#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// In the child: set up cwd and output, then exec; never returns.
static void child_start(char *const argv[], const struct proc_options *opt,
                        int out_pipe)
{
    if (opt->cwd != NULL && chdir(opt->cwd) < 0) {
        fprintf(stderr, "ftl: cannot enter %s: %s\n", opt->cwd,
                strerror(errno));
        _exit(127);
    }
    if (opt->log != NULL) {
        int fd = open(opt->log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
    }
    if (opt->err_log != NULL) {
        int fd = open(opt->err_log, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
    }
    if (out_pipe >= 0) {
        dup2(out_pipe, STDOUT_FILENO);
    }
    // Programs started from here read no terminal input (QEMU probes
    // included); the interactive QEMU of `ftl run` is exec'd instead.
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
    }
    execvp(argv[0], argv);
    fprintf(stderr, "ftl: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

// Appends what fd has to *buf; false at end of file.
static bool capture_some(int fd, char **buf, size_t *len, size_t *cap)
{
    if (*len + 4096 + 1 > *cap) {
        *cap = (*len + 4096 + 1) * 2;
        *buf = realloc(*buf, *cap);
        if (*buf == NULL) {
            return false;
        }
    }
    ssize_t n = read(fd, *buf + *len, 4096);
    if (n < 0 && errno == EINTR) {
        return true;
    }
    if (n <= 0) {
        return false;
    }
    *len += (size_t)n;
    return true;
}

static int status_of(int wstatus)
{
    if (WIFEXITED(wstatus)) {
        return WEXITSTATUS(wstatus);
    }
    return 128 + WTERMSIG(wstatus);
}

// Waits for pid, reading the capture pipe (fd, or -1) meanwhile, until the
// deadline (0: none).
static int child_wait(pid_t pid, int fd, const struct proc_options *opt)
{
    double deadline = opt->timeout_s ? now_s() + opt->timeout_s : 0;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int wstatus;
    for (;;) {
        // Nothing to read and no deadline: just wait.
        bool block = fd < 0 && deadline == 0;
        pid_t done = waitpid(pid, &wstatus, block ? 0 : WNOHANG);
        if (done == pid) {
            break;
        }
        if (deadline != 0 && now_s() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &wstatus, 0);
            wstatus = -1;
            break;
        }
        if (fd >= 0) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, 100) > 0 && !capture_some(fd, &buf, &len, &cap)) {
                close(fd);
                fd = -1;
            }
        } else {
            usleep(20000);
        }
    }
    while (fd >= 0 && capture_some(fd, &buf, &len, &cap)) {
    }
    if (fd >= 0) {
        close(fd);
    }
    if (opt->capture != NULL) {
        *opt->capture = buf != NULL ? buf : str_printf("%s", "");
        (*opt->capture)[len] = '\0';
    }
    return wstatus == -1 ? PROC_TIMED_OUT : status_of(wstatus);
}

int proc_run(char *const argv[], const struct proc_options *opt)
{
    static const struct proc_options none;
    opt = opt != NULL ? opt : &none;
    int pipe_fds[2] = {-1, -1};
    if (opt->capture != NULL && pipe2(pipe_fds, O_CLOEXEC) < 0) {
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        child_start(argv, opt, pipe_fds[1]);
    }
    if (pipe_fds[1] >= 0) {
        close(pipe_fds[1]);
    }
    return child_wait(pid, pipe_fds[0], opt);
}

int proc_start(char *const argv[])
{
    static const struct proc_options none;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        child_start(argv, &none, -1);
    }
    return pid;
}

int proc_exec(char *const argv[])
{
    fflush(NULL);
    execvp(argv[0], argv);
    return -1;
}

bool proc_in_path(const char *name)
{
    const char *path = getenv("PATH");
    if (path == NULL || strchr(name, '/') != NULL) {
        return access(name, X_OK) == 0;
    }
    char *dirs = str_printf("%s", path), *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d != NULL;
         d = strtok_r(NULL, ":", &save)) {
        if (access(str_printf("%s/%s", d, name), X_OK) == 0) {
            return true;
        }
    }
    return false;
}

char *proc_describe(char *const argv[])
{
    char *line = str_printf("%s", "");
    for (char *const *a = argv; *a != NULL; a++) {
        bool plain = strpbrk(*a, " \t'\"$\\*?;&|<>()") == NULL && **a != '\0';
        line = str_printf(plain ? "%s%s%s" : "%s%s'%s'", line,
                          a == argv ? "" : " ", *a);
    }
    return line;
}
