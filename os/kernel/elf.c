// ELF64 loader for position-independent service binaries. elf_parse checks
// the file in layers, each a small function that only trusts the layers
// before it: the identification bytes, the file header, the program headers
// (segments, their pages and the span), the entry point, the dynamic section
// and the tables it points at, and last every relocation, resolved once
// against load address 0. elf_load then only copies and writes. Every
// structure is copied out of the file with memcpy, so a file at any alignment
// and a field at any offset are read safely; every bound is checked in the
// overflow-safe form `len <= limit - offset`. Segments are copied, not mapped
// from the file, so p_align and the congruence of p_offset and p_vaddr do
// not matter and are not checked.
#include "elf.h"

#include <stdbool.h>

#include <ftl/error.h>
#include <ftl/wasm.h>

#include "lib/string.h"

static const uint8_t elf_magic[4] = {0x7f, 'E', 'L', 'F'};

// The dynamic entries the loader reads, all with tags below DYNAMIC_TAGS:
// value[tag] is meaningful when bit `tag` of `seen` is set.
#define DYNAMIC_TAGS (ELF_DT_JMPREL + 1)

struct dynamic_info {
    uint64_t value[DYNAMIC_TAGS];
    uint32_t seen;
};

static bool range_fits(uint64_t limit, uint64_t offset, uint64_t len)
{
    return offset <= limit && len <= limit - offset;
}

static uint64_t page_down(uint64_t addr)
{
    return addr & ~(uint64_t)(ELF_PAGE_SIZE - 1);
}

// Callers check that addr + ELF_PAGE_SIZE - 1 does not overflow.
static uint64_t page_up(uint64_t addr)
{
    return page_down(addr + ELF_PAGE_SIZE - 1);
}

static int check_ident(const uint8_t *file, size_t size)
{
    if (size < ELF_IDENT_SIZE || memcmp(file, elf_magic, 4) != 0) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint8_t class = file[4], data = file[5], version = file[6];
    if (class == ELF_CLASS_32 || data == ELF_DATA_MSB) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    if (class != ELF_CLASS_64 || data != ELF_DATA_LSB ||
        version != ELF_VERSION_CURRENT) {
        return FTL_ERR_BAD_FORMAT;
    }
    return 0;
}

static int check_header(const struct elf64_ehdr *eh, size_t size)
{
    if (eh->e_version != ELF_VERSION_CURRENT ||
        eh->e_ehsize != sizeof(struct elf64_ehdr)) {
        return FTL_ERR_BAD_FORMAT;
    }
    if (eh->e_machine != ELF_MACHINE_X86_64 || eh->e_type != ELF_TYPE_DYN) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint64_t table_size = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (!range_fits(size, eh->e_phoff, table_size)) {
        return FTL_ERR_BAD_FORMAT;
    }
    return 0;
}

static uint32_t segment_prot(uint32_t flags)
{
    uint32_t prot = 0;
    if (flags & ELF_PF_R) {
        prot |= ELF_PROT_READ;
    }
    if (flags & ELF_PF_W) {
        prot |= ELF_PROT_WRITE;
    }
    if (flags & ELF_PF_X) {
        prot |= ELF_PROT_EXEC;
    }
    return prot;
}

// Checks one PT_LOAD on its own. Its end, rounded up to a page, must not
// overflow, so that the span computation cannot either.
static int check_load(const struct elf64_phdr *ph, size_t size)
{
    if (ph->p_filesz > ph->p_memsz ||
        !range_fits(size, ph->p_offset, ph->p_filesz)) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint64_t last = UINT64_MAX - (ELF_PAGE_SIZE - 1);
    if (!range_fits(last, ph->p_vaddr, ph->p_memsz)) {
        return FTL_ERR_BAD_FORMAT;
    }
    uint32_t prot = segment_prot(ph->p_flags);
    if ((prot & ELF_PROT_WRITE) && (prot & ELF_PROT_EXEC)) {
        return FTL_ERR_NOT_SUPPORTED; // W^X
    }
    return 0;
}

