// System call handlers. Each sys_* decodes its raw arguments, checks them
// (handles through handle_lookup, pointers through usercopy, sizes against
// named limits) and only then acts. Handlers return a non-negative result or
// an FTL_ERR_* code; nothing a process passes can make them panic.
#include "syscall.h"

#include "hot.h"
#include "syscall_device.h"
#include "syscall_ipc.h"

#include <stdbool.h>

#include <ftl/error.h>
#include <ftl/syscall.h>
#include <ftl/thread.h>
#include <ftl/wasm.h>

#include "arch.h"
#include "arch/x64/paging.h"
#include "arch/x64/trap.h"
#include "clock.h"
#include "heap.h"
#include "initfs.h"
#include "lib/string.h"
#include "loader.h"
#include "log.h"
#include "logbook.h"
#include "page.h"
#include "process.h"
#include "sched.h"
#include "usercopy.h"

#define CONSOLE_WRITE_MAX 4096
#define SPAWN_PATH_MAX 128

static struct process *current_process(void)
{
    return sched_current()->process;
}

static long sys_nop(void)
{
    return 0;
}

// Writes text as lines, each prefixed "[process] " (level 0, the process's
// standard output) or "[process] LEVEL: " (levels 1-4: debug, info, warn,
// error, for logging), to the console and to the process name's ring of
// the log book.
static long sys_console_write(uint64_t text, uint64_t len, uint64_t level)
{
    static char buffer[CONSOLE_WRITE_MAX];
    static const char *const levels[] = {NULL, "debug", "info", "warn",
                                         "error"};
    if (len > CONSOLE_WRITE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    if (level > 4) {
        return FTL_ERR_INVALID_ARG;
    }
    int err = copy_from_process(buffer, text, len);
    if (err < 0) {
        return err;
    }
    struct process *p = current_process();
    const char *name = p->name;
    size_t start = 0;
    while (start < len) {
        size_t end = start;
        while (end < len && buffer[end] != '\n') {
            end++;
        }
        char prefix[FTL_NAME_MAX + 16];
        size_t n = level == 0 ? 0 : strlen(levels[level]);
        size_t at = 0;
        prefix[at++] = '[';
        memcpy(prefix + at, name, strlen(name));
        at += strlen(name);
        prefix[at++] = ']';
        prefix[at++] = ' ';
        if (n > 0) {
            memcpy(prefix + at, levels[level], n);
            at += n;
            prefix[at++] = ':';
            prefix[at++] = ' ';
        }
        arch_console_write(prefix, at);
        arch_console_write(buffer + start, end - start);
        arch_console_write("\n", 1);
        logbook_append(&p->log_ref, name, prefix, at, buffer + start,
                       end - start);
        start = end + 1;
    }
    return (long)len;
}

static long sys_process_exit(uint64_t status)
{
    process_exit(current_process(), (int)(status & 0xff));
    sched_exit_current();
}

// Copies the argv or envp vector of a spawn request into `strings`,
// returning kernel pointers in `out`.
static int copy_string_vector(uint64_t vector, uint32_t count, const char **out,
                              char *strings, size_t *used)
{
    for (uint32_t i = 0; i < count; i++) {
        uint64_t pointer;
        int err = copy_from_process(&pointer, vector + i * 8ULL, 8);
        if (err < 0) {
            return err;
        }
        long len = copy_string_from_process(strings + *used, pointer,
                                            FTL_SPAWN_STRINGS_MAX - *used);
        if (len < 0) {
            return (int)len;
        }
        out[i] = strings + *used;
        *used += (size_t)len + 1;
    }
    return 0;
}

// A program file from the caller's memory, copied whole: elf_parse and
// elf_load read it at random, and the caller could change its own copy
// meanwhile. Freed by the caller (heap_free) once the child is loaded.
static long spawn_image_copy(const struct ftl_spawn *spawn, void **image)
{
    *image = NULL;
    if (spawn->image_len == 0) {
        return 0;
    }
    if (spawn->image_len > FTL_SPAWN_IMAGE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    *image = heap_alloc((size_t)spawn->image_len);
    if (*image == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    return copy_from_process(*image, (uint64_t)spawn->image,
                             (size_t)spawn->image_len);
}

static long spawn_checked(const struct ftl_spawn *spawn, char *strings,
                          const void *image)
{
    if (spawn->handles_max > FTL_HANDLES_MAX) {
        return FTL_ERR_INVALID_ARG;
    }
    struct object *channel = NULL;
    if (spawn->channel != FTL_HANDLE_INVALID) {
        int err = handle_lookup(&current_process()->handles, spawn->channel,
                                OBJECT_CHANNEL, FTL_RIGHT_TRANSFER, &channel);
        if (err < 0) {
            return err;
        }
    }
    char path[SPAWN_PATH_MAX], name[FTL_NAME_MAX];
    const char *argv[FTL_SPAWN_ARGS_MAX], *envp[FTL_SPAWN_ARGS_MAX];
    long len =
        copy_string_from_process(path, (uint64_t)spawn->path, sizeof(path));
    if (len < 0) {
        return len;
    }
    if (spawn->name != NULL) {
        len =
            copy_string_from_process(name, (uint64_t)spawn->name, sizeof(name));
        if (len < 0) {
            return len;
        }
    }
    size_t used = 0;
    int err = copy_string_vector((uint64_t)spawn->argv, spawn->argc, argv,
                                 strings, &used);
    if (err == 0) {
        err = copy_string_vector((uint64_t)spawn->envp, spawn->envc, envp,
                                 strings, &used);
    }
    if (err < 0) {
        return err;
    }
    struct loader_request request = {
        .path = path,
        .image = image,
        .image_size = (size_t)spawn->image_len,
        .name = spawn->name != NULL ? name : NULL,
        .kernel_mode = spawn->isolation != FTL_ISOLATION_USER,
        .wasm = spawn->isolation == FTL_ISOLATION_WASM,
        .priority =
            spawn->priority == 0 ? THREAD_PRIORITY_DEFAULT : spawn->priority,
        .argc = spawn->argc,
        .envc = spawn->envc,
        .argv = argv,
        .envp = envp,
        .channel = channel,
        .memory_limit = spawn->memory_limit,
        .handles_max = spawn->handles_max,
    };
    struct process *child;
    err = loader_spawn(&request, &child);
    if (err < 0) {
        return err;
    }
    if (channel != NULL) {
        // The child holds it now; the parent's handle goes.
        handle_close(&current_process()->handles, spawn->channel);
    }
    handle_t h = handle_add(&current_process()->handles, &child->object,
                            FTL_RIGHT_READ | FTL_RIGHT_MANAGE);
    if (h < 0) {
        process_exit(child, FTL_EXIT_KILLED);
    }
    object_put(&child->object);
    return h;
}

static long sys_process_spawn(uint64_t uspawn)
{
    if (!current_process()->may_spawn) {
        return FTL_ERR_NOT_ALLOWED;
    }
    struct ftl_spawn spawn;
    int err = copy_from_process(&spawn, uspawn, sizeof(spawn));
    if (err < 0) {
        return err;
    }
    if (spawn.isolation > FTL_ISOLATION_WASM ||
        spawn.priority >= THREAD_PRIORITIES ||
        spawn.argc > FTL_SPAWN_ARGS_MAX || spawn.envc > FTL_SPAWN_ARGS_MAX) {
        return FTL_ERR_INVALID_ARG;
    }
    char *strings = heap_alloc(FTL_SPAWN_STRINGS_MAX);
    if (strings == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    void *image;
    long result = spawn_image_copy(&spawn, &image);
    if (result == 0) {
        result = spawn_checked(&spawn, strings, image);
    }
    heap_free(image);
    heap_free(strings);
    return result;
}

static long sys_process_wait(uint64_t h, uint64_t timeout_ns)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_PROCESS, FTL_RIGHT_READ, &o);
    if (err < 0) {
        return err;
    }
    struct process *p = (struct process *)o;
    if (p->state == PROCESS_EXITED) {
        return p->exit_status;
    }
    if (timeout_ns == 0) {
        return FTL_ERR_TIMED_OUT;
    }
    uint64_t deadline =
        timeout_ns == UINT64_MAX ? 0 : clock_now_ns() + timeout_ns;
    object_get(o); // the handle may be closed while we wait
    long result = process_wait(p, deadline);
    object_put(o);
    return result;
}

static long sys_process_kill(uint64_t h)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_PROCESS, FTL_RIGHT_MANAGE, &o);
    if (err < 0) {
        return err;
    }
    struct process *p = (struct process *)o;
    if (p == current_process()) {
        sys_process_exit(FTL_EXIT_KILLED);
    }
    process_exit(p, FTL_EXIT_KILLED);
    return 0;
}

