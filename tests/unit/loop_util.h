// For unit tests of code on the event loop with the fake IPC layer: run a
// loop until everything waiting now has been handled.
#pragma once

#include <ftl/loop.h>

static inline void loop_util_stop(struct ftl_loop *loop,
                                  struct ftl_loop_timer *timer, void *arg)
{
    (void)timer, (void)arg;
    ftl_loop_stop(loop, 0);
}

// The fake serves every waiting event before a sink wait times out, and
// only a time-out moves its clock to the 1 ns timer.
static inline void loop_run_pending(struct ftl_loop *loop)
{
    struct ftl_loop_timer idle = {0};
    ftl_loop_timer_start(loop, &idle, 1, 0, loop_util_stop, 0);
    ftl_loop_run(loop);
    ftl_loop_timer_cancel(loop, &idle);
}
