// {{ident}}_store: the items of the {{name}} resource,
// held in memory as cJSON objects, each with an integer "id" (1, 2, ...)
// that the store gives it.
// They last as long as the program; for data that must outlive a restart,
// keep them in a service of their own (the base's kv, say).
#pragma once

#include <stdbool.h>

struct cJSON;

// Every item, copied into a JSON array in id order; NULL when out of
// memory.
struct cJSON *{{ident}}_store_list(void);

// The item with id, owned by the store (valid until the next change);
// NULL if there is none.
const struct cJSON *{{ident}}_store_find(long id);

// Adds item (a JSON object, taken over by the store) under a new id, which
// is set as its "id" and returned; -1 when out of memory (item is freed).
long {{ident}}_store_add(struct cJSON *item);

// Puts item (taken over) in the place of the item with id, keeping that
// id; false, item freed, if there is no such item (or no memory).
bool {{ident}}_store_replace(long id, struct cJSON *item);

// Removes and frees the item with id; false if there is none.
bool {{ident}}_store_remove(long id);