static long sys_thread_create(uint64_t entry, uint64_t arg, uint64_t priority)
{
    struct process *p = current_process();
    if (!vm_range_is_owned(&p->space, entry, 1) ||
        priority >= THREAD_PRIORITIES) {
        return FTL_ERR_INVALID_ARG;
    }
    // Kernel stacks are not charged to a process's memory, and there are
    // only so many: without a cap one process could take them all
    // (reliability_test's thread_hog_meets_the_thread_limit).
    if (p->thread_count >= FTL_THREADS_MAX) {
        return FTL_ERR_LIMIT;
    }
    uint64_t stack_size =
        p->kernel_mode ? THREAD_KERNEL_MODE_STACK_SIZE : THREAD_USER_STACK_SIZE;
    uint64_t top;
    int err = vm_map_stack(&p->space, stack_size, &top);
    if (err < 0) {
        return err;
    }
    struct thread *t = thread_create(
        p, entry, arg, top, priority == 0 ? THREAD_PRIORITY_DEFAULT : priority);
    if (t == NULL) {
        vm_unmap(&p->space, top - stack_size);
        return FTL_ERR_NO_MEMORY;
    }
    t->stack_base = top - stack_size;
    handle_t h = handle_add(&p->handles, &t->object, FTL_RIGHT_READ);
    if (h < 0) {
        object_put(&t->object);
        vm_unmap(&p->space, t->stack_base);
        return h;
    }
    process_start_thread(p, t);
    return h;
}

