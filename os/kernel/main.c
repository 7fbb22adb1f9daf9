// Kernel start-up: banner, boot information, memory, interrupts, clock,
// scheduler, then the first process.
//
// The first process is the program `ftl.init=PATH` names in the initfs
// (default supervisor.elf), in user mode unless `ftl.init_mode=kernel`, with
// `ftl.init_arg=ARG` as its one argument if given. It holds the right to
// spawn processes.
//
// With `ftl.test` on the command line the kernel runs in test mode: QEMU
// ends with the first process's exit status, or, without `ftl.init`, with 0
// or 1 after the boot checks. The integration tests read it as QEMU's exit
// code.
#include "kernel.h"

#include <stdbool.h>

#include <ftl/error.h>

#include "arch.h"
#include "arch/x64/acpi.h"
#include "arch/x64/apic.h"
#include "arch/x64/cpu.h"
#include "arch/x64/paging.h"
#include "clock.h"
#include "cmdline.h"
#include "initfs.h"
#include "lib/string.h"
#include "loader.h"
#include "log.h"
#include "page.h"
#include "panic.h"
#include "pci.h"
#include "process.h"
#include "sched.h"
#include "tar.h"

#define MIB (1024 * 1024)
#define LOW_MEMORY_END MIB // BIOS data, EBDA, option ROMs: never used
#define INIT_PATH_MAX 64
#define INIT_ARG_MAX 256 // bytes of ftl.init_arg, with its NUL

extern const char __kernel_phys_start[], __kernel_phys_end[];

static bool test_mode;

static void log_boot_info(const struct boot_info *info)
{
    LOG_INFO("command line: %s", info->cmdline[0] ? info->cmdline : "(empty)");
    LOG_INFO("memory: %lu MiB usable in %u regions",
             (unsigned long)(boot_info_usable_bytes(info) / MIB),
             info->memory_count);
    for (unsigned i = 0; i < info->module_count; i++) {
        const struct boot_module *m = &info->modules[i];
        LOG_INFO("module %u: '%s', %lu bytes at %p", i, m->name,
                 (unsigned long)m->size, (void *)(uintptr_t)m->phys);
    }
    if (info->truncated) {
        LOG_WARN("the loader reported more regions or modules than fit; "
                 "the rest are ignored");
    }
}

// The initfs is the module named "initfs" (GRUB's module2 line), or the only
// module when the loader gives no names (QEMU's -initrd).
static const struct boot_module *find_initfs(const struct boot_info *info)
{
    const struct boot_module *m = boot_info_find_module(info, "initfs");
    if (m == NULL && info->module_count == 1) {
        m = &info->modules[0];
    }
    return m;
}

// Lists the initfs and hands it to initfs.c. Returns true if it is readable
// and has a boot manifest.
static bool check_initfs(const struct boot_info *info,
                         const struct phys_window *phys)
{
    const struct boot_module *module = find_initfs(info);
    if (module == NULL) {
        LOG_ERROR("no initfs module: nothing to start");
        return false;
    }
    const void *archive = phys_window_get(phys, module->phys, module->size);
    if (archive == NULL) {
        LOG_ERROR("initfs at %p (%lu bytes) is outside mapped memory",
                  (void *)(uintptr_t)module->phys, (unsigned long)module->size);
        return false;
    }
    struct tar_reader reader;
    struct tar_entry entry;
    tar_reader_init(&reader, archive, module->size);
    unsigned files = 0;
    bool has_manifest = false;
    int status;
    while ((status = tar_next(&reader, &entry)) > 0) {
        LOG_INFO("initfs: %s (%lu bytes)", entry.name,
                 (unsigned long)entry.size);
        has_manifest |= strcmp(entry.name, "boot.manifest") == 0;
        files++;
    }
    if (status < 0) {
        LOG_ERROR("initfs is corrupt after %u files", files);
        return false;
    }
    LOG_INFO("initfs: %u files", files);
    initfs_init(archive, module->size);
    if (!has_manifest) {
        LOG_ERROR("initfs has no boot.manifest");
    }
    return has_manifest;
}

// Highest end of RAM and firmware tables (what the direct map must cover).
static uint64_t memory_end(const struct boot_info *info)
{
    uint64_t end = 0;
    for (unsigned i = 0; i < info->memory_count; i++) {
        const struct boot_memory_region *r = &info->memory[i];
        if (r->type != BOOT_MEMORY_RESERVED && r->base + r->size > end) {
            end = r->base + r->size;
        }
    }
    return end;
}

