// Loader of service binaries: position-independent ELF64 executables for
// x86-64 (ET_DYN, as `gcc -static-pie` writes them), so that the same file
// loads at any address, in a user process or in the kernel. elf_parse checks
// the file and describes the image; the caller allocates the image, elf_load
// fills and relocates it, and the caller maps each segment with its
// protection. The file is never trusted: nothing is read or written outside
// the file and the image, whatever the file says.
//
// A service must be linked with
//
//     -fPIE -static-pie -nostdlib -Wl,-z,max-page-size=4096
//     -Wl,-z,separate-code
//
// and without -Wl,-z,pack-relative-relocs (DT_RELR is not supported).
// max-page-size=4096 keeps the span small (the default of some toolchains,
// 2 MiB, pads the image with megabytes of holes); separate-code puts the
// headers and read-only data in pages of their own, not executable, and
// starts every segment with a different protection on a new page, which the
// loader requires (one page has one protection).
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_PAGE_SIZE 4096
#define ELF_SEGMENTS_MAX 16                 // PT_LOAD entries
#define ELF_SPAN_MAX (256 * 1024 * 1024ull) // address space of one image

#define ELF_PROT_READ 1
#define ELF_PROT_WRITE 2
#define ELF_PROT_EXEC 4

// The ELF64 format (System V gABI, x86-64 psABI), the parts the loader reads.
#define ELF_IDENT_SIZE 16
#define ELF_CLASS_32 1
#define ELF_CLASS_64 2
#define ELF_DATA_LSB 1 // little-endian
#define ELF_DATA_MSB 2
#define ELF_VERSION_CURRENT 1
#define ELF_TYPE_EXEC 2
#define ELF_TYPE_DYN 3
#define ELF_MACHINE_X86_64 62

#define ELF_PT_LOAD 1
#define ELF_PT_DYNAMIC 2
#define ELF_PT_INTERP 3
#define ELF_PT_NOTE 4
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

#define ELF_DT_NULL 0
#define ELF_DT_NEEDED 1
#define ELF_DT_PLTRELSZ 2
#define ELF_DT_SYMTAB 6
#define ELF_DT_RELA 7
#define ELF_DT_RELASZ 8
#define ELF_DT_RELAENT 9
#define ELF_DT_SYMENT 11
#define ELF_DT_REL 17
#define ELF_DT_RELSZ 18
#define ELF_DT_PLTREL 20
#define ELF_DT_JMPREL 23
#define ELF_DT_RELRSZ 35
#define ELF_DT_RELR 36

#define ELF_SHN_UNDEF 0
#define ELF_SHN_LORESERVE 0xff00
#define ELF_SHN_ABS 0xfff1
#define ELF_STB_WEAK 2
#define ELF_STT_GNU_IFUNC 10

#define ELF_R_X86_64_NONE 0
#define ELF_R_X86_64_64 1
#define ELF_R_X86_64_GLOB_DAT 6
#define ELF_R_X86_64_JUMP_SLOT 7
#define ELF_R_X86_64_RELATIVE 8

#define ELF_R_SYM(info) ((uint32_t)((info) >> 32))
#define ELF_R_TYPE(info) ((uint32_t)(info))
#define ELF_R_INFO(sym, type) (((uint64_t)(sym) << 32) | (uint32_t)(type))
#define ELF_ST_BIND(info) ((info) >> 4)
#define ELF_ST_TYPE(info) ((info)&0xf)

