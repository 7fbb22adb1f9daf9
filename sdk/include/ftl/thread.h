// Threads of the calling process.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

// Threads a process may run at once. Each has a kernel stack, which no
// memory limit counts, and the kernel has 4,096 of them for everyone.
#define FTL_THREADS_MAX 256

// Runs entry(arg) in a new thread with its own stack (guard page below).
// priority 0 means the default; 1-7 otherwise, 7 highest. Returns a thread
// handle or an error: FTL_ERR_LIMIT with FTL_THREADS_MAX running already,
// FTL_ERR_NO_MEMORY at the memory limit. When entry returns, the thread
// exits.
ftl_handle_t ftl_thread_create(void (*entry)(void *), void *arg,
                               unsigned priority);

// Ends the calling thread. The process ends when its last thread does.
__attribute__((noreturn)) void ftl_thread_exit(void);

// Lets another ready thread of the same or higher priority run.
void ftl_thread_yield(void);
