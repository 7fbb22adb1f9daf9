// File grants (see files.h). Each service has a fixed table of file
// channels, so what one service opens is bounded and the contexts are
// told apart from the services' own by their address.
#include "files.h"

#include <stdio.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>

#include "refusal.h"

struct file_channel {
    const char *path; // the spec's string; NULL when the slot is free
    uint64_t size;
};

static struct file_channel channels[FTL_MANIFEST_SERVICES_MAX][FILES_OPEN_MAX];

// The buffer READ replies are copied from (the supervisor is one thread).
static char buffer[FILES_READ_MAX];

bool files_is_file(const void *context)
{
    const char *first = (const char *)channels;
    return (const char *)context >= first &&
           (const char *)context < first + sizeof(channels);
}

static const char *granted(const struct ftl_manifest_service *spec,
                           const char *path)
{
    for (unsigned i = 0; i < spec->file_count; i++) {
        if (strcmp(spec->files[i], path) == 0) {
            return spec->files[i];
        }
    }
    return NULL;
}

void files_open(struct ftl_request *req, struct service *from,
                const char *path)
{
    const char *grant = from != NULL ? granted(from->spec, path) : NULL;
    if (grant == NULL) {
        if (refusal_may_log(from)) {
            FTL_LOG_WARN("%s may not open file/%s: not in its files",
                         from != NULL ? from->spec->name : "a status client",
                         refusal_text(path));
        }
        ftl_request_fail(req, FTL_ERR_NOT_ALLOWED);
        return;
    }
    long size = ftl_initfs_read(grant, 0, NULL, 0); // its size
    if (size < 0) {
        ftl_request_fail(req, (int)size);
        return;
    }
    struct file_channel *table = channels[from - supervisor.services];
    for (unsigned i = 0; i < FILES_OPEN_MAX; i++) {
        if (table[i].path == NULL) {
            table[i] = (struct file_channel){.path = grant,
                                             .size = (uint64_t)size};
            ftl_request_reply_channel(req, &table[i]);
            return;
        }
    }
    ftl_request_fail(req, FTL_ERR_LIMIT);
}

void files_read(struct ftl_request *req, void *context, uint64_t offset,
                size_t len)
{
    struct file_channel *file = context;
    if (offset >= file->size) {
        ftl_request_reply_data(req, NULL, 0);
        return;
    }
    if (len > FILES_READ_MAX) {
        len = FILES_READ_MAX;
    }
    long n = ftl_initfs_read(file->path, offset, buffer, len);
    if (n < 0) {
        ftl_request_fail(req, (int)n);
        return;
    }
    ftl_request_reply_data(req, buffer, (size_t)n);
}

void files_getattr(struct ftl_request *req, void *context, const char *name)
{
    struct file_channel *file = context;
    if (strcmp(name, "size") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    char text[24];
    int n = snprintf(text, sizeof(text), "%llu",
                     (unsigned long long)file->size);
    ftl_request_reply(req, file->size, text, (size_t)n);
}

void files_close(void *context)
{
    struct file_channel *file = context;
    file->path = NULL;
}
