// Every allocation is a block on one list; nothing is freed on its own.
#include "pool.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct block {
    struct block *next;
    max_align_t data[];
};

static struct block *blocks;

void *pool_alloc(size_t size)
{
    struct block *b = calloc(1, sizeof(*b) + size);
    if (b == NULL) {
        fputs("ftl-spec: out of memory\n", stderr);
        exit(2);
    }
    b->next = blocks;
    blocks = b;
    return b->data;
}

char *pool_printf(const char *fmt, ...)
{
    if (fmt == NULL) { // tells gcc's UBSan build it is not (else it warns)
        abort();
    }
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = pool_alloc((size_t)len + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return s;
}

void pool_free_all(void)
{
    while (blocks != NULL) {
        struct block *next = blocks->next;
        free(blocks);
        blocks = next;
    }
}