// Records a checked PT_LOAD; image_offset holds p_vaddr until
// set_image_offsets knows the link base. Empty segments are dropped.
static int add_load(const struct elf64_phdr *ph, size_t size,
                    struct elf_image *out)
{
    int err = check_load(ph, size);
    if (err < 0) {
        return err;
    }
    if (ph->p_memsz == 0) {
        return 0;
    }
    if (out->segment_count == ELF_SEGMENTS_MAX) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    out->segments[out->segment_count++] = (struct elf_segment){
        .file_offset = ph->p_offset,
        .file_size = ph->p_filesz,
        .image_offset = ph->p_vaddr,
        .mem_size = ph->p_memsz,
        .prot = segment_prot(ph->p_flags),
    };
    return 0;
}

// The notes of one PT_NOTE (gABI, "Note Section"): each a namesz, descsz
// and type, then the name and the descriptor, both padded to 4 bytes. Sets
// out->wasm_note when one is named "FTL" with type FTL_ELF_NOTE_WASM. Reads
// nothing outside the segment's file bytes: a note that does not fit ends
// the walk.
static void read_notes(const uint8_t *file, size_t size,
                       const struct elf64_phdr *ph, struct elf_image *out)
{
    if (!range_fits(size, ph->p_offset, ph->p_filesz)) {
        return;
    }
    const uint8_t *notes = file + ph->p_offset;
    uint64_t at = 0, end = ph->p_filesz;
    while (end - at >= 3 * sizeof(uint32_t)) {
        uint32_t head[3]; // namesz, descsz, type
        memcpy(head, notes + at, sizeof(head));
        at += sizeof(head);
        uint64_t name_len = ((uint64_t)head[0] + 3) & ~3ull;
        uint64_t desc_len = ((uint64_t)head[1] + 3) & ~3ull;
        if (name_len > end - at || desc_len > end - at - name_len) {
            return;
        }
        if (head[0] == 4 && head[2] == FTL_ELF_NOTE_WASM &&
            memcmp(notes + at, "FTL", 4) == 0) {
            out->wasm_note = true;
        }
        at += name_len + desc_len;
    }
}

// Walks the program headers: records PT_LOADs, finds the one PT_DYNAMIC
// (*dynamic stays zeroed without one) and refuses PT_INTERP.
static int read_program_headers(const uint8_t *file, size_t size,
                                const struct elf64_ehdr *eh,
                                struct elf_image *out,
                                struct elf64_phdr *dynamic)
{
    bool has_dynamic = false;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        struct elf64_phdr ph;
        memcpy(&ph, file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        int err = 0;
        if (ph.p_type == ELF_PT_LOAD) {
            err = add_load(&ph, size, out);
        } else if (ph.p_type == ELF_PT_NOTE) {
            read_notes(file, size, &ph, out);
        } else if (ph.p_type == ELF_PT_INTERP) {
            err = FTL_ERR_NOT_SUPPORTED; // needs a dynamic linker
        } else if (ph.p_type == ELF_PT_DYNAMIC) {
            err = has_dynamic ? FTL_ERR_BAD_FORMAT : 0;
            has_dynamic = true;
            *dynamic = ph;
        }
        if (err < 0) {
            return err;
        }
    }
    return out->segment_count == 0 ? FTL_ERR_BAD_FORMAT : 0;
}

// Sets link_base and span and turns each p_vaddr into an image offset.
static int set_image_offsets(struct elf_image *out)
{
    uint64_t low = UINT64_MAX, high = 0;
    for (unsigned i = 0; i < out->segment_count; i++) {
        const struct elf_segment *s = &out->segments[i];
        if (s->image_offset < low) {
            low = s->image_offset;
        }
        if (s->image_offset + s->mem_size > high) {
            high = s->image_offset + s->mem_size;
        }
    }
    out->link_base = page_down(low);
    if (page_up(high) - out->link_base > ELF_SPAN_MAX) {
        return FTL_ERR_TOO_LARGE;
    }
    out->span = page_up(high) - out->link_base;
    for (unsigned i = 0; i < out->segment_count; i++) {
        out->segments[i].image_offset -= out->link_base;
    }
    return 0;
}

