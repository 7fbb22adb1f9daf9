// The smallest FTL program: it says hello, tells how it runs, and exits.
#include <stdio.h>

#include <ftl/process.h>

int main(int argc, char **argv)
{
    printf("Hello from FTL! I am %s, running in %s mode with %d argument%s.\n",
           ftl_start_info->name,
           ftl_start_info->isolation == FTL_ISOLATION_KERNEL ? "kernel"
                                                             : "user",
           argc, argc == 1 ? "" : "s");
    for (int i = 0; i < argc; i++) {
        printf("  argv[%d] = %s\n", i, argv[i]);
    }
    return 0;
}
