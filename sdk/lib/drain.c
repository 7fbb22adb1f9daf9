// Draining (ftl/drain.h): the hooks, and the supervisor's request, which
// reaches a program on its first channel whether the program serves that
// channel (server.c) or only calls on it (client.c).
#include <ftl/drain.h>

#include <stdbool.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/message.h>
#include <ftl/process.h>

#include "drain_internal.h"

static struct {
    ftl_drain_fn fn;
    void *arg;
} hooks[FTL_DRAIN_HOOKS_MAX];
static unsigned hook_count;
static bool drained;

int ftl_on_drain(ftl_drain_fn fn, void *arg)
{
    if (hook_count == FTL_DRAIN_HOOKS_MAX) {
        return FTL_ERR_LIMIT;
    }
    hooks[hook_count].fn = fn;
    hooks[hook_count].arg = arg;
    hook_count++;
    return 0;
}

void ftl_drain_cancel(ftl_drain_fn fn, void *arg)
{
    for (unsigned i = 0; i < hook_count; i++) {
        if (hooks[i].fn == fn && hooks[i].arg == arg) {
            hooks[i] = hooks[--hook_count]; // the order of the rest may change
            return;
        }
    }
}

bool drain_is_request(ftl_handle_t channel, const char *name)
{
    return ftl_start_info != NULL && channel == ftl_start_info->channel &&
           strcmp(name, FTL_DRAIN_ATTR) == 0;
}

int drain_start(void)
{
    if (hook_count == 0) {
        return FTL_ERR_NOT_SUPPORTED; // the supervisor stops us instead
    }
    if (!drained) { // a second request changes nothing
        drained = true;
        for (unsigned i = 0; i < hook_count; i++) {
            hooks[i].fn(hooks[i].arg);
        }
    }
    return 0;
}
