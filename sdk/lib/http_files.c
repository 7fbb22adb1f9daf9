// Static files from memory: a table of paths, types and bytes (files the
// program embeds, as apps/http_server does with .incbin) served under a
// route, with HEAD, and with an ETag so that a browser's revalidation
// costs a 304 instead of the bytes. The ETag is a hash of the content,
// computed on first use of each file: the table's data must not change.
#include "http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

struct files {
    const struct ftl_http_file *table;
    size_t count;
    size_t prefix_len; // of the pattern before its "/*"
    char (*etags)[20]; // "\"%016llx\"" per file, "" until computed
};

// FNV-1a, 64 bits: a fingerprint for caching, not a defence.
static uint64_t content_hash(const unsigned char *p, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ p[i]) * 1099511628211ULL;
    }
    return h;
}

static const char *file_etag(struct files *f, size_t i)
{
    if (f->etags[i][0] == '\0') {
        const struct ftl_http_file *file = &f->table[i];
        snprintf(f->etags[i], sizeof(f->etags[i]), "\"%016llx\"",
                 (unsigned long long)content_hash(file->data, file->size));
    }
    return f->etags[i];
}

static const struct ftl_http_file *file_lookup(struct files *f,
                                               const char *path, size_t *i)
{
    if (strcmp(path, "/") == 0 || path[0] == '\0') {
        path = "/index.html";
    }
    for (*i = 0; *i < f->count; (*i)++) {
        if (strcmp(f->table[*i].path, path) == 0) {
            return &f->table[*i];
        }
    }
    return NULL;
}

static void serve_file(struct ftl_http_request *req,
                       struct ftl_http_response *res, void *arg)
{
    struct files *f = arg;
    const char *path = ftl_http_path(req) + f->prefix_len;
    size_t i;
    const struct ftl_http_file *file = file_lookup(f, path, &i);
    if (!file) {
        ftl_http_send_text(res, 404, NULL);
        return;
    }
    const char *etag = file_etag(f, i);
    ftl_http_set_header(res, "ETag", etag);
    const char *match = ftl_http_header(req, "If-None-Match");
    if (match && (strstr(match, etag) || strcmp(match, "*") == 0)) {
        ftl_http_send(res, 304, NULL, NULL, 0);
        return;
    }
    ftl_http_send(res, 200, file->content_type, file->data, file->size);
}

int ftl_http_files(struct ftl_http_app *app, const char *pattern,
                   const struct ftl_http_file *files, size_t count)
{
    size_t len = strlen(pattern);
    if (pattern[0] != '/' || len < 2 || strcmp(pattern + len - 2, "/*") != 0) {
        return FTL_ERR_INVALID_ARG;
    }
    struct files *f = calloc(1, sizeof(*f) + count * sizeof(*f->etags));
    if (!f) {
        return FTL_ERR_NO_MEMORY;
    }
    f->table = files;
    f->count = count;
    f->prefix_len = len - 2;
    f->etags = (char(*)[20])(f + 1);
    struct http_route *r = http_route_add(app, "GET", pattern, serve_file, f);
    if (!r) {
        free(f);
        return FTL_ERR_NO_MEMORY;
    }
    r->owns_arg = true;
    return 0;
}

// The table of public/, generated into the program by service.mk
// (sdk/mk/public.sh); weak, so that a program without public/ links with
// both left undefined (their addresses null).
extern const struct ftl_http_file ftl_http_public_files[]
    __attribute__((weak));
extern const size_t ftl_http_public_count __attribute__((weak));

int ftl_http_public(struct ftl_http_app *app, const char *pattern)
{
    if (&ftl_http_public_count == NULL) {
        return FTL_ERR_NOT_FOUND;
    }
    return ftl_http_files(app, pattern, ftl_http_public_files,
                          ftl_http_public_count);
}
