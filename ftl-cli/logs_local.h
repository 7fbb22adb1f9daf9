// `ftl logs [SERVICE] [--follow]` against the running system: the log
// lines its supervisor keeps per service (docs/cli.md, "ftl logs"), read
// over the control channel (control.h).
#pragma once

#include <stdbool.h>

#include "control.h"

// Prints the lines of service (or `kernel`); of every service the
// system's status lists when service is NULL, each line after "[NAME] ".
// follow: a service's lines through `logs-follow` until Ctrl-C; every
// service's through `logs NAME CURSOR` asked each second. An exit code.
int logs_local(const char *service, bool follow, struct control_target *t);
