// The growing buffer of http_buf.h.
#include "http_buf.h"

#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

int http_buf_append(char **buf, size_t *len, size_t *cap, const char *p,
                    size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t new_cap = *cap ? *cap : 256;
        while (new_cap < *len + n + 1) {
            new_cap *= 2;
        }
        char *grown = realloc(*buf, new_cap);
        if (!grown) {
            return FTL_ERR_NO_MEMORY;
        }
        *buf = grown;
        *cap = new_cap;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}
