// Starting a test server: a program of the initfs in a given isolation
// mode, with a fresh channel as its first channel. Shared by the in-OS
// suites that talk to servers.
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <ftl/channel.h>
#include <ftl/process.h>
#include <ftl/wasm.h>

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

// The mode a suite's argument names for the servers it starts: "user",
// "kernel" or "wasm": the WebAssembly build of each server, NAME_wasm.elf
// beside NAME.elf in the test initfs (tests/os/build.mk), spawned with
// FTL_ISOLATION_WASM.
struct server_mode {
    uint32_t isolation;
    bool wasm;
};

static inline struct server_mode server_mode_named(const char *name)
{
    if (name != NULL && strcmp(name, "kernel") == 0) {
        return (struct server_mode){FTL_ISOLATION_KERNEL, false};
    }
    if (name != NULL && strcmp(name, "wasm") == 0) {
        return (struct server_mode){FTL_ISOLATION_WASM, true};
    }
    return (struct server_mode){FTL_ISOLATION_USER, false};
}

static inline const char *server_mode_name(struct server_mode mode)
{
    return mode.isolation == FTL_ISOLATION_WASM     ? "wasm"
           : mode.isolation == FTL_ISOLATION_KERNEL ? "kernel"
                                                    : "user";
}

// "user", "kernel" or "wasm": how this process itself runs.
static inline const char *own_mode_name(void)
{
    switch (ftl_start_info->isolation) {
    case FTL_ISOLATION_KERNEL:
        return "kernel";
    case FTL_ISOLATION_WASM:
        return "wasm";
    default:
        return "user";
    }
}

// The program to start for `path` ("echo_server.elf") in `mode`, written
// to buffer: "echo_server_wasm.elf" for wasm, else path itself.
static inline const char *server_program(struct server_mode mode,
                                         const char *path, char *buffer,
                                         size_t size)
{
    if (!mode.wasm || strlen(path) < strlen(".elf")) {
        return path;
    }
    int stem = (int)(strlen(path) - strlen(".elf"));
    snprintf(buffer, size, "%.*s_wasm.elf", stem, path);
    return buffer;
}

// spawn_connected for a server in `mode`.
static inline ftl_handle_t spawn_server_in(struct server_mode mode,
                                           const char *path,
                                           ftl_handle_t *process)
{
    char program[64];
    return spawn_connected(server_program(mode, path, program,
                                          sizeof(program)),
                           mode.isolation, process);
}
