// pong: answers every WRITE on its first channel with the same bytes, so
// that ping (or a benchmark) can time round trips. It exits when the
// channel closes: the loop then has nothing left to wait for.
#include <stddef.h>
#include <stdint.h>

#include <ftl/process.h>
#include <ftl/server.h>

static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    (void)offset;
    ftl_request_reply(req, len, data, len);
}

static const struct ftl_server_ops ops = {.on_write = on_write};

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    ftl_server_serve(server, ftl_start_info->channel, NULL);
    return ftl_loop_run(loop);
}
