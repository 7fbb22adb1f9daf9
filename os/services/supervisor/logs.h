// The kernel's log lines, served to services that may administer the
// system (GETATTR logs and log/NAME/CURSOR; routing.c checks who asks).
#pragma once

#include <stdbool.h>

#include <ftl/server.h>

// Whether a GETATTR name is one of these.
bool logs_is_attribute(const char *name);

// Answers GETATTR `name` (logs_is_attribute): for "logs", the list of
// names ("NAME LAST\n" each) with their count as the reply's value; for
// "log/NAME/CURSOR" (or "log/NAME": cursor 0), the lines of NAME after
// CURSOR that fit in a reply ("CURSOR TEXT\n" each) with the last one's
// cursor as the value (CURSOR itself when none came). Errors:
// FTL_ERR_INVALID_ARG (a malformed name or cursor), FTL_ERR_NOT_FOUND (no
// lines of NAME kept).
void logs_getattr(struct ftl_request *req, const char *name);
