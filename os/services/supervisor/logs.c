// GETATTR logs and log/NAME/CURSOR: the kernel's log book (ftl/logs.h),
// which only the supervisor may read, relayed to the services its specs
// let administer the system (routing.c). One reply holds what fits in a
// message body; a reader pages through with the cursor the reply carries.
#include "logs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/logs.h>
#include <ftl/message.h>

#define LIST_ATTRIBUTE "logs"
#define LOG_PREFIX "log/"

_Static_assert(FTL_LOGS_LIST_MAX <= FTL_MSG_BODY_MAX,
               "the whole list fits in one reply");
_Static_assert(FTL_LOGS_ENTRY_MAX <= FTL_MSG_BODY_MAX,
               "a reply holds at least one line");

bool logs_is_attribute(const char *name)
{
    return strcmp(name, LIST_ATTRIBUTE) == 0 ||
           strncmp(name, LOG_PREFIX, strlen(LOG_PREFIX)) == 0;
}

// Splits "NAME/CURSOR" or "NAME" into name (FTL_NAME_MAX bytes) and
// cursor; false if malformed.
static bool parse(const char *text, char *name, uint64_t *cursor)
{
    const char *slash = strchr(text, '/');
    size_t len = slash != NULL ? (size_t)(slash - text) : strlen(text);
    if (len == 0 || len >= FTL_NAME_MAX) {
        return false;
    }
    memcpy(name, text, len);
    name[len] = '\0';
    *cursor = 0;
    if (slash == NULL) {
        return true;
    }
    const char *digits = slash + 1;
    if (*digits < '0' || *digits > '9') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long value = strtoull(digits, &end, 10);
    if (*end != '\0' || errno == ERANGE) {
        return false;
    }
    *cursor = value;
    return true;
}

void logs_getattr(struct ftl_request *req, const char *name)
{
    static char body[FTL_MSG_BODY_MAX];
    uint64_t value = 0;
    long n;
    if (strcmp(name, LIST_ATTRIBUTE) == 0) {
        n = ftl_log_list(body, sizeof(body), &value);
    } else {
        char service[FTL_NAME_MAX];
        uint64_t cursor;
        if (!parse(name + strlen(LOG_PREFIX), service, &cursor)) {
            ftl_request_fail(req, FTL_ERR_INVALID_ARG);
            return;
        }
        n = ftl_log_read(service, cursor, body, sizeof(body), &value);
    }
    if (n < 0) {
        ftl_request_fail(req, (int)n);
        return;
    }
    ftl_request_reply(req, value, body, (size_t)n);
}
