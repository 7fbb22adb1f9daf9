// See compute.h. The result depends on every part working at the address
// the program was loaded at.
#include "compute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t square(uint32_t x)
{
    return x * x;
}

static uint32_t twice(uint32_t x)
{
    return 2 * x + 1;
}

// Pointer tables: each entry is a relocation the loader must apply.
static uint32_t (*const operations[])(uint32_t) = {square, twice, square};
static const char *const words[] = {"alpha", "beta", "gamma", "delta"};
static uint32_t zeroed[1024]; // .bss

static uint32_t mix(uint32_t hash, const void *data, size_t len)
{
    const uint8_t *bytes = data;
    for (size_t i = 0; i < len; i++) {
        hash = (hash ^ bytes[i]) * 16777619u; // FNV-1a
    }
    return hash;
}

uint32_t compute_checksum(void)
{
    uint32_t hash = 2166136261u;
    for (unsigned i = 0; i < sizeof(zeroed) / sizeof(zeroed[0]); i++) {
        hash = mix(hash, &zeroed[i], sizeof(zeroed[i]));
        zeroed[i] = i;
    }
    for (unsigned i = 0; i < 3; i++) {
        uint32_t v = operations[i](i + 7);
        hash = mix(hash, &v, sizeof(v));
    }
    for (unsigned i = 0; i < 4; i++) {
        hash = mix(hash, words[i], strlen(words[i]));
    }
    char *buffer = malloc(10000);
    if (buffer == NULL) {
        return 0;
    }
    for (int i = 0; i < 100; i++) {
        int len = snprintf(buffer + i * 64, 64, "%d:%.3f:%s", i, i / 7.0,
                           words[i % 4]);
        hash = mix(hash, buffer + i * 64, (size_t)len);
    }
    free(buffer);
    return hash;
}