static long sys_thread_exit(void)
{
    sched_exit_current();
}

static long sys_thread_yield(void)
{
    sched_yield();
    return 0;
}

static long sys_thread_sleep(uint64_t ns)
{
    if (ns > UINT64_MAX / 2) {
        return FTL_ERR_INVALID_ARG;
    }
    sched_block(clock_now_ns() + ns + 1);
    return 0;
}

static long sys_clock_now(void)
{
    return (long)clock_now_ns();
}

static long sys_vmarea_create(uint64_t size)
{
    if (size == 0) {
        return FTL_ERR_INVALID_ARG;
    }
    if (size > VMAREA_SIZE_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    struct vmarea *area =
        vmarea_create(size, VMAREA_ANONYMOUS, current_process()->space.account);
    if (area == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    handle_t h = handle_add(&current_process()->handles, &area->object,
                            FTL_RIGHT_READ | FTL_RIGHT_WRITE | FTL_RIGHT_MAP |
                                FTL_RIGHT_TRANSFER | FTL_RIGHT_DUPLICATE);
    object_put(&area->object);
    return h;
}

static long sys_vmarea_map(uint64_t h, uint64_t prot)
{
    if (prot == 0 ||
        (prot & ~(uint64_t)(FTL_PROT_READ | FTL_PROT_WRITE | FTL_PROT_EXEC)) ||
        ((prot & FTL_PROT_WRITE) && (prot & FTL_PROT_EXEC))) {
        return FTL_ERR_INVALID_ARG;
    }
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_VMAREA, FTL_RIGHT_MAP, &o);
    if (err < 0) {
        return err;
    }
    struct vmarea *area = (struct vmarea *)o;
    unsigned vm_prot = ((prot & FTL_PROT_READ) ? VM_READ : 0) |
                       ((prot & FTL_PROT_WRITE) ? VM_WRITE | VM_READ : 0) |
                       ((prot & FTL_PROT_EXEC) ? VM_EXEC : 0);
    uint64_t address;
    err = vm_map(&current_process()->space, area, 0, 0, area->size, vm_prot,
                 &address);
    return err < 0 ? err : (long)address;
}

static long sys_vmarea_commit(uint64_t h, uint64_t size)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_VMAREA, FTL_RIGHT_WRITE, &o);
    if (err < 0) {
        return err;
    }
    return vmarea_commit((struct vmarea *)o, size);
}

