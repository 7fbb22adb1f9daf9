// initfs lookups over the tar reader.
#include "initfs.h"

#include <ftl/error.h>

#include "tar.h"

static const void *initfs_archive;
static size_t initfs_size;

void initfs_init(const void *archive, size_t size)
{
    initfs_archive = archive;
    initfs_size = size;
}

int initfs_find(const char *path, const void **data, size_t *size)
{
    if (initfs_archive == NULL) {
        return FTL_ERR_NOT_FOUND;
    }
    struct tar_entry entry;
    int err = tar_find(initfs_archive, initfs_size, path, &entry);
    if (err < 0) {
        return err;
    }
    *data = entry.data;
    *size = entry.size;
    return 0;
}
