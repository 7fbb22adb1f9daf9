// Memory limits, for os_test. Run with a memory limit:
//   memhog malloc   mallocs 64 KiB blocks (and fills them) until malloc
//                   returns NULL; exits with the number it got (at most 250)
//   memhog touch    touches the pages of a big vmarea without committing
//                   them; the page over the limit ends the process
//   memhog spread   touches one page in every 64 MiB of a 1 GiB vmarea: a
//                   page table each
//   memhog threads  starts threads (each touching its stack) until refused;
//                   exits 0 if refused for memory, 1 otherwise
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/time.h>
#include <ftl/vmarea.h>

#define BLOCK (64 * 1024)
#define BLOCKS_MAX 250

// Touches a few KiB of its stack, then waits for the process to end.
static void stack_toucher(void *arg)
{
    (void)arg;
    volatile char frame[8 * 1024];
    frame[0] = 1;
    frame[sizeof(frame) - 1] = frame[0];
    for (;;) {
        ftl_sleep_ns(1000ULL * 1000 * 1000);
    }
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "spread") == 0) {
        ftl_handle_t area = ftl_vmarea_create(1 << 30);
        volatile uint8_t *p =
            ftl_vmarea_map(area, FTL_PROT_READ | FTL_PROT_WRITE, NULL);
        if (p == NULL) {
            return 1;
        }
        for (size_t off = 0; off < (1 << 30); off += 64 << 20) {
            p[off] = 1;
        }
        return 0;
    }
    if (argc == 2 && strcmp(argv[1], "threads") == 0) {
        ftl_handle_t h;
        while ((h = ftl_thread_create(stack_toucher, NULL, 0)) > 0) {
            ftl_thread_yield(); // let it touch its stack now
        }
        return h == FTL_ERR_NO_MEMORY ? 0 : 1;
    }
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