static long sys_process_info(uint64_t h, uint64_t uinfo)
{
    struct object *o;
    int err = handle_lookup(&current_process()->handles, (handle_t)h,
                            OBJECT_PROCESS, FTL_RIGHT_READ, &o);
    if (err < 0) {
        return err;
    }
    struct process *p = (struct process *)o;
    const struct memory_account *account = p->space.account;
    struct ftl_process_info info = {
        .id = p->id,
        .isolation = p->wasm          ? FTL_ISOLATION_WASM
                     : p->kernel_mode ? FTL_ISOLATION_KERNEL
                                      : FTL_ISOLATION_USER,
        .running = p->state == PROCESS_RUNNING,
        .exit_status = p->state == PROCESS_RUNNING ? 0 : p->exit_status,
        .threads = p->thread_count,
        .memory_bytes = account->pages * PAGE_SIZE,
        .memory_peak = account->peak_pages * PAGE_SIZE,
        .memory_limit = account->limit_pages * PAGE_SIZE,
    };
    memcpy(info.name, p->name, sizeof(info.name));
    return copy_to_process(uinfo, &info, sizeof(info));
}

// Reads a file of the initfs (the supervisor's boot.manifest, and the files
// it serves to the services its specs grant them to); a read of 0 bytes
// returns the file's size. Only for the process that may spawn: the others
// have no business with the image.
static long sys_initfs_read(uint64_t upath, uint64_t offset, uint64_t ubuf,
                            uint64_t len)
{
    if (!current_process()->may_spawn) {
        return FTL_ERR_NOT_ALLOWED;
    }
    char path[SPAWN_PATH_MAX];
    long n = copy_string_from_process(path, upath, sizeof(path));
    if (n < 0) {
        return n;
    }
    const void *data;
    size_t size;
    int err = initfs_find(path, &data, &size);
    if (err < 0) {
        return err;
    }
    if (len == 0) {
        return (long)size; // how file grants learn a file's size
    }
    if (offset >= size) {
        return 0;
    }
    if (len > size - offset) {
        len = size - offset;
    }
    err = copy_to_process(ubuf, (const uint8_t *)data + offset, len);
    return err < 0 ? err : (long)len;
}

// Reads the log book (logbook.h): the lines of `name` after cursor, as
// "CURSOR TEXT\n", with the last one's cursor in *next; or, for the name "",
// the list "NAME LAST\n" of every ring, with the count in *next (next may
// be 0). Only for the process that may spawn (the supervisor), like the
// initfs: other processes' lines are not everyone's to read.
static long sys_log_read(uint64_t uname, uint64_t cursor, uint64_t ubuf,
                         uint64_t len, uint64_t unext)
{
    static char out[FTL_LOGS_READ_MAX];
    if (!current_process()->may_spawn) {
        return FTL_ERR_NOT_ALLOWED;
    }
    char name[FTL_NAME_MAX];
    long n = copy_string_from_process(name, uname, sizeof(name));
    if (n < 0) {
        return n;
    }
    if (len > sizeof(out)) {
        len = sizeof(out);
    }
    uint64_t next;
    n = name[0] == '\0' ? logbook_list(out, len, &next)
                        : logbook_read(name, cursor, out, len, &next);
    if (n < 0) {
        return n;
    }
    int err = copy_to_process(ubuf, out, (size_t)n);
    if (err == 0 && unext != 0) {
        err = copy_to_process(unext, &next, sizeof(next));
    }
    return err < 0 ? err : n;
}

