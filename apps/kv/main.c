// kv: an in-memory key-value service.
//
//   OPEN "kv/<key>"     on the service channel: a channel for that key
//                       (created empty on first open)
//   READ, WRITE         on a key channel: the value's bytes, at an offset
//   GETATTR "size"      on a key channel: the value's length, in decimal
//   SETATTR "size=N"    on a key channel: cut or zero-extend the value
//   GETATTR "keys"      on the service channel: how many keys exist
//
// Everything else gets an error reply: the server helper answers types
// without a handler, the handlers answer names they do not know. The store
// itself is in store.c; this file only maps requests onto it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/process.h>
#include <ftl/server.h>

#include "store.h"

#define KV_PREFIX "kv/"

// Requests on the service channel have no context; on a key channel, the
// context is the key's entry.
static struct kv_entry *key_of(struct ftl_request *req)
{
    return ftl_request_context(req);
}

static void on_open(struct ftl_request *req, const char *path)
{
    if (key_of(req) != NULL ||
        strncmp(path, KV_PREFIX, strlen(KV_PREFIX)) != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    const char *key = path + strlen(KV_PREFIX);
    if (*key == '\0' || strlen(key) > KV_KEY_MAX) {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    struct kv_entry *entry = kv_store_get(key);
    if (entry == NULL) {
        ftl_request_fail(req, FTL_ERR_NO_MEMORY);
        return;
    }
    FTL_LOG_DEBUG("open %s", key);
    ftl_request_reply_channel(req, entry);
}

static void on_read(struct ftl_request *req, uint64_t offset, size_t len)
{
    if (key_of(req) == NULL) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    const void *data;
    len = kv_entry_read(key_of(req), offset, len, &data);
    ftl_request_reply_data(req, data, len);
}

static void on_write(struct ftl_request *req, uint64_t offset, const void *data,
                     size_t len)
{
    if (key_of(req) == NULL) {
        ftl_request_fail(req, FTL_ERR_NOT_SUPPORTED);
        return;
    }
    int err = kv_entry_write(key_of(req), offset, data, len);
    if (err < 0) {
        ftl_request_fail(req, err);
        return;
    }
    ftl_request_reply(req, len, NULL, 0);
}

static void on_getattr(struct ftl_request *req, const char *name)
{
    char value[24];
    if (key_of(req) != NULL && strcmp(name, "size") == 0) {
        snprintf(value, sizeof(value), "%zu", kv_entry_size(key_of(req)));
    } else if (key_of(req) == NULL && strcmp(name, "keys") == 0) {
        snprintf(value, sizeof(value), "%zu", kv_store_count());
    } else {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    ftl_request_reply(req, 0, value, strlen(value));
}

static void on_setattr(struct ftl_request *req, const char *name,
                       const char *value)
{
    if (key_of(req) == NULL || strcmp(name, "size") != 0) {
        ftl_request_fail(req, FTL_ERR_NOT_FOUND);
        return;
    }
    char *end;
    unsigned long long size = strtoull(value, &end, 10);
    if (*value == '\0' || *end != '\0') {
        ftl_request_fail(req, FTL_ERR_INVALID_ARG);
        return;
    }
    int err = kv_entry_resize(key_of(req), size);
    if (err < 0) {
        ftl_request_fail(req, err);
        return;
    }
    ftl_request_reply(req, 0, NULL, 0);
}

static const struct ftl_server_ops kv_ops = {
    .on_open = on_open,
    .on_read = on_read,
    .on_write = on_write,
    .on_getattr = on_getattr,
    .on_setattr = on_setattr,
};

int main(void)
{
    struct ftl_loop *loop = ftl_loop_create();
    struct ftl_server *server = ftl_server_create(loop, &kv_ops, NULL);
    if (server == NULL ||
        ftl_server_serve(server, ftl_start_info->channel, NULL) < 0) {
        FTL_LOG_ERROR("no service channel to serve");
        return 1;
    }
    return ftl_loop_run(loop);
}