// PT_LOADs come in ascending p_vaddr order (gABI, "Program Header") and
// may not share a byte. With different protections they may not share a
// page either, since the kernel maps a page with one protection. Checking
// neighbours is enough: a page two segments share also holds every segment
// between them.
static int check_segment_pages(const struct elf_image *out)
{
    for (unsigned i = 1; i < out->segment_count; i++) {
        const struct elf_segment *a = &out->segments[i - 1];
        const struct elf_segment *b = &out->segments[i];
        uint64_t a_end = a->image_offset + a->mem_size;
        if (b->image_offset < a_end) {
            return FTL_ERR_BAD_FORMAT;
        }
        if (a->prot != b->prot && page_down(b->image_offset) < page_up(a_end)) {
            return FTL_ERR_NOT_SUPPORTED;
        }
    }
    return 0;
}

// The entry must be code that comes from the file.
static int set_entry(uint64_t entry, struct elf_image *out)
{
    for (unsigned i = 0; i < out->segment_count; i++) {
        const struct elf_segment *s = &out->segments[i];
        if ((s->prot & ELF_PROT_EXEC) && entry >= out->link_base &&
            entry - out->link_base >= s->image_offset &&
            entry - out->link_base - s->image_offset < s->file_size) {
            out->entry_offset = entry - out->link_base;
            return 0;
        }
    }
    return FTL_ERR_BAD_FORMAT;
}

// Finds the file bytes behind link-time address `vaddr`: *offset is their
// place in the file, *avail how many follow in the same segment.
static bool find_file_bytes(const struct elf_image *out, uint64_t vaddr,
                            uint64_t *offset, uint64_t *avail)
{
    if (vaddr < out->link_base) {
        return false;
    }
    uint64_t at = vaddr - out->link_base;
    for (unsigned i = 0; i < out->segment_count; i++) {
        const struct elf_segment *s = &out->segments[i];
        if (at >= s->image_offset && at - s->image_offset < s->file_size) {
            *offset = s->file_offset + (at - s->image_offset);
            *avail = s->file_size - (at - s->image_offset);
            return true;
        }
    }
    return false;
}

// Places a table of `size` bytes at link-time address `vaddr`, made of
// `entry`-byte records, inside the file bytes of one segment.
static int set_table(const struct elf_image *out, uint64_t vaddr, uint64_t size,
                     uint64_t entry, struct elf_table *table)
{
    uint64_t offset, avail;
    if (size % entry != 0) {
        return FTL_ERR_BAD_FORMAT;
    }
    if (size == 0) {
        *table = (struct elf_table){0};
        return 0;
    }
    if (!find_file_bytes(out, vaddr, &offset, &avail) || size > avail) {
        return FTL_ERR_BAD_FORMAT;
    }
    *table = (struct elf_table){.file_offset = offset, .size = size};
    return 0;
}

static bool has_tag(const struct dynamic_info *di, int64_t tag)
{
    return (di->seen >> tag) & 1;
}

// Records one dynamic entry; tags the loader does not need are skipped.
static int note_dynamic_tag(const struct elf64_dyn *d, struct dynamic_info *di)
{
    switch (d->d_tag) {
    case ELF_DT_NEEDED: // needs shared libraries
    case ELF_DT_REL:    // relocations without addends, never on x86-64
    case ELF_DT_RELSZ:
    case ELF_DT_RELR: // -z pack-relative-relocs
    case ELF_DT_RELRSZ:
        return FTL_ERR_NOT_SUPPORTED;
    case ELF_DT_PLTRELSZ:
    case ELF_DT_SYMTAB:
    case ELF_DT_RELA:
    case ELF_DT_RELASZ:
    case ELF_DT_RELAENT:
    case ELF_DT_SYMENT:
    case ELF_DT_PLTREL:
    case ELF_DT_JMPREL:
        di->value[d->d_tag] = d->d_val;
        di->seen |= 1u << d->d_tag;
        break;
    default:
        break;
    }
    return 0;
}

