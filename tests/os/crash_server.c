// A server built with the server helper that dies mid-call: it echoes
// WRITEs on its first channel and faults on any SETATTR, so that its
// clients see the crash (tests/os/sdk_test.c).
#include <stddef.h>
#include <stdint.h>

#include <ftl/process.h>
#include <ftl/server.h>

#include "unusable.h"

static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    (void)offset;
    ftl_request_reply(req, len, data, len);
}

static void on_setattr(struct ftl_request *req, const char *name,
                       const char *value)
{
    (void)req, (void)name, (void)value;
    crash_on_purpose(); // the request is never answered
}

static const struct ftl_server_ops ops = {.on_write = on_write,
                                          .on_setattr = on_setattr};

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    ftl_server_serve(server, ftl_start_info->channel, NULL);
    return ftl_loop_run(loop);
}
