// {{name}}: tests {{service}} from outside, as any client would: it opens
// service/{{service}} through the supervisor, calls it, and prints the
// summary line `ftl test` collects: "{{name}}: N passed, N failed".
// Each check is a step of a chain of calls; add yours to the chain.
#include <stdio.h>
#include <string.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/loop.h>
#include <ftl/message.h>
#include <ftl/process.h>

struct test {
    struct ftl_loop *loop;
    struct ftl_client *service;
    char buffer[256];
    int passed, failed;
};

static void check(struct test *t, int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok" : "FAIL", what);
    if (ok) {
        t->passed++;
    } else {
        t->failed++;
    }
}

static void finish(struct test *t)
{
    printf("{{name}}: %d passed, %d failed\n", t->passed, t->failed);
    ftl_loop_stop(t->loop, t->failed == 0 ? 0 : 1);
}

static void on_read(const struct ftl_result *result, void *arg)
{
    struct test *t = arg;
    check(t, result->error == 0 && result->value > 0,
          "{{service}} answers READ with some bytes");
    if (result->error == 0) {
        t->buffer[result->value < sizeof(t->buffer) ? result->value
                                                    : sizeof(t->buffer) - 1] =
            '\0';
        printf("{{service}} says: %s", t->buffer);
    }
    finish(t);
}

static void on_open(const struct ftl_result *result, void *arg)
{
    struct test *t = arg;
    check(t, result->error == 0, "service/{{service}} opens");
    if (result->error != 0) {
        finish(t);
        return;
    }
    t->service = ftl_client_create(t->loop, result->handle);
    if (t->service == NULL ||
        ftl_client_read(t->service, 0, t->buffer, sizeof(t->buffer) - 1,
                        on_read, t) < 0) {
        check(t, 0, "READ can be sent");
        finish(t);
    }
}

int main(void)
{
    static struct test t;
    t.loop = ftl_loop_create();
    struct ftl_client *supervisor =
        t.loop != NULL ? ftl_client_create(t.loop, ftl_start_info->channel)
                       : NULL;
    if (supervisor == NULL ||
        ftl_client_open(supervisor, FTL_SERVICE_PREFIX "{{service}}", on_open,
                        &t) < 0) {
        printf("{{name}}: 0 passed, 1 failed\n");
        return 1;
    }
    return ftl_loop_run(t.loop);
}
