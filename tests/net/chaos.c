// net_chaos, a service of tests/net/restart.yaml: three seconds after it
// starts, it asks the supervisor to restart tcpip (SETATTR restart=tcpip on
// service/supervisor; its spec requires `supervisor`, which allows it), so
// that net_test can check the HTTP server serves again afterwards.
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <ftl/process.h>
#include <ftl/time.h>

#include "../os/ipc_util.h"

#define DELAY_NS (3000ull * 1000 * 1000)

int main(void)
{
    ftl_sleep_ns(DELAY_NS);
    ftl_handle_t sink = ftl_sink_create();
    struct ftl_msg reply;
    long n = ipc_request(sink, ftl_start_info->channel, FTL_MSG_OPEN,
                         "service/supervisor", &reply);
    if (n < 0 || reply.type != FTL_MSG_OPEN_REPLY) {
        printf("no channel to the supervisor\n");
        return 1;
    }
    n = ipc_request(sink, reply.handle, FTL_MSG_SETATTR, "restart=tcpip",
                    &reply);
    bool done = n >= 0 && reply.type == FTL_MSG_SETATTR_REPLY;
    printf("restart of tcpip %s\n", done ? "asked" : "refused");
    return done ? 0 : 1;
}