// Reads the dynamic entries up to DT_NULL, which must come before the end of
// the segment's file bytes.
static int read_dynamic(const uint8_t *file, size_t size,
                        const struct elf64_phdr *ph, struct dynamic_info *di)
{
    if (!range_fits(size, ph->p_offset, ph->p_filesz)) {
        return FTL_ERR_BAD_FORMAT;
    }
    for (uint64_t at = 0; ph->p_filesz - at >= sizeof(struct elf64_dyn);
         at += sizeof(struct elf64_dyn)) {
        struct elf64_dyn d;
        memcpy(&d, file + ph->p_offset + at, sizeof(d));
        if (d.d_tag == ELF_DT_NULL) {
            return 0;
        }
        int err = note_dynamic_tag(&d, di);
        if (err < 0) {
            return err;
        }
    }
    return FTL_ERR_BAD_FORMAT;
}

// DT_RELA comes with DT_RELASZ and DT_RELAENT, DT_JMPREL with DT_PLTRELSZ
// and DT_PLTREL (gABI, "Dynamic Section").
static int set_rela_tables(const struct dynamic_info *di, struct elf_image *out)
{
    const uint64_t entry = sizeof(struct elf64_rela);
    bool rela = has_tag(di, ELF_DT_RELA);
    bool jmprel = has_tag(di, ELF_DT_JMPREL);
    if (rela != has_tag(di, ELF_DT_RELASZ) ||
        rela != has_tag(di, ELF_DT_RELAENT) ||
        (rela && di->value[ELF_DT_RELAENT] != entry) ||
        jmprel != has_tag(di, ELF_DT_PLTRELSZ) ||
        jmprel != has_tag(di, ELF_DT_PLTREL)) {
        return FTL_ERR_BAD_FORMAT;
    }
    if (jmprel && di->value[ELF_DT_PLTREL] != ELF_DT_RELA) {
        return FTL_ERR_NOT_SUPPORTED; // DT_REL entries, never on x86-64
    }
    int err = set_table(out, di->value[ELF_DT_RELA], di->value[ELF_DT_RELASZ],
                        entry, &out->rela);
    if (err < 0) {
        return err;
    }
    return set_table(out, di->value[ELF_DT_JMPREL], di->value[ELF_DT_PLTRELSZ],
                     entry, &out->plt_rela);
}

// ELF gives no length for the symbol table; the loader takes every whole
// entry up to the end of the file bytes of its segment.
static int set_symtab(const struct dynamic_info *di, struct elf_image *out)
{
    const uint64_t entry = sizeof(struct elf64_sym);
    uint64_t offset, avail;
    if (has_tag(di, ELF_DT_SYMENT) && di->value[ELF_DT_SYMENT] != entry) {
        return FTL_ERR_BAD_FORMAT;
    }
    if (!has_tag(di, ELF_DT_SYMTAB)) {
        return 0;
    }
    if (!find_file_bytes(out, di->value[ELF_DT_SYMTAB], &offset, &avail)) {
        return FTL_ERR_BAD_FORMAT;
    }
    out->symtab = (struct elf_table){.file_offset = offset,
                                     .size = avail - avail % entry};
    return 0;
}

