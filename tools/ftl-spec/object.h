// The envelope every spec file shares, as Kubernetes objects do:
//
//   apiVersion: ftl/v1
//   kind: Service            # or System
//   metadata:
//     name: NAME
//   spec: {...}
#pragma once

#include "ydoc.h"

#include <stdbool.h>

#define OBJECT_API_VERSION "ftl/v1"

struct object {
    const char *name; // NULL when missing or unusable (reported)
    struct loc name_loc;
    yaml_node_t *spec; // NULL when missing or not a mapping
};

// The kind a document says it is, without reporting anything; NULL if it
// has none.
const char *object_kind(struct ydoc *d);

// Reads and checks the envelope of a document of the given kind; a missing
// spec is an error only if spec_required.
void object_read(struct ydoc *d, const char *kind, bool spec_required,
                 struct object *obj);
