// GETATTR on {{service}}, added by `ftl generate handler getattr`.
#include <string.h>

#include <ftl/error.h>
#include <ftl/server.h>

// GETATTR name: reply with the value as text. Unknown names are NOT_FOUND.
void {{service_ident}}_on_getattr(struct ftl_request *req, const char *name)
{
    if (strcmp(name, "name") == 0) {
        ftl_request_reply(req, 0, "{{service}}", strlen("{{service}}"));
        return;
    }
    ftl_request_fail(req, FTL_ERR_NOT_FOUND);
}
