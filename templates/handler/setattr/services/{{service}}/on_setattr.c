// SETATTR on {{service}}, added by `ftl generate handler setattr`.
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/server.h>

// SETATTR name=value: change a setting and reply with 0. Here "label" is
// kept (and logged); unknown names are NOT_FOUND, a too long value
// INVALID_ARG.
void {{service_ident}}_on_setattr(struct ftl_request *req, const char *name,
                                  const char *value)
{
    static char label[64];
    if (strcmp(name, "label") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    if (strlen(value) >= sizeof(label)) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    strcpy(label, value);
    FTL_LOG_INFO("label is now \"%s\"", label);
    ftl_request_reply(req, 0, NULL, 0);
}
