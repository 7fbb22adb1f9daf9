// `ftl apply` in the supervisor: a bundle (a ustar archive of the new
// boot.manifest and the program files that changed) is reconciled with
// the running system one step at a time (plan.h): removed services stop,
// changed ones are stopped and started again with their new spec and
// program, new ones start. A service that fails to start, or exits within
// its first second, is rolled back: a replaced one to its previous spec
// and program, a new one removed. The WRITE that brought the bundle is
// answered once every step is done, with one line per step as the body
// and the number of rollbacks as the value (docs/concepts/specs.md).
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <ftl/server.h>

#include "service.h"

// Starts applying the bundle of a WRITE (data, len); answers req when done.
// One apply at a time: another meanwhile gets FTL_ERR_BUSY.
void apply_bundle(struct ftl_request *req, const void *data, size_t len);

// GETATTR apply/progress/OFFSET: the lines of the apply under way from
// byte OFFSET of its report on (at most max bytes, whole lines, into out);
// *total is the report's length so far. FTL_ERR_NOT_FOUND when no apply
// runs. The control service streams them as they come.
long apply_progress(size_t offset, char *out, size_t max, size_t *total);

// The exit of s, if an apply stopped it or waits for it to settle: the
// apply goes on and true is returned; false leaves s to its restart policy.
bool apply_takes_exit(struct service *s);
