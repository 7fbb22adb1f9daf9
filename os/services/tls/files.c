// Reading a granted file whole (files.h), 4 KiB per READ, inline.
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/loop.h>
#include <ftl/message.h>

struct reading {
    struct ftl_loop *loop;
    struct ftl_client *file;
    char *data;
    size_t len, max;
    file_read_fn fn;
    void *arg;
};

static void finish(struct reading *r, int error)
{
    if (r->file != NULL) {
        ftl_client_destroy(r->file);
    }
    if (error < 0) {
        free(r->data);
        r->fn(error, NULL, 0, r->arg);
    } else {
        r->data[r->len] = '\0';
        r->fn(0, r->data, r->len, r->arg);
    }
    free(r);
}

static void read_next(struct reading *r);

static void on_read(const struct ftl_result *result, void *arg)
{
    struct reading *r = arg;
    if (result->error < 0) {
        finish(r, result->error);
        return;
    }
    if (result->body_len == 0) {
        finish(r, 0);
        return;
    }
    if (r->len + result->body_len > r->max) {
        finish(r, FTL_ERR_TOO_LARGE);
        return;
    }
    memcpy(r->data + r->len, result->body, result->body_len);
    r->len += result->body_len;
    read_next(r);
}

static void read_next(struct reading *r)
{
    int err = ftl_client_read(r->file, r->len, NULL, FTL_MSG_BODY_MAX, on_read,
                              r);
    if (err < 0) {
        finish(r, err);
    }
}

static void on_open(const struct ftl_result *result, void *arg)
{
    struct reading *r = arg;
    if (result->error < 0) {
        finish(r, result->error);
        return;
    }
    r->file = ftl_client_create(r->loop, result->handle);
    if (r->file == NULL) {
        ftl_handle_close(result->handle);
        finish(r, FTL_ERR_NO_MEMORY);
        return;
    }
    read_next(r);
}

int file_read_all(struct ftl_loop *loop, struct ftl_client *supervisor,
                  const char *path, size_t max, file_read_fn fn, void *arg)
{
    char open_path[128];
    int n = snprintf(open_path, sizeof(open_path), "file/%s", path);
    if (n < 0 || (size_t)n >= sizeof(open_path)) {
        return FTL_ERR_TOO_LARGE;
    }
    struct reading *r = calloc(1, sizeof(*r));
    char *data = malloc(max + 1);
    if (r == NULL || data == NULL) {
        free(r);
        free(data);
        return FTL_ERR_NO_MEMORY;
    }
    *r = (struct reading){
        .loop = loop, .data = data, .max = max, .fn = fn, .arg = arg};
    int err = ftl_client_open(supervisor, open_path, on_open, r);
    if (err < 0) {
        free(data);
        free(r);
    }
    return err;
}