// Without PT_DYNAMIC (dynamic->p_type is then 0) there is nothing to
// relocate.
static int parse_dynamic(const uint8_t *file, size_t size,
                         const struct elf64_phdr *dynamic,
                         struct elf_image *out)
{
    struct dynamic_info di = {0};
    if (dynamic->p_type != ELF_PT_DYNAMIC) {
        return 0;
    }
    int err = read_dynamic(file, size, dynamic, &di);
    if (err == 0) {
        err = set_rela_tables(&di, out);
    }
    if (err == 0) {
        err = set_symtab(&di, out);
    }
    return err;
}

// The run-time value of symbol `index` for an image at load_base.
static int resolve_symbol(const struct elf_image *elf, const uint8_t *file,
                          uint32_t index, uint64_t load_base, uint64_t *value)
{
    struct elf64_sym sym;
    if (index == 0) {
        *value = 0; // no symbol: S is 0
        return 0;
    }
    if (index >= elf->symtab.size / sizeof(sym)) {
        return FTL_ERR_BAD_FORMAT;
    }
    memcpy(&sym, file + elf->symtab.file_offset + index * sizeof(sym),
           sizeof(sym));
    if (sym.st_shndx == ELF_SHN_UNDEF) {
        *value = 0;
        return ELF_ST_BIND(sym.st_info) == ELF_STB_WEAK ? 0
                                                        : FTL_ERR_NOT_SUPPORTED;
    }
    if (ELF_ST_TYPE(sym.st_info) == ELF_STT_GNU_IFUNC) {
        return FTL_ERR_NOT_SUPPORTED; // would need to call the resolver
    }
    if (sym.st_shndx == ELF_SHN_ABS) {
        *value = sym.st_value;
        return 0;
    }
    if (sym.st_shndx >= ELF_SHN_LORESERVE) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    *value = sym.st_value - elf->link_base + load_base;
    return 0;
}

// Works out where relocation `r` writes (*target, an image offset; the
// 8 bytes lie inside the image) and what (*value). *skip is set for
// R_X86_64_NONE. Unsigned arithmetic wraps as the psABI's does.
static int resolve_rela(const struct elf_image *elf, const uint8_t *file,
                        const struct elf64_rela *r, uint64_t load_base,
                        uint64_t *target, uint64_t *value, bool *skip)
{
    uint32_t type = ELF_R_TYPE(r->r_info);
    uint64_t sym = 0;
    *skip = type == ELF_R_X86_64_NONE;
    if (*skip) {
        return 0;
    }
    if (type != ELF_R_X86_64_64 && type != ELF_R_X86_64_GLOB_DAT &&
        type != ELF_R_X86_64_JUMP_SLOT && type != ELF_R_X86_64_RELATIVE) {
        return FTL_ERR_NOT_SUPPORTED;
    }
    if (r->r_offset < elf->link_base ||
        !range_fits(elf->span, r->r_offset - elf->link_base, 8)) {
        return FTL_ERR_BAD_FORMAT;
    }
    *target = r->r_offset - elf->link_base;
    uint64_t addend = (uint64_t)r->r_addend;
    if (type == ELF_R_X86_64_RELATIVE) {
        *value = load_base - elf->link_base + addend;
        return 0;
    }
    int err = resolve_symbol(elf, file, ELF_R_SYM(r->r_info), load_base, &sym);
    *value = type == ELF_R_X86_64_64 ? sym + addend : sym;
    return err;
}

// Resolves every relocation of `table`; writes them into `image` unless it
// is NULL (the check elf_parse makes).
static int apply_table(const struct elf_image *elf, const uint8_t *file,
                       const struct elf_table *table, uint8_t *image,
                       uint64_t load_base)
{
    for (uint64_t at = 0; at < table->size; at += sizeof(struct elf64_rela)) {
        struct elf64_rela r;
        uint64_t target, value;
        bool skip;
        memcpy(&r, file + table->file_offset + at, sizeof(r));
        int err =
            resolve_rela(elf, file, &r, load_base, &target, &value, &skip);
        if (err < 0) {
            return err;
        }
        if (!skip && image != NULL) {
            memcpy(image + target, &value, sizeof(value));
        }
    }
    return 0;
}

