// Calls from {{service}} to {{target}}, added by `ftl generate client
// {{target}}`: {{service}}'s spec requires {{target}}, so the supervisor
// connects it when it opens service/{{target}}. This first call reads from
// {{target}} and prints the answer; replace it with the calls you need
// (ftl/client.h: open, read, write, getattr, setattr).
#include <stdio.h>

#include <ftl/client.h>
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/message.h>

static struct {
    struct ftl_loop *loop;
    struct ftl_client *client; // calls {{target}}
    char buffer[128];
} {{target_ident}};

static void on_read(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        printf("{{target}} answered READ with an error: %s\n",
               ftl_error_str(result->error));
        return;
    }
    printf("{{target}} answered READ with %lu bytes\n",
           (unsigned long)result->value);
}

static void on_open(const struct ftl_result *result, void *arg)
{
    (void)arg;
    if (result->error < 0) {
        FTL_LOG_ERROR("open service/{{target}}: %s",
                      ftl_error_str(result->error));
        return;
    }
    {{target_ident}}.client =
        ftl_client_create({{target_ident}}.loop, result->handle);
    if ({{target_ident}}.client != NULL) {
        ftl_client_read({{target_ident}}.client, 0, {{target_ident}}.buffer,
                        sizeof({{target_ident}}.buffer), on_read, NULL);
    }
}

// Opens service/{{target}} through the supervisor (the client on the
// service's first channel); the calls follow from the callbacks.
void {{target_ident}}_client_start(struct ftl_loop *loop,
                                   struct ftl_client *supervisor)
{
    {{target_ident}}.loop = loop;
    if (ftl_client_open(supervisor, FTL_SERVICE_PREFIX "{{target}}", on_open,
                        NULL) < 0) {
        FTL_LOG_ERROR("cannot open service/{{target}}");
    }
}
