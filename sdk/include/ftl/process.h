// Processes: starting programs from the initfs, waiting for them, ending
// them, and the start-up information of the running one.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <ftl/handle.h>
#include <ftl/start.h>
#include <ftl/syscall.h>

// The start-up information of this process (set before main runs).
extern const struct ftl_start_info *ftl_start_info;

// Starts the initfs program `path` ("hello.elf") with `isolation`
// (FTL_ISOLATION_USER or FTL_ISOLATION_KERNEL) and the NULL-terminated
// argument list argv (may be NULL). Returns a process handle, or
// FTL_ERR_NOT_ALLOWED (this process may not spawn), FTL_ERR_NOT_FOUND,
// FTL_ERR_BAD_FORMAT, FTL_ERR_NO_MEMORY...
ftl_handle_t ftl_process_spawn(const char *path, uint32_t isolation,
                               const char *const *argv);

// Like ftl_process_spawn with every field of the request.
ftl_handle_t ftl_process_spawn_request(const struct ftl_spawn *request);

// Waits up to timeout_ns (FTL_WAIT_FOREVER: no limit; 0: just look) for the
// process to exit. Returns its exit status (0-255, FTL_EXIT_KILLED when it
// was killed) or FTL_ERR_TIMED_OUT.
#define FTL_WAIT_FOREVER UINT64_MAX
long ftl_process_wait(ftl_handle_t process, uint64_t timeout_ns);

// Ends a process (needs FTL_RIGHT_MANAGE on the handle).
int ftl_process_kill(ftl_handle_t process);

// Ends this process with status (0-255); same as exit() without flushing.
__attribute__((noreturn)) void ftl_process_exit(int status);

// Closes a handle of any kind.
int ftl_handle_close(ftl_handle_t handle);

// Name, state, exit status, threads and memory (charged now, peak, limit)
// of a process (READ right on the handle).
int ftl_process_info(ftl_handle_t process, struct ftl_process_info *info);

// Reads up to len bytes of initfs file `path` from `offset` into buffer.
// Returns the bytes read (0 past the end; with len 0, the file's size),
// FTL_ERR_NOT_FOUND, or
// FTL_ERR_NOT_ALLOWED for a process that may not spawn (only the supervisor
// reads the image: its boot.manifest).
long ftl_initfs_read(const char *path, uint64_t offset, void *buffer,
                     size_t len);

// System-wide counters (free pages, live objects...), for tests and tools.
int ftl_system_stats(struct ftl_system_stats *out);
