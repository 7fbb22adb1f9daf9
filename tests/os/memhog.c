// Memory limits, for os_test. Run with a memory limit:
//   memhog malloc   mallocs 64 KiB blocks (and fills them) until malloc
//                   returns NULL; exits with the number it got (at most 250)
//   memhog touch    touches the pages of a big vmarea without committing
//                   them; the page over the limit ends the process
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/syscall.h>
#include <ftl/vmarea.h>

#define BLOCK (64 * 1024)
#define BLOCKS_MAX 250

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "malloc") == 0) {
        int blocks = 0;
        while (blocks < BLOCKS_MAX) {
            char *block = malloc(BLOCK);
            if (block == NULL) {
                break;
            }
            memset(block, 0xa5, BLOCK);
            blocks++;
        }
        return blocks;
    }
    if (argc == 2 && strcmp(argv[1], "touch") == 0) {
        ftl_handle_t area = ftl_vmarea_create(16 * 1024 * 1024);
        volatile uint8_t *p =
            ftl_vmarea_map(area, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
        for (size_t off = 0; off < 16 * 1024 * 1024; off += 4096) {
            p[off] = 1;
        }
        return 0; // not reached under a limit below 16 MiB
    }
    return 1;
}
