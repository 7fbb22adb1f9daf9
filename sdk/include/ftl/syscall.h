// The system call ABI: numbers, argument conventions and the structures
// system calls exchange. The kernel includes this header; it is the one
// definition of the interface.
//
// Every process gets a system call entry in its start-up information
// (start.h): `long syscall(long number, long a1, long a2, long a3, long a4,
// long a5)`. In a user-mode process it points at a stub that executes the
// `syscall` instruction; in a kernel-mode process it is the kernel's
// dispatcher itself. Either way the same checks apply. Results: a value, or
// an FTL_ERR_* code (error.h). Errors are exactly the values from
// FTL_ERROR_MIN to -1 (ftl_syscall_failed()); every other value is a result,
// including addresses of kernel-mode processes, which are negative as longs.
#pragma once

#include <stdint.h>

#include <ftl/handle.h>

static inline int ftl_syscall_failed(long result)
{
    return result < 0 && result >= -4095;
}

typedef long (*ftl_syscall_fn)(long number, long a1, long a2, long a3, long a4,
                               long a5);

// The one function libftl's system call wrappers call. In a user process
// it executes the `syscall` instruction; in a kernel-mode process it jumps
// to the kernel's entry of the start-up information (start.h). The
// wrappers tail-call it, so a system call returns straight to the
// wrapper's caller: under QEMU every return and every page is looked up
// again after an address-space switch, and the IPC round trip is made of
// such switches (docs/notes/ipc-speed.md).
long ftl_syscall(long number, long a1, long a2, long a3, long a4, long a5);

// ftl_syscall for wrappers that return int, which can tail-call only a
// function returning int. The same code: the result's low half is the int.
int ftl_syscall_int(long number, long a1, long a2, long a3, long a4,
                    long a5) __asm__("ftl_syscall");

enum ftl_syscall_number {
    FTL_SYS_NOP = 0,             // () -> 0; the cheapest call, for benchmarks
    FTL_SYS_CONSOLE_WRITE = 1,   // (const char *text, size_t len) -> len
    FTL_SYS_PROCESS_EXIT = 2,    // (int status) -> does not return
    FTL_SYS_PROCESS_SPAWN = 3,   // (const struct ftl_spawn *) -> process handle
    FTL_SYS_PROCESS_WAIT = 4,    // (handle, uint64_t timeout_ns) -> status
    FTL_SYS_PROCESS_KILL = 5,    // (handle) -> 0
    FTL_SYS_THREAD_CREATE = 6,   // (entry, arg, stack_top, priority) -> handle
    FTL_SYS_THREAD_EXIT = 7,     // () -> does not return
    FTL_SYS_THREAD_YIELD = 8,    // () -> 0
    FTL_SYS_THREAD_SLEEP = 9,    // (uint64_t ns) -> 0
    FTL_SYS_CLOCK_NOW = 10,      // () -> nanoseconds since boot
    FTL_SYS_VMAREA_CREATE = 11,  // (size_t size) -> vmarea handle
    FTL_SYS_VMAREA_MAP = 12,     // (handle, unsigned prot) -> address
    FTL_SYS_VMAREA_UNMAP = 13,   // (address) -> 0
    FTL_SYS_HANDLE_CLOSE = 14,   // (handle) -> 0
    FTL_SYS_SYSTEM_STATS = 15,   // (struct ftl_system_stats *) -> 0
    FTL_SYS_CHANNEL_CREATE = 16, // (ftl_handle_t ends[2]) -> 0
    FTL_SYS_CHANNEL_SEND = 17,   // (handle, const struct ftl_msg *, body)
    FTL_SYS_CHANNEL_RECV = 18,   // (handle, struct ftl_msg *, body, max)
    FTL_SYS_CHANNEL_DISCARD = 19,  // (handle) -> 0
    FTL_SYS_COPY_TO_CALLER = 20,   // (handle, id, offset, src, len) -> len
    FTL_SYS_COPY_FROM_CALLER = 21, // (handle, id, offset, dst, len) -> len
    FTL_SYS_SINK_CREATE = 22,      // () -> sink handle
    FTL_SYS_SINK_ADD = 23,         // (sink, handle, cookie) -> 0
    FTL_SYS_SINK_REMOVE = 24,      // (sink, handle) -> 0
    FTL_SYS_SINK_WAIT = 25,        // (sink, struct ftl_event *, timeout_ns)
    FTL_SYS_TIMER_CREATE = 26,     // () -> timer handle
    FTL_SYS_TIMER_SET = 27,        // (timer, deadline_ns, period_ns) -> 0
    FTL_SYS_PCI_FIND = 28,         // (vendor, device, index) -> device handle
    FTL_SYS_PCI_INFO = 29,         // (device, struct ftl_pci_info *) -> 0
    FTL_SYS_PCI_CONFIG_READ = 30,  // (device, offset, width) -> value
    FTL_SYS_PCI_SET_BUS_MASTER = 31, // (device, enable) -> 0
    FTL_SYS_PCI_MAP_BAR = 32,        // (device, bar) -> vmarea handle
    FTL_SYS_PCI_IOPORT = 33,         // (device, bar) -> ioport handle
    FTL_SYS_IOPORT_CREATE = 34,      // (base, count) -> ioport handle
    FTL_SYS_IOPORT_ENABLE = 35,      // (ioport) -> 0
    FTL_SYS_DMA_CREATE = 36,       // (device, size, uint64_t *phys) -> vmarea
    FTL_SYS_INTERRUPT_CREATE = 37, // (device, gsi) -> interrupt handle
    FTL_SYS_INTERRUPT_ACK = 38,    // (interrupt) -> 0
    FTL_SYS_VMAREA_COMMIT = 39,    // (vmarea, size) -> 0
    FTL_SYS_PROCESS_INFO = 40,     // (process, struct ftl_process_info *)
    FTL_SYS_INITFS_READ = 41,      // (path, offset, buffer, len) -> bytes
    FTL_SYS_LOG_READ = 42,         // (name, cursor, buf, len, *next) -> bytes
    FTL_SYS_COUNT
};

