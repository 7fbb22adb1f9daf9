// GDT and TSS. Long mode ignores segment bases and limits except for the
// TSS, so the GDT holds little: ring 0 and ring 3 code and data in the order
// syscall/sysret require, and the TSS, whose RSP0 is the stack for entries
// from user mode and whose IST slots give double faults, NMIs and machine
// checks a known-good stack of their own.
#include "arch/x64/gdt.h"

#include "arch/x64/asm.h"
#include "hot.h"
#include "lib/string.h"
#include "panic.h"

#define IST_STACK_SIZE 8192

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

_Static_assert(sizeof(struct tss) == 104, "TSS layout (SDM vol. 3, 8.7)");

struct gdt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

// The TSS sits with the hot variables: its RSP0 is written at every thread
// switch, and under TCG a page written after an address-space switch costs
// a TLB refill unless it is one touched anyway. The I/O permission bitmap
// lies further on (iomap_base is its 16-bit offset from the TSS, and the
// TSS limit reaches its end); the CPU also reads the byte after the last
// port's, which must be all ones. kernel.ld places .bss.hot.io_bitmap right
// after the message pool, well within 64 KiB of the TSS.
KERNEL_HOT_DATA static struct tss tss __attribute__((aligned(128)));
static struct {
    uint8_t bits[IO_BITMAP_BYTES];
    uint8_t end;
} io_bitmap __attribute__((section(".bss.hot.io_bitmap")));
// NULL: all ports closed.
KERNEL_HOT_DATA static const uint8_t *io_bitmap_loaded;
static uint64_t gdt[8] __attribute__((aligned(16)));
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

void gdt_set_kernel_stack(uint64_t top)
{
    tss.rsp[0] = top;
}

static void set_tss_descriptor(uint64_t *slot)
{
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = (uint64_t)&io_bitmap + sizeof(io_bitmap) - 1 - base;
    slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
              (0x89ULL << 40) | // present, 64-bit available TSS
              (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    slot[1] = base >> 32;
}

void gdt_init(void)
{
    gdt[0] = 0;
    gdt[GDT_KERNEL_CODE / 8] = 0x00af9a000000ffff;
    gdt[GDT_KERNEL_DATA / 8] = 0x00cf92000000ffff;
    gdt[GDT_USER_BASE / 8] = 0x00cffa000000ffff; // 32-bit user code
    gdt[GDT_USER_DATA / 8] = 0x00cff2000000ffff;
    gdt[GDT_USER_CODE / 8] = 0x00affa000000ffff;
    set_tss_descriptor(&gdt[GDT_TSS / 8]);

    uint64_t iomap_offset = (uint64_t)&io_bitmap - (uint64_t)&tss;
    if ((uint64_t)&io_bitmap < (uint64_t)&tss + sizeof(tss) ||
        iomap_offset > 0xffff) {
        panic("the I/O bitmap is out of the TSS's reach (kernel.ld)");
    }
    memset(&tss, 0, sizeof(tss));
    tss.iomap_base = (uint16_t)iomap_offset;
    memset(io_bitmap.bits, 0xff, sizeof(io_bitmap.bits));
    io_bitmap.end = 0xff;
    for (int i = 0; i < 3; i++) {
        tss.ist[i] = (uint64_t)&ist_stacks[i][IST_STACK_SIZE];
    }

    struct gdt_pointer pointer = {sizeof(gdt) - 1, (uint64_t)gdt};
    x64_load_gdt(&pointer, GDT_KERNEL_CODE, GDT_KERNEL_DATA);
    x64_load_tss(GDT_TSS);
}

void gdt_load_io_bitmap(const uint8_t *bitmap)
{
    if (bitmap == io_bitmap_loaded) {
        return;
    }
    if (bitmap == NULL) {
        memset(io_bitmap.bits, 0xff, IO_BITMAP_BYTES);
    } else {
        memcpy(io_bitmap.bits, bitmap, IO_BITMAP_BYTES);
    }
    io_bitmap_loaded = bitmap;
}

void gdt_io_bitmap_changed(const uint8_t *bitmap)
{
    if (bitmap == io_bitmap_loaded) {
        gdt_load_io_bitmap(NULL);
    }
}
