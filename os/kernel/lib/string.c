// Freestanding memory and string functions for the kernel (the compiler also
// emits calls to memcpy and memset on its own). The block functions move
// eight bytes at a time: messages and events cross them on every IPC call,
// and under TCG each guest instruction costs several host ones.
// (-fno-tree-loop-distribute-patterns keeps GCC from turning these loops
// back into calls to themselves.)
#include "lib/string.h"

#include <stdint.h>

// A 64-bit word at any alignment (x86-64 allows unaligned access).
typedef uint64_t __attribute__((may_alias, aligned(1))) unaligned_u64;

void *memcpy(void *dst, const void *src, size_t len)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    for (; len >= 8; len -= 8, d += 8, s += 8) {
        *(unaligned_u64 *)d = *(const unaligned_u64 *)s;
    }
    while (len--) {
        *d++ = *s++;
    }
    return dst;
}

void *memmove(void *dst, const void *src, size_t len)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d <= s || d >= s + len) {
        return memcpy(dst, src, len); // forward copy is safe
    }
    while (len--) {
        d[len] = s[len];
    }
    return dst;
}

void *memset(void *dst, int byte, size_t len)
{
    uint8_t *d = dst;
    uint64_t word = (uint8_t)byte * 0x0101010101010101ull;
    for (; len >= 8; len -= 8, d += 8) {
        *(unaligned_u64 *)d = word;
    }
    while (len--) {
        *d++ = (uint8_t)byte;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t len)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < len; i++) {
        if (x[i] != y[i]) {
            return x[i] < y[i] ? -1 : 1;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0') {
        n++;
    }
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t max)
{
    for (size_t i = 0; i < max; i++) {
        if (a[i] != b[i] || a[i] == '\0') {
            return (unsigned char)a[i] - (unsigned char)b[i];
        }
    }
    return 0;
}
