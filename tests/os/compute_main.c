// Computes the checksum of compute.c and exits 0 if it equals argv[1] (the
// value the parent computed in user mode), 1 if not.
#include <stdio.h>
#include <stdlib.h>

#include "compute.h"

int main(int argc, char **argv)
{
    uint32_t mine = compute_checksum();
    if (argc < 2) {
        printf("checksum %08x\n", (unsigned)mine);
        return 2;
    }
    uint32_t expected = (uint32_t)strtoul(argv[1], NULL, 16);
    if (mine != expected) {
        printf("checksum %08x, expected %08x\n", (unsigned)mine,
               (unsigned)expected);
        return 1;
    }
    return 0;
}
