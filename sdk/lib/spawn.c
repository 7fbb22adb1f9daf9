// ftl_process_spawn: the short form of a spawn request, built on
// ftl_process_spawn_request, whichever way that reaches the kernel (a
// native system call, or a WebAssembly module's import).
#include <ftl/process.h>

ftl_handle_t ftl_process_spawn(const char *path, uint32_t isolation,
                               const char *const *argv)
{
    uint32_t argc = 0;
    while (argv != NULL && argv[argc] != NULL) {
        argc++;
    }
    struct ftl_spawn request = {
        .path = path,
        .isolation = isolation,
        .argc = argc,
        .argv = argv,
    };
    return ftl_process_spawn_request(&request);
}
