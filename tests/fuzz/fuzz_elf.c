// Fuzz target: the kernel's ELF loader (os/kernel/elf.c), which reads
// service binaries from the initfs. The input is the file, in a heap block
// of exactly its size. What elf_parse accepts must load: elf_load may not
// fail on it (its header promises that), and it fills an image of exactly
// elf.span bytes, at a user and at a kernel address, so ASan reports any
// write outside the image. Spans over IMAGE_FUZZ_MAX are parsed only, to
// keep each run fast.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "elf.h"

#define IMAGE_FUZZ_MAX (1u << 20)
#define BASE_USER 0x0000000040000000ull
#define BASE_KERNEL 0xffffffff90000000ull

// What elf_parse promises about an image it accepted.
static void image_check(const struct elf_image *elf)
{
    if (elf->span == 0 || elf->span % ELF_PAGE_SIZE != 0 ||
        elf->span > ELF_SPAN_MAX || elf->segment_count == 0 ||
        elf->segment_count > ELF_SEGMENTS_MAX ||
        elf->entry_offset >= elf->span) {
        abort();
    }
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const struct elf_segment *s = &elf->segments[i];
        if (s->file_size > s->mem_size || s->image_offset > elf->span ||
            s->mem_size > elf->span - s->image_offset ||
            ((s->prot & ELF_PROT_WRITE) && (s->prot & ELF_PROT_EXEC))) {
            abort();
        }
    }
}

static void image_load(const struct elf_image *elf, const uint8_t *file,
                       size_t size, uint64_t base)
{
    uint8_t *image = malloc(elf->span);
    memset(image, 0xaa, elf->span);
    if (elf_load(elf, file, size, image, base) != 0) {
        abort();
    }
    free(image);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *file = malloc(size != 0 ? size : 1);
    memcpy(file, data, size);
    struct elf_image elf;
    int err = elf_parse(file, size, &elf);
    if (err == 0) {
        image_check(&elf);
        if (elf.span <= IMAGE_FUZZ_MAX) {
            image_load(&elf, file, size, BASE_USER);
            image_load(&elf, file, size, BASE_KERNEL);
        }
    } else if (err != FTL_ERR_BAD_FORMAT && err != FTL_ERR_NOT_SUPPORTED &&
               err != FTL_ERR_TOO_LARGE) {
        abort();
    }
    free(file);
    return 0;
}
