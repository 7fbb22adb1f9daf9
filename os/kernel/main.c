// Kernel start-up: banner, what the loader gave us, the initfs.
//
// With `ftl.test` on the command line the kernel runs in test mode: after its
// boot checks it ends the machine with status 0 (all good) or 1, which the
// integration tests read as QEMU's exit code.
#include "kernel.h"

#include <stdbool.h>

#include "arch.h"
#include "cmdline.h"
#include "lib/string.h"
#include "log.h"
#include "tar.h"

#define MIB (1024 * 1024)

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

// Lists the initfs. Returns true if it is readable and has a boot manifest.
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
    if (!has_manifest) {
        LOG_ERROR("initfs has no boot.manifest");
    }
    return has_manifest;
}

void kernel_main(const struct boot_info *info, const struct phys_window *phys)
{
    log_raw("FTL %s x86_64, boot path: %s", FTL_VERSION, info->loader);
    log_boot_info(info);
    bool ok = check_initfs(info, phys);
    if (cmdline_has(info->cmdline, "ftl.test")) {
        LOG_INFO("test mode: boot checks %s, exiting",
                 ok ? "passed" : "failed");
        arch_machine_exit(ok ? 0 : 1);
    }
    LOG_INFO("boot complete; nothing else to run yet, halting");
    arch_halt();
}
