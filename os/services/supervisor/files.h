// File grants: a service whose spec lists PATH in `files:` may read that
// file of the initfs. `OPEN file/PATH` on its channel to the supervisor
// answers with a channel the supervisor serves for the file:
//   READ (at an offset, inline up to 4 KiB or into a loan) -> its bytes,
//       at most FILES_READ_MAX per READ, 0 at the end;
//   GETATTR size -> the size in bytes, as text and as the reply's value.
// A path the spec does not list gets FTL_ERR_NOT_ALLOWED (and a log line),
// a listed one the image does not hold FTL_ERR_NOT_FOUND. A service holds
// at most FILES_OPEN_MAX such channels at once (FTL_ERR_LIMIT beyond).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ftl/server.h>

#include "service.h"

#define FILES_PREFIX "file/"
#define FILES_OPEN_MAX 16
#define FILES_READ_MAX (16u * 1024)

// Whether a served channel's context is a file channel.
bool files_is_file(const void *context);

// OPEN file/PATH (path is after the prefix) from service from.
void files_open(struct ftl_request *req, struct service *from,
                const char *path);

// READ and GETATTR on a file channel (context from files_is_file).
void files_read(struct ftl_request *req, void *context, uint64_t offset,
                size_t len);
void files_getattr(struct ftl_request *req, void *context, const char *name);

// A file channel is gone.
void files_close(void *context);
