// Running other programs: make, ftl-spec, tar, grub-mkrescue, QEMU.
// Arguments go straight to execvp: no shell, so paths with spaces or
// quotes in them are safe.
#pragma once

#include <stdbool.h>

#define PROC_TIMED_OUT (-2) // status of a run that hit its time-out

struct proc_options {
    const char *cwd; // NULL: the current folder
    const char *log; // NULL: inherit stdout and stderr; else both go (truncated) to this file
    char **capture;  // not NULL: stdout into new memory here (NUL-terminated)
    const char *err_log; // not NULL: stderr alone (truncated) to this file
    unsigned timeout_s; // 0: none; else killed after that long
};

// Runs argv (argv[0] looked up in PATH) and waits. Returns its exit
// status, 128 + signal number if a signal ended it, PROC_TIMED_OUT, or -1
// if it could not be started (errno says why).
int proc_run(char *const argv[], const struct proc_options *opt);

// Starts argv in the background (stdin from /dev/null, output inherited);
// its pid, or -1. The caller reaps it with waitpid.
int proc_start(char *const argv[]);

// Replaces this process with argv; returns only on failure (errno set).
int proc_exec(char *const argv[]);

// Whether a program of that name is in PATH.
bool proc_in_path(const char *name);

// The command line, quoted for a shell, for messages and V=1 output.
char *proc_describe(char *const argv[]);