static void init_memory(const struct boot_info *info,
                        const struct phys_window *phys)
{
    struct page_range reserved[2 + BOOT_MODULES_MAX];
    unsigned count = 0;
    reserved[count++] = (struct page_range){0, LOW_MEMORY_END};
    reserved[count++] = (struct page_range){(uint64_t)__kernel_phys_start,
                                            (uint64_t)__kernel_phys_end -
                                                (uint64_t)__kernel_phys_start};
    for (unsigned i = 0; i < info->module_count; i++) {
        reserved[count++] =
            (struct page_range){info->modules[i].phys, info->modules[i].size};
    }
    if (page_init(phys, info, reserved, count) < 0) {
        panic("no usable memory");
    }
    paging_init(memory_end(info));
    LOG_INFO("memory: %lu pages free of %lu", (unsigned long)page_free_count(),
             (unsigned long)page_total_count());
}

static void init_interrupts(const struct boot_info *info)
{
    struct interrupt_topology topology;
    const void *rsdp = info->rsdp_len > 0   ? (const void *)info->rsdp
                       : info->rsdp_phys != 0 ? page_to_virt(info->rsdp_phys)
                                              : NULL;
    if (acpi_find_interrupts(rsdp, &topology) < 0) {
        panic("no ACPI MADT and no MP table: cannot find the interrupt "
              "controllers");
    }
    apic_init(&topology);
    clock_init();
}

// Waits for the first process. In test mode, ends the machine with its exit
// status; otherwise says so and leaves the system idle.
static void watch_init(void *arg)
{
    struct process *init = arg;
    long status = process_wait(init, 0);
    if (test_mode) {
        LOG_INFO("test mode: %s exited with status %ld", init->name, status);
        arch_machine_exit((uint8_t)status);
    }
    LOG_INFO("%s exited with status %ld; nothing else runs", init->name,
             status);
    sched_exit_current();
}

static void start_init(const struct boot_info *info)
{
    char path[INIT_PATH_MAX] = "supervisor.elf";
    char mode[16] = "user";
    bool named = cmdline_get(info->cmdline, "ftl.init", path, sizeof(path));
    cmdline_get(info->cmdline, "ftl.init_mode", mode, sizeof(mode));
    if (test_mode && !named) {
        LOG_INFO("test mode: boot checks passed, exiting");
        arch_machine_exit(0);
    }
    char arg[INIT_ARG_MAX];
    const char *argv[] = {path, arg};
    bool has_arg = cmdline_get(info->cmdline, "ftl.init_arg", arg, sizeof(arg));
    struct loader_request request = {
        .path = path,
        .kernel_mode = strcmp(mode, "kernel") == 0,
        .priority = THREAD_PRIORITY_DEFAULT,
        .argc = has_arg ? 2 : 1,
        .argv = argv,
    };
    struct process *init;
    int err = loader_spawn(&request, &init);
    if (err < 0) {
        LOG_ERROR("cannot start %s: %s", path, ftl_error_str(err));
        if (test_mode) {
            arch_machine_exit(1);
        }
        return;
    }
    init->may_spawn = true;
    init->may_grant = true;
    LOG_INFO("started %s (%s mode)", init->name,
             init->kernel_mode ? "kernel" : "user");
    struct thread *watcher =
        thread_create_kernel(watch_init, init, THREAD_PRIORITIES - 1);
    if (watcher == NULL) {
        panic("no memory for the first process's watcher");
    }
    sched_ready(watcher);
}

void kernel_main(const struct boot_info *info, const struct phys_window *phys)
{
    log_raw("FTL %s x86_64, boot path: %s", FTL_VERSION, info->loader);
    test_mode = cmdline_has(info->cmdline, "ftl.test");
    panic_test_mode = test_mode;
    cpu_init();
    log_boot_info(info);
    bool ok = check_initfs(info, phys);
    init_memory(info, phys);
    init_interrupts(info);
    pci_init();
    sched_init();
    loader_init();
    if (!ok && test_mode) {
        LOG_INFO("test mode: boot checks failed, exiting");
        arch_machine_exit(1);
    }
    if (ok) {
        start_init(info);
    }
    sched_start();
}
