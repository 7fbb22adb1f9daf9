// Tries to spawn a process; exits 0 if the kernel refused with
// FTL_ERR_NOT_ALLOWED (children do not hold the spawn right), 1 otherwise.
#include <stddef.h>

#include <ftl/error.h>
#include <ftl/process.h>

int main(void)
{
    ftl_handle_t child =
        ftl_process_spawn("exit_with.elf", FTL_ISOLATION_USER, NULL);
    return child == FTL_ERR_NOT_ALLOWED ? 0 : 1;
}