static int apply_relocations(const struct elf_image *elf, const uint8_t *file,
                             uint8_t *image, uint64_t load_base)
{
    int err = apply_table(elf, file, &elf->rela, image, load_base);
    if (err == 0) {
        err = apply_table(elf, file, &elf->plt_rela, image, load_base);
    }
    return err;
}

static int parse_segments(const uint8_t *file, size_t size,
                          const struct elf64_ehdr *eh, struct elf_image *out,
                          struct elf64_phdr *dynamic)
{
    int err = read_program_headers(file, size, eh, out, dynamic);
    if (err == 0) {
        err = set_image_offsets(out);
    }
    if (err == 0) {
        err = check_segment_pages(out);
    }
    if (err == 0) {
        err = set_entry(eh->e_entry, out);
    }
    return err;
}

int elf_parse(const void *file, size_t size, struct elf_image *out)
{
    const uint8_t *bytes = file;
    struct elf64_ehdr eh;
    struct elf64_phdr dynamic = {0};
    *out = (struct elf_image){0};
    int err = check_ident(bytes, size);
    if (err < 0) {
        return err;
    }
    if (size < sizeof(eh)) {
        return FTL_ERR_BAD_FORMAT;
    }
    memcpy(&eh, bytes, sizeof(eh));
    err = check_header(&eh, size);
    if (err == 0) {
        err = parse_segments(bytes, size, &eh, out, &dynamic);
    }
    if (err == 0) {
        err = parse_dynamic(bytes, size, &dynamic, out);
    }
    if (err == 0) {
        err = apply_relocations(out, bytes, NULL, 0);
    }
    return err;
}

static bool table_fits(const struct elf_table *t, size_t size)
{
    return range_fits(size, t->file_offset, t->size);
}

// Cheap insurance against a caller passing another file's description: the
// bounds elf_parse established, checked again.
static bool image_matches(const struct elf_image *elf, size_t size)
{
    if (elf->span > ELF_SPAN_MAX || elf->span % ELF_PAGE_SIZE != 0 ||
        elf->segment_count > ELF_SEGMENTS_MAX ||
        !table_fits(&elf->rela, size) || !table_fits(&elf->plt_rela, size) ||
        !table_fits(&elf->symtab, size)) {
        return false;
    }
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const struct elf_segment *s = &elf->segments[i];
        if (s->file_size > s->mem_size ||
            !range_fits(size, s->file_offset, s->file_size) ||
            !range_fits(elf->span, s->image_offset, s->mem_size)) {
            return false;
        }
    }
    return true;
}

// Zeroes the bytes of the segment's first and last pages outside the
// segment, which are mapped with it and must not show what the buffer held.
static void zero_page_slack(const struct elf_segment *s, uint8_t *image)
{
    uint64_t start = s->image_offset, end = start + s->mem_size;
    memset(image + page_down(start), 0, start - page_down(start));
    memset(image + end, 0, page_up(end) - end);
}

int elf_load(const struct elf_image *elf, const void *file, size_t size,
             uint8_t *image, uint64_t load_base)
{
    const uint8_t *bytes = file;
    if (load_base % ELF_PAGE_SIZE != 0 || !image_matches(elf, size)) {
        return FTL_ERR_INVALID_ARG;
    }
    // Slack first: it may hold the start of the next segment in its page.
    for (unsigned i = 0; i < elf->segment_count; i++) {
        zero_page_slack(&elf->segments[i], image);
    }
    for (unsigned i = 0; i < elf->segment_count; i++) {
        const struct elf_segment *s = &elf->segments[i];
        memcpy(image + s->image_offset, bytes + s->file_offset, s->file_size);
        memset(image + s->image_offset + s->file_size, 0,
               s->mem_size - s->file_size);
    }
    return apply_relocations(elf, bytes, image, load_base);
}
