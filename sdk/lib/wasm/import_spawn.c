// Spawning from a WebAssembly module: its request holds offsets into linear
// memory (struct ftl_wasm_spawn), which become the native pointers of a
// struct ftl_spawn only once each string, pointer array and the image are
// known to lie wholly inside the memory. The kernel then makes its own
// checks, as for any caller; whether the process may spawn at all is the
// kernel's decision too (only the first process may), so a module gains no
// right a native program of its place lacks.
#include "import_spawn.h"

#include <string.h>

#include <ftl/error.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/wasm.h>

#include "memory.h"

// A string of the request: offset 0 is NULL, as it is to the module.
static int string_at(const wasm_rt_memory_t *mem, uint32_t offset,
                     const char **out)
{
    *out = NULL;
    if (offset == 0) {
        return 0;
    }
    *out = wasm_memory_string(mem, offset, FTL_SPAWN_STRINGS_MAX);
    return *out == NULL ? FTL_ERR_BAD_ADDRESS : 0;
}

// count offsets at `offset` (an array of the module's char pointers) as
// native strings in out[0..count), NULL-terminated.
static int strings_at(const wasm_rt_memory_t *mem, uint32_t offset,
                      uint32_t count, const char **out)
{
    out[0] = NULL;
    if (count == 0) {
        return 0;
    }
    const uint8_t *array =
        wasm_memory_span(mem, offset, (uint64_t)count * sizeof(uint32_t));
    if (array == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s;
        memcpy(&s, array + i * sizeof(s), sizeof(s)); // maybe unaligned
        int err = string_at(mem, s, &out[i]);
        if (err < 0) {
            return err;
        }
    }
    out[count] = NULL;
    return 0;
}

int64_t wasm_process_spawn(const wasm_rt_memory_t *mem, uint64_t offset)
{
    struct ftl_wasm_spawn w;
    const void *at = wasm_memory_span(mem, offset, sizeof(w));
    if (at == NULL) {
        return FTL_ERR_BAD_ADDRESS;
    }
    memcpy(&w, at, sizeof(w));
    if (w.argc > FTL_SPAWN_ARGS_MAX || w.envc > FTL_SPAWN_ARGS_MAX) {
        return FTL_ERR_INVALID_ARG;
    }
    const char *argv[FTL_SPAWN_ARGS_MAX + 1], *envp[FTL_SPAWN_ARGS_MAX + 1];
    struct ftl_spawn native = {
        .isolation = w.isolation,
        .priority = w.priority,
        .argc = w.argc,
        .envc = w.envc,
        .argv = w.argc == 0 ? NULL : argv,
        .envp = w.envc == 0 ? NULL : envp,
        .channel = w.channel,
        .handles_max = w.handles_max,
        .memory_limit = w.memory_limit,
        .image_len = w.image_len,
    };
    const void *image = NULL;
    if (w.image_len != 0) {
        image = wasm_memory_span(mem, w.image, w.image_len);
        if (image == NULL) {
            return FTL_ERR_BAD_ADDRESS;
        }
    }
    native.image = image;
    int err = string_at(mem, w.path, &native.path);
    if (err == 0) {
        err = string_at(mem, w.name, &native.name);
    }
    if (err == 0) {
        err = strings_at(mem, w.argv, w.argc, argv);
    }
    if (err == 0) {
        err = strings_at(mem, w.envp, w.envc, envp);
    }
    if (err < 0) {
        return err;
    }
    return ftl_process_spawn_request(&native);
}
