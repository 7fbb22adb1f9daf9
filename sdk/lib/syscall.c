// System call wrappers of libftl: each is one call of ftl_syscall
// (syscall.h), so the same code works in a user process (the `syscall`
// instruction) and in a kernel-mode one (a call of the kernel's entry).
#include <stdlib.h>

#include <ftl/console.h>
#include <ftl/error.h>
#include <ftl/logs.h>
#include <ftl/process.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/time.h>
#include <ftl/vmarea.h>

static inline long call0(long n)
{
    return ftl_syscall(n, 0, 0, 0, 0, 0);
}

static inline long call1(long n, long a1)
{
    return ftl_syscall(n, a1, 0, 0, 0, 0);
}

static inline long call2(long n, long a1, long a2)
{
    return ftl_syscall(n, a1, a2, 0, 0, 0);
}

static inline long call3(long n, long a1, long a2, long a3)
{
    return ftl_syscall(n, a1, a2, a3, 0, 0);
}

long ftl_console_write(const char *text, size_t len,
                       enum ftl_console_level level)
{
    return call3(FTL_SYS_CONSOLE_WRITE, (long)text, (long)len, level);
}

ftl_handle_t ftl_process_spawn_request(const struct ftl_spawn *request)
{
    return (ftl_handle_t)call1(FTL_SYS_PROCESS_SPAWN, (long)request);
}

long ftl_process_wait(ftl_handle_t process, uint64_t timeout_ns)
{
    return call2(FTL_SYS_PROCESS_WAIT, process, (long)timeout_ns);
}

int ftl_process_kill(ftl_handle_t process)
{
    return (int)call1(FTL_SYS_PROCESS_KILL, process);
}

void ftl_process_exit(int status)
{
    call1(FTL_SYS_PROCESS_EXIT, status);
    __builtin_unreachable();
}

int ftl_handle_close(ftl_handle_t handle)
{
    return (int)call1(FTL_SYS_HANDLE_CLOSE, handle);
}

int ftl_system_stats(struct ftl_system_stats *out)
{
    return (int)call1(FTL_SYS_SYSTEM_STATS, (long)out);
}

// New threads start in thread_main, so that returning from entry ends the
// thread instead of returning into nothing.
struct thread_start {
    void (*entry)(void *);
    void *arg;
};

static void thread_main(struct thread_start *start)
{
    void (*entry)(void *) = start->entry;
    void *arg = start->arg;
    free(start);
    entry(arg);
    ftl_thread_exit();
}

ftl_handle_t ftl_thread_create(void (*entry)(void *), void *arg,
                               unsigned priority)
{
    struct thread_start *start = malloc(sizeof(*start));
    if (start == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    start->entry = entry;
    start->arg = arg;
    long h =
        call3(FTL_SYS_THREAD_CREATE, (long)thread_main, (long)start, priority);
    if (h < 0) {
        free(start);
    }
    return (ftl_handle_t)h;
}

void ftl_thread_exit(void)
{
    call0(FTL_SYS_THREAD_EXIT);
    __builtin_unreachable();
}

void ftl_thread_yield(void)
{
    call0(FTL_SYS_THREAD_YIELD);
}

uint64_t ftl_clock_ns(void)
{
    return (uint64_t)call0(FTL_SYS_CLOCK_NOW);
}

void ftl_sleep_ns(uint64_t ns)
{
    call1(FTL_SYS_THREAD_SLEEP, (long)ns);
}

ftl_handle_t ftl_vmarea_create(size_t size)
{
    return (ftl_handle_t)call1(FTL_SYS_VMAREA_CREATE, (long)size);
}

void *ftl_vmarea_map(ftl_handle_t vmarea, unsigned prot, int *error)
{
    long address = call2(FTL_SYS_VMAREA_MAP, vmarea, prot);
    if (ftl_syscall_failed(address)) {
        if (error != NULL) {
            *error = (int)address;
        }
        return NULL;
    }
    return (void *)address;
}

int ftl_vmarea_unmap(void *address)
{
    return (int)call1(FTL_SYS_VMAREA_UNMAP, (long)address);
}

int ftl_vmarea_commit(ftl_handle_t vmarea, size_t size)
{
    return (int)call2(FTL_SYS_VMAREA_COMMIT, vmarea, (long)size);
}

int ftl_process_info(ftl_handle_t process, struct ftl_process_info *info)
{
    return (int)call2(FTL_SYS_PROCESS_INFO, process, (long)info);
}

long ftl_initfs_read(const char *path, uint64_t offset, void *buffer,
                     size_t len)
{
    return ftl_syscall(FTL_SYS_INITFS_READ, (long)path, (long)offset,
                       (long)buffer, (long)len, 0);
}

long ftl_log_read(const char *name, uint64_t cursor, char *buffer, size_t len,
                  uint64_t *next)
{
    return ftl_syscall(FTL_SYS_LOG_READ, (long)name, (long)cursor, (long)buffer,
                       (long)len, (long)next);
}

long ftl_log_list(char *buffer, size_t len, uint64_t *count)
{
    return ftl_syscall(FTL_SYS_LOG_READ, (long)"", 0, (long)buffer, (long)len,
                       (long)count);
}
