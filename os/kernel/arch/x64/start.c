// First C code of the x86-64 port, called by boot.S on the boot stack with
// the boot page tables: turns the loader's information into a struct
// boot_info and hands over to the generic kernel.
#include <stdint.h>

#include <ftl/error.h>

#include "arch.h"
#include "arch/x64/boot.h"
#include "arch/x64/multiboot2.h"
#include "arch/x64/pvh.h"
#include "arch/x64/serial.h"
#include "bootinfo.h"
#include "kernel.h"
#include "log.h"

// Physical memory the boot page tables map at DIRECT_MAP_BASE.
#define BOOT_DIRECT_MAP_SIZE (4ULL << 30)

static struct boot_info boot_info;

void x64_start(uint32_t boot_protocol, uint64_t info_phys);

void x64_start(uint32_t boot_protocol, uint64_t info_phys)
{
    serial_init();
    struct phys_window window = {
        .offset = DIRECT_MAP_BASE,
        .limit = BOOT_DIRECT_MAP_SIZE,
    };
    int err;
    if (boot_protocol == BOOT_PROTOCOL_PVH) {
        err = pvh_parse(&window, info_phys, &boot_info);
    } else {
        err = multiboot2_parse(&window, info_phys, &boot_info);
    }
    if (err < 0) {
        log_raw("FTL: cannot read the %s boot information at %p: %s",
                boot_protocol == BOOT_PROTOCOL_PVH ? "PVH" : "Multiboot2",
                (void *)(uintptr_t)info_phys, ftl_error_str(err));
        arch_halt();
    }
    kernel_main(&boot_info, &window);
}