static long sys_vmarea_unmap(uint64_t address)
{
    return vm_unmap(&current_process()->space, address);
}

static long sys_handle_close(uint64_t h)
{
    return handle_close(&current_process()->handles, (handle_t)h);
}

static long sys_system_stats(uint64_t ustats)
{
    struct heap_stats heap;
    heap_get_stats(&heap);
    struct ftl_system_stats stats = {
        .pages_free = page_free_count(),
        .pages_total = page_total_count(),
        .heap_bytes = heap.bytes_in_use,
        .processes = object_count(OBJECT_PROCESS),
        .threads = object_count(OBJECT_THREAD),
        .vmareas = object_count(OBJECT_VMAREA),
        .handles = handle_count(&current_process()->handles),
        .context_switches = sched_switch_count(),
        .cycles_per_second = clock_cycles_per_second(),
        .kernel_table_pages = paging_kernel_table_count(),
        .log_pages = logbook_pages(),
    };
    return copy_to_process(ustats, &stats, sizeof(stats));
}

// The dispatch table. Handlers take the raw argument registers; each decodes
// its own. A handler marked lock_free touches no shared kernel state, so a
// kernel-mode process may call it without turning interrupts off (the cost
// of a kernel-mode system call is then one indirect call).
typedef long (*syscall_handler)(long a1, long a2, long a3, long a4, long a5);

struct syscall_entry {
    syscall_handler handler;
    bool lock_free;
};

// Handlers declare only the arguments they use. Calling one through the
// five-argument type is sound on x86-64: the System V ABI passes the first
// six integer arguments in registers and the callee ignores the rest.
#define HANDLER(fn) ((syscall_handler)(void (*)(void))(fn))

