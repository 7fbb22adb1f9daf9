// Starting a test server: a program of the initfs in a given isolation
// mode, with a fresh channel as its first channel. Shared by the in-OS
// suites that talk to servers.
#pragma once

#include <stdint.h>

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
