// The items of {{ident}}_store.h, in a growable array in id order. Ids
// only grow, so the array stays sorted without sorting, and a lookup is a
// binary search.
#include "{{ident}}_store.h"

#include <stdlib.h>

#include <cJSON.h>

#define STORE_CAPACITY_MIN 8

static cJSON **items;
static size_t count, capacity;
static long next_id = 1;

static long item_id(const cJSON *item)
{
    return (long)cJSON_GetNumberValue(cJSON_GetObjectItem(item, "id"));
}

// The index of the item with id, or -1.
static long store_index(long id)
{
    size_t low = 0, high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        long at = item_id(items[middle]);
        if (at == id) {
            return (long)middle;
        }
        if (at < id) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return -1;
}

// Sets item's "id", replacing one the client may have sent.
static bool item_set_id(cJSON *item, long id)
{
    cJSON_DeleteItemFromObject(item, "id");
    return cJSON_AddNumberToObject(item, "id", (double)id) != NULL;
}

cJSON *{{ident}}_store_list(void)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; list != NULL && i < count; i++) {
        cJSON *copy = cJSON_Duplicate(items[i], true);
        if (copy == NULL || !cJSON_AddItemToArray(list, copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(list);
            list = NULL;
        }
    }
    return list;
}

const cJSON *{{ident}}_store_find(long id)
{
    long i = store_index(id);
    return i < 0 ? NULL : items[i];
}

long {{ident}}_store_add(cJSON *item)
{
    if (count == capacity) {
        size_t grown = capacity < STORE_CAPACITY_MIN ? STORE_CAPACITY_MIN
                                                     : capacity * 2;
        cJSON **bigger = realloc(items, grown * sizeof(*items));
        if (bigger == NULL) {
            cJSON_Delete(item);
            return -1;
        }
        items = bigger;
        capacity = grown;
    }
    if (!item_set_id(item, next_id)) {
        cJSON_Delete(item);
        return -1;
    }
    items[count++] = item;
    return next_id++;
}

bool {{ident}}_store_replace(long id, cJSON *item)
{
    long i = store_index(id);
    if (i < 0 || !item_set_id(item, id)) {
        cJSON_Delete(item);
        return false;
    }
    cJSON_Delete(items[i]);
    items[i] = item;
    return true;
}

bool {{ident}}_store_remove(long id)
{
    long i = store_index(id);
    if (i < 0) {
        return false;
    }
    cJSON_Delete(items[i]);
    count--;
    for (size_t j = (size_t)i; j < count; j++) {
        items[j] = items[j + 1];
    }
    return true;
}
