// Start-up of a WebAssembly module built with the SDK: the exported
// `_start` the runtime calls, the module's own ftl_start_info, and the few
// C library hooks that a native program gets from sdk/lib/start.c.
//
// The native start-up information holds native pointers, so the module
// builds its own copy from strings it asks the runtime for (ftl/wasm.h),
// in its own memory. wasi-libc provides the rest of the C library that
// works without WASI imports (strings, malloc on memory.grow, snprintf);
// what would need WASI (stdio, exit's clean-up) is not linked in: the
// module's only import is ftl.syscall.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/process.h>
#include <ftl/start.h>
#include <ftl/wasm.h>

int main(int argc, char **argv);
void __wasm_call_ctors(void);

const struct ftl_start_info *ftl_start_info;

static struct ftl_start_info info;
static char name[FTL_NAME_MAX + 1];
static char *args[FTL_WASM_START_STRINGS_MAX + 1];
static char *env[FTL_WASM_START_STRINGS_MAX + 1];

// Fills strings (NULL-terminated) with what the runtime has at `number`;
// returns how many. A string that cannot be had ends the list.
static int strings_fill(int32_t number, char **strings)
{
    int n = 0;
    for (; n < FTL_WASM_START_STRINGS_MAX; n++) {
        char *s = malloc(FTL_WASM_START_STRING_MAX + 1);
        int64_t len = s == NULL
                          ? -1
                          : ftl_wasm_syscall(number, n, (int64_t)(uintptr_t)s,
                                             FTL_WASM_START_STRING_MAX, 0, 0);
        if (len < 0) {
            free(s);
            break;
        }
        s[len < FTL_WASM_START_STRING_MAX ? len : FTL_WASM_START_STRING_MAX] =
            '\0';
        strings[n] = s;
    }
    strings[n] = NULL;
    return n;
}

char *getenv(const char *key)
{
    size_t len = strlen(key);
    for (int i = 0; env[i] != NULL; i++) {
        if (strncmp(env[i], key, len) == 0 && env[i][len] == '=') {
            return env[i] + len + 1;
        }
    }
    return NULL;
}

static void info_fill(void)
{
    int64_t len =
        ftl_wasm_syscall(FTL_WASM_SYS_START_NAME, (int64_t)(uintptr_t)name,
                         FTL_NAME_MAX, 0, 0, 0);
    name[len >= 0 && len <= FTL_NAME_MAX ? len : 0] = '\0';
    info.version = FTL_START_INFO_VERSION;
    info.isolation = FTL_ISOLATION_WASM;
    info.name = name;
    info.page_size = 65536; // a wasm page
    info.channel = (ftl_handle_t)ftl_wasm_syscall(FTL_WASM_SYS_START_CHANNEL, 0,
                                                  0, 0, 0, 0);
    info.argc = strings_fill(FTL_WASM_SYS_START_ARG, args);
    info.argv = (const char *const *)args;
    strings_fill(FTL_WASM_SYS_START_ENV, env);
    info.envp = (const char *const *)env;
    ftl_start_info = &info;
}

__attribute__((export_name("_start"))) void _start(void)
{
    __wasm_call_ctors();
    info_fill();
    ftl_process_exit(main(info.argc, args));
}