KERNEL_HOT_RODATA static const struct syscall_entry syscall_table[FTL_SYS_COUNT] = {
    [FTL_SYS_NOP] = {HANDLER(sys_nop), true},
    [FTL_SYS_CONSOLE_WRITE] = {HANDLER(sys_console_write), false},
    [FTL_SYS_PROCESS_EXIT] = {HANDLER(sys_process_exit), false},
    [FTL_SYS_PROCESS_SPAWN] = {HANDLER(sys_process_spawn), false},
    [FTL_SYS_PROCESS_WAIT] = {HANDLER(sys_process_wait), false},
    [FTL_SYS_PROCESS_KILL] = {HANDLER(sys_process_kill), false},
    [FTL_SYS_THREAD_CREATE] = {HANDLER(sys_thread_create), false},
    [FTL_SYS_THREAD_EXIT] = {HANDLER(sys_thread_exit), false},
    [FTL_SYS_THREAD_YIELD] = {HANDLER(sys_thread_yield), false},
    [FTL_SYS_THREAD_SLEEP] = {HANDLER(sys_thread_sleep), false},
    [FTL_SYS_CLOCK_NOW] = {HANDLER(sys_clock_now), true},
    [FTL_SYS_VMAREA_CREATE] = {HANDLER(sys_vmarea_create), false},
    [FTL_SYS_VMAREA_MAP] = {HANDLER(sys_vmarea_map), false},
    [FTL_SYS_VMAREA_UNMAP] = {HANDLER(sys_vmarea_unmap), false},
    [FTL_SYS_HANDLE_CLOSE] = {HANDLER(sys_handle_close), false},
    [FTL_SYS_SYSTEM_STATS] = {HANDLER(sys_system_stats), false},
    [FTL_SYS_CHANNEL_CREATE] = {HANDLER(sys_channel_create), false},
    [FTL_SYS_CHANNEL_SEND] = {HANDLER(sys_channel_send), false},
    [FTL_SYS_CHANNEL_RECV] = {HANDLER(sys_channel_recv), false},
    [FTL_SYS_CHANNEL_DISCARD] = {HANDLER(sys_channel_discard), false},
    [FTL_SYS_COPY_TO_CALLER] = {HANDLER(sys_copy_to_caller), false},
    [FTL_SYS_COPY_FROM_CALLER] = {HANDLER(sys_copy_from_caller), false},
    [FTL_SYS_SINK_CREATE] = {HANDLER(sys_sink_create), false},
    [FTL_SYS_SINK_ADD] = {HANDLER(sys_sink_add), false},
    [FTL_SYS_SINK_REMOVE] = {HANDLER(sys_sink_remove), false},
    [FTL_SYS_SINK_WAIT] = {HANDLER(sys_sink_wait), false},
    [FTL_SYS_TIMER_CREATE] = {HANDLER(sys_timer_create), false},
    [FTL_SYS_TIMER_SET] = {HANDLER(sys_timer_set), false},
    [FTL_SYS_PCI_FIND] = {HANDLER(sys_pci_find), false},
    [FTL_SYS_PCI_INFO] = {HANDLER(sys_pci_info), false},
    [FTL_SYS_PCI_CONFIG_READ] = {HANDLER(sys_pci_config_read), false},
    [FTL_SYS_PCI_SET_BUS_MASTER] = {HANDLER(sys_pci_set_bus_master), false},
    [FTL_SYS_PCI_MAP_BAR] = {HANDLER(sys_pci_map_bar), false},
    [FTL_SYS_PCI_IOPORT] = {HANDLER(sys_pci_ioport), false},
    [FTL_SYS_IOPORT_CREATE] = {HANDLER(sys_ioport_create), false},
    [FTL_SYS_IOPORT_ENABLE] = {HANDLER(sys_ioport_enable), false},
    [FTL_SYS_DMA_CREATE] = {HANDLER(sys_dma_create), false},
    [FTL_SYS_INTERRUPT_CREATE] = {HANDLER(sys_interrupt_create), false},
    [FTL_SYS_INTERRUPT_ACK] = {HANDLER(sys_interrupt_ack), false},
    [FTL_SYS_VMAREA_COMMIT] = {HANDLER(sys_vmarea_commit), false},
    [FTL_SYS_PROCESS_INFO] = {HANDLER(sys_process_info), false},
    [FTL_SYS_INITFS_READ] = {HANDLER(sys_initfs_read), false},
    [FTL_SYS_LOG_READ] = {HANDLER(sys_log_read), false},
};

KERNEL_HOT long syscall_dispatch(long number, long a1, long a2, long a3,
                                 long a4, long a5)
{
    if ((unsigned long)number >= FTL_SYS_COUNT) {
        return FTL_ERR_INVALID_ARG;
    }
    return syscall_table[number].handler(a1, a2, a3, a4, a5);
}

KERNEL_HOT_WAIT long syscall_call_from_kernel_mode(long number, long a1,
                                                   long a2, long a3, long a4,
                                                   long a5)
{
    if ((unsigned long)number >= FTL_SYS_COUNT) {
        return FTL_ERR_INVALID_ARG;
    }
    const struct syscall_entry *entry = &syscall_table[number];
    if (entry->lock_free) {
        return entry->handler(a1, a2, a3, a4, a5);
    }
    uint64_t flags = arch_interrupts_save();
    long result = entry->handler(a1, a2, a3, a4, a5);
    sched_preempt_point(false);
    arch_interrupts_restore(flags);
    return result;
}

_Noreturn void x64_handle_syscall(struct trap_frame *frame);
_Noreturn void x64_syscall_exit(struct trap_frame *frame);

// Entered by a jump from arch/x64/syscall_entry.S, and left through
// x64_syscall_exit rather than by returning (see there).
KERNEL_HOT_WAIT _Noreturn void x64_handle_syscall(struct trap_frame *frame)
{
    frame->rax = (uint64_t)syscall_dispatch((long)frame->rax, (long)frame->rdi,
                                            (long)frame->rsi, (long)frame->rdx,
                                            (long)frame->r10, (long)frame->r8);
    sched_preempt_point(false);
    x64_syscall_exit(frame);
}
