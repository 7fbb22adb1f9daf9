// The program loader. The image is one physically contiguous vmarea: the
// ELF loader copies the segments into it through the direct map and applies
// the relocations for the address it will run at; each segment is then
// mapped with its own protection (W^X). The start-up information (struct
// ftl_start_info, argv, envp and their strings) is written into a read-only
// page mapped after the image. The same file can therefore run as a user
// process at USER_IMAGE_BASE or in kernel mode in its slot: only the load
// address and the system call entry differ.
#include "loader.h"

#include <ftl/error.h>
#include <ftl/start.h>

#include "elf.h"
#include "heap.h"
#include "initfs.h"
#include "lib/string.h"
#include "log.h"
#include "panic.h"
#include "sched.h"
#include "vm.h"
#include "vm_layout.h"

#define START_AREA_SIZE (2 * PAGE_SIZE)

// How far a kernel-mode process's image is shifted inside its slot. Under
// TCG, QEMU finds the translated code of a jump target through a
// 4,096-entry cache indexed by bits 0-23 of the address; slots are 64 GiB
// apart, so without a shift two kernel-mode processes running the same
// program would take the same entries and evict each other at every
// switch. Eight colours of four pages each, which also keep clear of the
// entries of the kernel's code (its first 128 KiB): ipc.call.kernel_kernel
// 8,500 -> 8,050 cycles. Real hardware does not care either way.
static uint64_t kernel_image_color(int slot)
{
    return (uint64_t)(32 + (slot % 8) * 4) * PAGE_SIZE;
}

// The user-mode system call stub: moves the C arguments (number, a1..a5 in
// rdi, rsi, rdx, rcx, r8, r9) into the syscall registers (rax, rdi, rsi,
// rdx, r10, r8) and executes syscall.
static const uint8_t syscall_stub[] = {
    0x48, 0x89, 0xf8, // mov %rdi, %rax
    0x48, 0x89, 0xf7, // mov %rsi, %rdi
    0x48, 0x89, 0xd6, // mov %rdx, %rsi
    0x48, 0x89, 0xca, // mov %rcx, %rdx
    0x4d, 0x89, 0xc2, // mov %r8, %r10
    0x4d, 0x89, 0xc8, // mov %r9, %r8
    0x0f, 0x05,       // syscall
    0xc3,             // ret
};

static struct vmarea *stub_area;

long syscall_call_from_kernel_mode(long number, long a1, long a2, long a3,
                                   long a4, long a5);

void loader_init(void)
{
    stub_area = vmarea_create(PAGE_SIZE, VMAREA_CONTIGUOUS, NULL);
    if (stub_area == NULL) {
        panic("no memory for the system call stub");
    }
    memcpy(page_to_virt(stub_area->pages[0]), syscall_stub,
           sizeof(syscall_stub));
}

static unsigned elf_prot_to_vm(uint32_t prot)
{
    return ((prot & ELF_PROT_READ) ? VM_READ : 0) |
           ((prot & ELF_PROT_WRITE) ? VM_WRITE : 0) |
           ((prot & ELF_PROT_EXEC) ? VM_EXEC : 0);
}

// Maps each segment's pages; segments that share a page (same protection,
// as elf_parse guarantees) are merged.
static int map_segments(struct process *p, const struct elf_image *elf,
                        struct vmarea *image, uint64_t base)
{
    uint64_t mapped_end = 0;
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const struct elf_segment *s = &elf->segments[i];
        uint64_t start = s->image_offset & ~(uint64_t)(PAGE_SIZE - 1);
        uint64_t end = (s->image_offset + s->mem_size + PAGE_SIZE - 1) &
                       ~(uint64_t)(PAGE_SIZE - 1);
        if (start < mapped_end) {
            start = mapped_end;
        }
        if (start >= end) {
            continue;
        }
        int err = vm_map(&p->space, image, start, base + start, end - start,
                         elf_prot_to_vm(s->prot), NULL);
        if (err < 0) {
            return err;
        }
        mapped_end = end;
    }
    return 0;
}

// Bump allocator over the start-up area: returns the kernel pointer and
// sets *va to the process address, or NULL when full.
struct start_writer {
    uint8_t *kernel;
    uint64_t va;
    uint64_t used;
};

static void *start_alloc(struct start_writer *w, uint64_t size, uint64_t *va)
{
    uint64_t at = (w->used + 7) & ~7ULL;
    if (size > START_AREA_SIZE || at > START_AREA_SIZE - size) {
        return NULL;
    }
    w->used = at + size;
    *va = w->va + at;
    return w->kernel + at;
}

static uint64_t start_string(struct start_writer *w, const char *s)
{
    uint64_t va;
    size_t len = strlen(s) + 1;
    char *copy = start_alloc(w, len, &va);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, s, len);
    return va;
}

static int start_vector(struct start_writer *w, unsigned count,
                        const char *const *strings, uint64_t *va)
{
    uint64_t *vector = start_alloc(w, (count + 1) * 8ULL, va);
    if (vector == NULL) {
        return FTL_ERR_TOO_LARGE;
    }
    for (unsigned i = 0; i < count; i++) {
        vector[i] = start_string(w, strings[i]);
        if (vector[i] == 0) {
            return FTL_ERR_TOO_LARGE;
        }
    }
    vector[count] = 0;
    return 0;
}

