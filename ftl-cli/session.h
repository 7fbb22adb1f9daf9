// A project's running system: the QEMU that `ftl run` (or `ftl dev`)
// started, known by its pid file build/run/qemu.pid, with its serial
// console in build/run/console.log when detached. `ftl stop` ends it.
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "project.h"

struct session {
    char *dir;     // build/run
    char *pidfile; // build/run/qemu.pid
    char *console; // build/run/console.log
};

void session_init(const struct project *p, struct session *s);

// The pid of the project's QEMU if it runs, else 0. A stale pid file (the
// process is gone, or the pid now belongs to another program) counts as
// not running.
pid_t session_pid(const struct session *s);

// Stops the project's QEMU (SIGTERM, then SIGKILL after a few seconds);
// true if one was running.
bool session_stop(const struct session *s);

// Waits for "system ready: N services running" in the console file while
// pid lives; copies the console to stdout as it grows when echo is set.
// Returns the ready line, or NULL on time-out or when QEMU ended first.
char *session_wait_ready(const struct session *s, pid_t pid, unsigned timeout_s,
                         bool echo);
