// Starting a test server: a program of the initfs in a given isolation
// mode, with a fresh channel as its first channel. Shared by the in-OS
// suites that talk to servers.
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/process.h>

// Starts `path` with its own path as its only argument; returns our end of
// its first channel (FTL_HANDLE_INVALID on failure) and sets *process.
static inline ftl_handle_t spawn_connected(const char *path, uint32_t mode,
                                           ftl_handle_t *process)
{
    ftl_handle_t ends[2];
    *process = FTL_HANDLE_INVALID;
    if (ftl_channel_create(ends) < 0) {
        return FTL_HANDLE_INVALID;
    }
    const char *argv[] = {path, NULL};
    struct ftl_spawn request = {.path = path,
                                .isolation = mode,
                                .argc = 1,
                                .argv = argv,
                                .channel = ends[1]};
    *process = ftl_process_spawn_request(&request);
    if (*process < 0) {
        ftl_handle_close(ends[0]);
        return FTL_HANDLE_INVALID;
    }
    return ends[0];
}

// The isolation a suite's argument names for the servers it starts:
// "user", "kernel" or "wasm" (FTL_ISOLATION_WASM: the WebAssembly build of
// each server, NAME_wasm.elf beside NAME.elf in the test initfs,
// tests/os/build.mk).
static inline uint32_t server_isolation_named(const char *name)
{
    if (name != NULL && strcmp(name, "kernel") == 0) {
        return FTL_ISOLATION_KERNEL;
    }
    if (name != NULL && strcmp(name, "wasm") == 0) {
        return FTL_ISOLATION_WASM;
    }
    return FTL_ISOLATION_USER;
}

static inline const char *isolation_name(uint32_t isolation)
{
    return isolation == FTL_ISOLATION_WASM     ? "wasm"
           : isolation == FTL_ISOLATION_KERNEL ? "kernel"
                                               : "user";
}

// "user", "kernel" or "wasm": how this process itself runs.
static inline const char *own_mode_name(void)
{
    return isolation_name(ftl_start_info->isolation);
}

// The program to start for `path` ("echo_server.elf") in `isolation`,
// written to buffer: "echo_server_wasm.elf" for wasm, else path itself.
static inline const char *server_program(uint32_t isolation, const char *path,
                                         char *buffer, size_t size)
{
    if (isolation != FTL_ISOLATION_WASM || strlen(path) < strlen(".elf")) {
        return path;
    }
    int stem = (int)(strlen(path) - strlen(".elf"));
    snprintf(buffer, size, "%.*s_wasm.elf", stem, path);
    return buffer;
}

// spawn_connected for a server in `isolation`.
static inline ftl_handle_t spawn_server_in(uint32_t isolation,
                                           const char *path,
                                           ftl_handle_t *process)
{
    char program[64];
    return spawn_connected(
        server_program(isolation, path, program, sizeof(program)), isolation,
        process);
}
