// Commits the fault named by argv[1]; the kernel must kill this process
// (exit status FTL_EXIT_KILLED) and nothing else. Exits 0 if it survived.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char read_only[16] = "read only data";
static volatile int divisor;

// Recurses until the stack's guard page stops it (on purpose).
#pragma GCC diagnostic ignored "-Winfinite-recursion"
static int recurse(int depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    return recurse(depth + 1) + frame[0];
}

int main(int argc, char **argv)
{
    const char *kind = argc > 1 ? argv[1] : "";
    if (strcmp(kind, "null") == 0) {
        return *(volatile int *)0;
    } else if (strcmp(kind, "write-ro") == 0) {
        *(volatile char *)read_only = 'X';
    } else if (strcmp(kind, "gp") == 0) {
        return *(volatile int *)0x8000000000000000ULL; // non-canonical
    } else if (strcmp(kind, "div0") == 0) {
        return 10 / divisor;
    } else if (strcmp(kind, "ud") == 0) {
        __asm__ volatile("ud2");
    } else if (strcmp(kind, "stack") == 0) {
        return recurse(0);
    } else if (strcmp(kind, "exec-data") == 0) {
        static uint8_t code[16] = {0xc3}; // ret, in a writable data page
        ((void (*)(void))code)();
    } else {
        printf("unknown fault '%s'\n", kind);
        return 2;
    }
    return 0;
}
