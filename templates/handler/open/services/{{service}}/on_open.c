// OPEN on {{service}}, added by `ftl generate handler open`.
#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/server.h>

// OPEN path: answers with a new channel that this service serves, so the
// caller's later requests arrive with a context (ftl_request_context) that
// says what was opened. Here every non-empty path opens, without context.
void {{service_ident}}_on_open(struct ftl_request *req, const char *path)
{
    if (path[0] == '\0') {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    FTL_LOG_INFO("open %s", path);
    ftl_request_reply_channel(req, NULL);
}