// Protection bits of FTL_SYS_VMAREA_MAP. Write and execute together are
// refused (W^X).
#define FTL_PROT_READ 1
#define FTL_PROT_WRITE 2
#define FTL_PROT_EXEC 4

// Isolation of a spawned process. WASM is a kernel-mode process whose
// program must carry the wasm pipeline's ELF note (ftl/wasm.h), else the
// spawn fails with FTL_ERR_BAD_FORMAT.
#define FTL_ISOLATION_USER 0
#define FTL_ISOLATION_KERNEL 1
#define FTL_ISOLATION_WASM 2

#define FTL_SPAWN_ARGS_MAX 32
#define FTL_SPAWN_STRINGS_MAX 4096 // total bytes of path, args and env
#define FTL_NAME_MAX 32

struct ftl_spawn {
    const char *path;   // a file of the initfs, e.g. "hello.elf"
    const char *name;   // process name in logs; NULL: from the path
    uint32_t isolation; // FTL_ISOLATION_*
    uint32_t priority;  // 0..7; 0 means the default (4)
    uint32_t argc;      // entries of argv
    uint32_t envc;      // entries of envp, "KEY=value"
    const char *const *argv;
    const char *const *envp;
    ftl_handle_t channel; // moves to the child as its first channel
                          // (FTL_HANDLE_INVALID: none)
    uint32_t handles_max; // handles the child may hold at once, 1 to
                          // FTL_HANDLES_MAX; 0: FTL_HANDLES_DEFAULT
    uint64_t memory_limit; // bytes the child's memory may grow to; 0: no
                           // limit. Over it, allocations fail (malloc
                           // returns NULL) and touching uncommitted pages
                           // is a fault.
    const void *image;     // the program file in the caller's memory
    uint64_t image_len;    // its bytes, at most FTL_SPAWN_IMAGE_MAX; 0: the
                           // initfs file `path` (path then only names it)
};
#define FTL_SPAWN_IMAGE_MAX (16u * 1024 * 1024)

// What FTL_SYS_PROCESS_INFO tells about a process.
struct ftl_process_info {
    char name[FTL_NAME_MAX];
    uint32_t id;
    uint32_t isolation;    // FTL_ISOLATION_*
    uint32_t running;      // 1 until it exits
    int32_t exit_status;   // once exited
    uint32_t threads;
    uint32_t reserved;
    uint64_t memory_bytes; // charged to it now
    uint64_t memory_peak;  // most it ever had
    uint64_t memory_limit; // 0: none
};

// The kernel keeps the latest log lines of each process name (the service
// name under the supervisor) and of the kernel itself ("kernel") in a ring
// per name; FTL_SYS_LOG_READ reads them (see logs.h and
// docs/concepts/logs.md).
#define FTL_LOGS_NAMES_MAX 64 // rings kept at once, the kernel's included
// Longest line kept, without its newline: room for a whole ftl_log line
// (log.h's FTL_LOG_LINE_MAX, 1024) with the kernel's "[name] level: "
// before it. Longer lines are cut and end in "...".
#define FTL_LOGS_LINE_MAX 1088
#define FTL_LOGS_READ_MAX 16384 // most bytes one FTL_SYS_LOG_READ returns
// One line as FTL_SYS_LOG_READ gives it: "CURSOR TEXT\n", the cursor in
// decimal (at most 20 digits). A buffer this big always holds one line.
#define FTL_LOGS_ENTRY_MAX (20 + 1 + FTL_LOGS_LINE_MAX + 1)
// The list of names (name ""): "NAME LAST\n" per ring. A buffer this big
// always holds the whole list.
#define FTL_LOGS_LIST_MAX (FTL_LOGS_NAMES_MAX * (FTL_NAME_MAX - 1 + 1 + 20 + 1))

// Exit status of a process killed by a fault or FTL_SYS_PROCESS_KILL.
#define FTL_EXIT_KILLED 255

struct ftl_system_stats {
    uint64_t pages_free;
    uint64_t pages_total;
    uint64_t heap_bytes; // kernel heap in use
    uint32_t processes;  // live process objects
    uint32_t threads;    // live thread objects
    uint32_t vmareas;
    uint32_t handles; // handles of the calling process
    uint64_t context_switches;
    uint64_t cycles_per_second;
    uint64_t kernel_table_pages; // page tables of the kernel half in use
                                 // (kernel stacks' are kept for good,
                                 // kernel-mode slots' while the process
                                 // lives): a leak check adds them to
                                 // pages_free
    uint64_t log_pages; // pages of the log rings of process names (kept
                        // for good once made, reused past
                        // FTL_LOGS_NAMES_MAX names): a leak check adds
                        // them to pages_free
};
