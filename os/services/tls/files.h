// Files of the boot image that tls's spec grants (`files:`), read whole
// through the supervisor: `OPEN file/PATH` on the first channel, then
// READs (docs/reference/spec.md).
#pragma once

#include <stddef.h>

#include <ftl/client.h>

// fn gets the file's bytes (malloc'ed, NUL-terminated after len, the
// callee frees them) or an error: FTL_ERR_NOT_FOUND (not in the image),
// FTL_ERR_NOT_ALLOWED (not granted), FTL_ERR_TOO_LARGE (over max).
typedef void (*file_read_fn)(int error, char *data, size_t len, void *arg);
int file_read_all(struct ftl_loop *loop, struct ftl_client *supervisor,
                  const char *path, size_t max, file_read_fn fn, void *arg);
