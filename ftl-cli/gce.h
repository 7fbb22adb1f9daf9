// Google Compute Engine (docs/deploy/gce.md): the image GCE imports, made
// from the project's GRUB ISO as scripts/gce-image.sh makes it from the
// source tree's, and the names of the cloud resources `ftl deploy gce`
// creates.
#pragma once

#include <stdbool.h>

#include "image.h"

#define GCE_GIB (1024ll * 1024 * 1024)

// What gce_image_build wrote; paths are absolute.
struct gce_image {
    char *disk;    // DIR/gce/disk.raw: the ISO as a disk, whole GiB, sparse
    char *tarball; // DIR/gce/ftl-gce.tar.gz: oldgnu tar of disk.raw alone
};

// Packs img's ISO (built with .iso) into DIR/gce/ and prints both sizes.
// Only rewritten when the ISO changed. 0, or an exit code after the
// error was printed.
int gce_image_build(const struct image *img, struct gce_image *g);

// Whether s is a valid GCE resource name: a lowercase letter, then
// lowercase letters, digits or '-', not ending in '-', at most 63.
bool gce_name_is_valid(const char *s);

// name as a GCE resource name: '_' becomes '-' (FTL names allow '_').
char *gce_name(const char *name);