struct elf64_ehdr {
    uint8_t e_ident[ELF_IDENT_SIZE]; // "\177ELF", class, data, version...
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

struct elf64_dyn {
    int64_t d_tag;
    uint64_t d_val;
};

struct elf64_rela {
    uint64_t r_offset;
    uint64_t r_info;
    int64_t r_addend;
};

struct elf64_sym {
    uint32_t st_name;
    uint8_t st_info;
    uint8_t st_other;
    uint16_t st_shndx;
    uint64_t st_value;
    uint64_t st_size;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 header");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header");
_Static_assert(sizeof(struct elf64_dyn) == 16, "ELF64 dynamic entry");
_Static_assert(sizeof(struct elf64_rela) == 24, "ELF64 relocation");
_Static_assert(sizeof(struct elf64_sym) == 24, "ELF64 symbol");

// One PT_LOAD segment, checked: the file bytes lie inside the file, the
// memory bytes inside the image, file_size <= mem_size.
struct elf_segment {
    uint64_t file_offset;
    uint64_t file_size;
    uint64_t image_offset; // p_vaddr - elf_image.link_base
    uint64_t mem_size;     // bytes past file_size are zero
    uint32_t prot;         // ELF_PROT_*, never both WRITE and EXEC
};

// A table the loader reads from the file (not from the image, so relocating
// can never change what is relocated next); it lies inside the file bytes of
// one segment.
struct elf_table {
    uint64_t file_offset;
    uint64_t size; // bytes; 0 when the file has no such table
};

struct elf_image {
    uint64_t span;         // bytes of address space, a multiple of 4 KiB
    uint64_t entry_offset; // inside the file bytes of an executable segment
    struct elf_segment segments[ELF_SEGMENTS_MAX]; // ascending, disjoint
    unsigned segment_count;                        // at least 1
    uint64_t link_base;        // lowest PT_LOAD p_vaddr rounded down to 4 KiB
    struct elf_table rela;     // DT_RELA, DT_RELASZ
    struct elf_table plt_rela; // DT_JMPREL, DT_PLTRELSZ
    struct elf_table symtab;   // DT_SYMTAB, up to the end of its segment's
                               // file bytes (ELF does not give its length)
    bool wasm_note; // a PT_NOTE holds the wasm pipeline's note (ftl/wasm.h)
};

// Checks `size` bytes at `file` (any alignment) as a service binary and fills
// *out. Segments with different protections never share a 4 KiB page, and
// every relocation is checked here (type, symbol, target inside the image),
// so that elf_load cannot fail on what elf_parse accepted. Section headers,
// PT_GNU_STACK (stacks are never executable), PT_GNU_RELRO (that part of the
// data segment stays writable), PT_TLS and the like are ignored; so are
// empty PT_LOADs. Notes are only looked through for the wasm pipeline's
// (wasm_note); a malformed one ends that look, not the parse. On an error
// *out holds nothing useful. Returns 0 or:
//   FTL_ERR_BAD_FORMAT     the file is corrupt: truncated, a count, offset or
//                          size out of bounds or overflowing, segments out
//                          of order or overlapping, the entry outside
//                          executable code, a relocation target outside the
//                          image.
//   FTL_ERR_NOT_SUPPORTED  a valid ELF this loader does not run: not ELF64
//                          little-endian x86-64 ET_DYN, PT_INTERP or
//                          DT_NEEDED (needs a dynamic linker), more than
//                          ELF_SEGMENTS_MAX segments, a writable and
//                          executable segment, two protections in one page,
//                          DT_REL or DT_RELR, a relocation type other than
//                          NONE, 64, GLOB_DAT, JUMP_SLOT and RELATIVE, a
//                          reference to an undefined non-weak or IFUNC symbol.
//   FTL_ERR_TOO_LARGE      the span is over ELF_SPAN_MAX.
__attribute__((warn_unused_result)) int elf_parse(const void *file, size_t size,
                                                  struct elf_image *out);

// Builds the image for the virtual address load_base (page-aligned, the
// address where image[0] will be mapped), then applies the relocations.
// Every byte of every page a segment touches is written: the segment's file
// bytes, zeros for the rest of its mem_size and for the rest of its first
// and last pages, so nothing the buffer held shows through a mapping; pages
// no segment touches are left as they are. `elf` must be what elf_parse
// returned for the same file and size; `image` is elf->span writable bytes
// owned by the caller, which maps each segment with its prot afterwards.
// Returns 0; FTL_ERR_INVALID_ARG, before writing anything, for a load_base
// that is not page-aligned or an `elf` that does not fit `size` (the
// description of another file).
__attribute__((warn_unused_result)) int elf_load(const struct elf_image *elf,
                                                 const void *file, size_t size,
                                                 uint8_t *image,
                                                 uint64_t load_base);