static int write_start_info(struct process *p,
                            const struct loader_request *request,
                            uint64_t image_base, ftl_syscall_fn syscall,
                            handle_t channel, uint64_t *info_va)
{
    struct vmarea *area =
        vmarea_create(START_AREA_SIZE, VMAREA_CONTIGUOUS, p->space.account);
    if (area == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    uint64_t va;
    int err = vm_map(&p->space, area, 0, 0, START_AREA_SIZE, VM_READ, &va);
    struct start_writer w = {page_to_virt(area->pages[0]), va, 0};
    object_put(&area->object); // the mapping keeps it
    if (err < 0) {
        return err;
    }
    struct ftl_start_info *info = start_alloc(&w, sizeof(*info), info_va);
    info->version = FTL_START_INFO_VERSION;
    info->isolation =
        p->kernel_mode ? FTL_ISOLATION_KERNEL : FTL_ISOLATION_USER;
    info->syscall = syscall;
    info->page_size = PAGE_SIZE;
    info->channel = channel;
    info->argc = (int32_t)request->argc;
    info->image_base = image_base;
    uint64_t name, argv, envp;
    name = start_string(&w, p->name);
    if (name == 0 ||
        start_vector(&w, request->argc, request->argv, &argv) < 0 ||
        start_vector(&w, request->envc, request->envp, &envp) < 0) {
        return FTL_ERR_TOO_LARGE;
    }
    info->name = (const char *)name;
    info->argv = (const char *const *)argv;
    info->envp = (const char *const *)envp;
    return 0;
}

static void name_from_path(const char *path, char *out)
{
    const char *base = path;
    for (const char *c = path; *c != '\0'; c++) {
        if (*c == '/') {
            base = c + 1;
        }
    }
    size_t len = strnlen(base, FTL_NAME_MAX - 1);
    if (len > 4 && memcmp(base + len - 4, ".elf", 4) == 0) {
        len -= 4;
    }
    memcpy(out, base, len);
    out[len] = '\0';
}

static int load_image(struct process *p, const void *file, size_t size,
                      uint64_t base, uint64_t *entry)
{
    struct elf_image elf;
    int err = elf_parse(file, size, &elf);
    if (err < 0) {
        return err;
    }
    if (p->wasm && !elf.wasm_note) {
        return FTL_ERR_BAD_FORMAT; // not out of the wasm pipeline: unsandboxed
    }
    struct vmarea *image =
        vmarea_create(elf.span, VMAREA_CONTIGUOUS, p->space.account);
    if (image == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    err = elf_load(&elf, file, size, page_to_virt(image->pages[0]), base);
    if (err == 0) {
        err = map_segments(p, &elf, image, base);
    }
    object_put(&image->object); // the mappings keep it
    *entry = base + elf.entry_offset;
    p->image_base = base;
    p->image_size = elf.span;
    return err;
}

// Called with each process whose program is in place, before its first
// instruction runs; it does nothing. A debugger breaks here to load the
// program's symbols at p->image_base, as gdb does with ld.so's
// _dl_debug_state (the gdb script of `ftl run --gdb`). noipa keeps the
// call: an empty function would otherwise be optimised away.
__attribute__((noipa)) void loader_debug_loaded(struct process *p)
{
    (void)p;
}

int loader_spawn(const struct loader_request *request, struct process **out)
{
    const void *file = request->image;
    size_t size = request->image_size;
    int err = size > 0 ? 0 : initfs_find(request->path, &file, &size);
    if (err < 0) {
        return err;
    }
    char name[FTL_NAME_MAX];
    name_from_path(request->name != NULL ? request->name : request->path, name);
    struct process *p =
        process_create(name, request->kernel_mode, request->memory_limit,
                       request->handles_max);
    if (p == NULL) {
        return FTL_ERR_NO_MEMORY;
    }
    p->wasm = request->wasm;
    uint64_t base = p->kernel_mode ? p->space.start + REGION_IMAGE_OFFSET +
                                         kernel_image_color(p->slot)
                                   : USER_IMAGE_BASE;
    uint64_t entry = 0, info_va = 0, stack_top = 0;
    p->space.next_vmarea = base; // the rest goes after the image
    err = load_image(p, file, size, base, &entry);
    ftl_syscall_fn syscall = syscall_call_from_kernel_mode;
    if (err == 0 && !p->kernel_mode) {
        uint64_t stub;
        err = vm_map(&p->space, stub_area, 0, 0, PAGE_SIZE, VM_READ | VM_EXEC,
                     &stub);
        syscall = (ftl_syscall_fn)stub;
    }
    handle_t channel = FTL_HANDLE_INVALID;
    if (err == 0 && request->channel != NULL) {
        channel = handle_add(&p->handles, request->channel,
                             FTL_RIGHT_READ | FTL_RIGHT_WRITE |
                                 FTL_RIGHT_TRANSFER | FTL_RIGHT_DUPLICATE);
        err = channel < 0 ? channel : 0;
    }
    if (err == 0) {
        err = write_start_info(p, request, base, syscall, channel, &info_va);
    }
    if (err == 0) {
        err = vm_map_stack(&p->space,
                           p->kernel_mode ? THREAD_KERNEL_MODE_STACK_SIZE
                                          : THREAD_USER_STACK_SIZE,
                           &stack_top);
    }
    struct thread *t = NULL;
    if (err == 0) {
        t = thread_create(p, entry, info_va, stack_top, request->priority);
        err = t == NULL ? FTL_ERR_NO_MEMORY : 0;
    }
    if (err < 0) {
        process_exit(p, FTL_EXIT_KILLED);
        process_release_memory(p);
        object_put(&p->object);
        return err;
    }
    *out = p; // the creation reference goes to the caller
    loader_debug_loaded(p);
    process_start_thread(p, t);
    return 0;
}
