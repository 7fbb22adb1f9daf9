// {{name}}: a nanoservice. It answers READ with a greeting. Add handlers
// with `ftl generate handler open|read|write|getattr|setattr`, and calls to
// other services with `ftl generate client SERVICE`.
#include <stdio.h>

#include <ftl/client.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/server.h>

static const char greeting[] = "Hello from {{name}}!\n";

// READ: the greeting from offset on (the helper cuts it to what the caller
// asked for).
static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    (void)len;
    size_t size = sizeof(greeting) - 1;
    size_t start = offset < size ? (size_t)offset : size;
    ftl_request_reply_data(req, greeting + start, size - start);
}

// ftl generate handler: declarations above this line

static const struct ftl_server_ops ops = {
    .on_read = on_read,
    // ftl generate handler: registrations above this line
};

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_server *server = ftl_server_create(loop, &ops, NULL);
    if (server == NULL ||
        ftl_server_serve(server, ftl_start_info->channel, NULL) < 0) {
        FTL_LOG_ERROR("no service channel to serve");
        return 1;
    }
    // The channel to the supervisor, for calls to other services.
    struct ftl_client *supervisor =
        ftl_server_client(server, ftl_start_info->channel);
    (void)supervisor;
    // ftl generate client: calls above this line
    printf("ready\n");
    return ftl_loop_run(loop);
}
