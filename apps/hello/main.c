// The smallest FTL program: it says hello, tells how it runs, and exits.
#include <stdint.h>
#include <stdio.h>

#include <ftl/process.h>
#include <ftl/wasm.h>

static const char *mode(uint32_t isolation)
{
    switch (isolation) {
    case FTL_ISOLATION_KERNEL:
        return "kernel";
    case FTL_ISOLATION_WASM:
        return "wasm";
    default:
        return "user";
    }
}

int main(int argc, char **argv)
{
    printf("Hello from FTL! I am %s, running in %s mode with %d argument%s.\n",
           ftl_start_info->name, mode(ftl_start_info->isolation), argc,
           argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++) {
        printf("  argv[%d] = %s\n", i, argv[i]);
    }
    return 0;
}
