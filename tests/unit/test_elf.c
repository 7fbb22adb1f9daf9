// The ELF loader against real static PIEs that gcc builds from
// tests/unit/fixtures/ (tests/unit/fixtures.mk): the image it builds at a
// user and at a kernel address, then each kind of malformed or unsupported
// file, made by patching a copy of a fixture in memory. Every file elf_parse
// sees and every image elf_load fills is a heap block of exactly its size, so
// ASan reports any access outside them. Where the linker put things comes
// from nm, not from the loader's own reading of the file.
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/wasm.h>

#include "elf.h"

#define BASE_USER 0x0000000040000000ull
#define BASE_KERNEL 0xffffffff90000000ull
#define TEST_DT_STRTAB 5
#define TEST_DT_DEBUG 21 // a tag the loader ignores
#define TEST_PT_NULL 0
#define TEST_R_X86_64_PC32 2
#define TEST_R_X86_64_IRELATIVE 37
#define TEST_STB_GLOBAL 1

struct fixture {
    const char *name;
    uint8_t *bytes;
    size_t size;
};

struct loaded {
    struct elf_image elf;
    uint8_t *image; // elf.span bytes
};

static struct fixture fixture_read(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s.elf", FIXTURE_DIR, name);
    FILE *fp = fopen(path, "rb");
    ck_assert_msg(fp != NULL, "%s missing (run from the repository root)",
                  path);
    fseek(fp, 0, SEEK_END);
    struct fixture f = {.name = name, .size = (size_t)ftell(fp)};
    fseek(fp, 0, SEEK_SET);
    f.bytes = malloc(f.size);
    ck_assert(fread(f.bytes, 1, f.size, fp) == f.size);
    fclose(fp);
    return f;
}

static void fixture_free(struct fixture *f)
{
    free(f->bytes);
}

// The address nm lists for `symbol`.
static uint64_t fixture_symbol(const struct fixture *f, const char *symbol)
{
    char path[256], line[256], name[128], kind;
    uint64_t value;
    snprintf(path, sizeof(path), "%s/%s.nm", FIXTURE_DIR, f->name);
    FILE *fp = fopen(path, "r");
    ck_assert_msg(fp != NULL, "%s missing", path);
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (sscanf(line, "%" SCNx64 " %c %127s", &value, &kind, name) == 3 &&
            strcmp(name, symbol) == 0) {
            fclose(fp);
            return value;
        }
    }
    fclose(fp);
    ck_abort_msg("no symbol %s in %s", symbol, path);
    return 0;
}

static struct elf64_ehdr *header(struct fixture *f)
{
    return (struct elf64_ehdr *)f->bytes;
}

// The nth program header of `type`.
static struct elf64_phdr *find_program_header(struct fixture *f, uint32_t type,
                                              unsigned nth)
{
    struct elf64_phdr *ph = (void *)(f->bytes + header(f)->e_phoff);
    for (unsigned i = 0; i < header(f)->e_phnum; i++) {
        if (ph[i].p_type == type && nth-- == 0) {
            return &ph[i];
        }
    }
    ck_abort_msg("no program header of type %u", type);
    return NULL;
}

static struct elf64_phdr *load_header(struct fixture *f, unsigned nth)
{
    return find_program_header(f, ELF_PT_LOAD, nth);
}

static struct elf64_dyn *dynamic_entry(struct fixture *f, int64_t tag)
{
    struct elf64_phdr *ph = find_program_header(f, ELF_PT_DYNAMIC, 0);
    struct elf64_dyn *d = (void *)(f->bytes + ph->p_offset);
    for (size_t i = 0; i < ph->p_filesz / sizeof(*d); i++) {
        if (d[i].d_tag == tag) {
            return &d[i];
        }
    }
    ck_abort_msg("no dynamic entry %" PRId64, tag);
    return NULL;
}

// The file bytes loaded at link-time address `vaddr`.
static void *file_at(struct fixture *f, uint64_t vaddr)
{
    for (unsigned i = 0;; i++) {
        struct elf64_phdr *ph = load_header(f, i);
        if (vaddr >= ph->p_vaddr && vaddr - ph->p_vaddr < ph->p_filesz) {
            return f->bytes + ph->p_offset + (vaddr - ph->p_vaddr);
        }
    }
}

static struct elf64_rela *relocation(struct fixture *f, unsigned i)
{
    ck_assert_uint_lt(i, dynamic_entry(f, ELF_DT_RELASZ)->d_val / 24);
    struct elf64_rela *r = file_at(f, dynamic_entry(f, ELF_DT_RELA)->d_val);
    return &r[i];
}

// The .dynsym index of `name` (pie_exported only, which has names there).
static unsigned exported_symbol(struct fixture *f, const char *name)
{
    uint64_t symtab = dynamic_entry(f, ELF_DT_SYMTAB)->d_val;
    uint64_t strtab = dynamic_entry(f, TEST_DT_STRTAB)->d_val;
    struct elf64_sym *syms = file_at(f, symtab);
    const char *strings = file_at(f, strtab);
    for (unsigned i = 1; i < (strtab - symtab) / sizeof(*syms); i++) {
        if (strcmp(strings + syms[i].st_name, name) == 0) {
            return i;
        }
    }
    ck_abort_msg("%s not exported", name);
    return 0;
}

static struct elf64_sym *dynamic_symbol(struct fixture *f, unsigned index)
{
    struct elf64_sym *syms = file_at(f, dynamic_entry(f, ELF_DT_SYMTAB)->d_val);
    return &syms[index];
}

// Parses an exact-size copy of the first `size` bytes of the fixture.
static int parse_prefix(const struct fixture *f, size_t size,
                        struct elf_image *out)
{
    uint8_t *copy = malloc(size);
    memcpy(copy, f->bytes, size);
    int err = elf_parse(copy, size, out);
    free(copy);
    return err;
}

static int parse(const struct fixture *f)
{
    struct elf_image elf;
    return parse_prefix(f, f->size, &elf);
}

// Parses and loads an exact-size copy into an exact-size image, filled with
// 0xaa first so that the test sees which bytes the loader wrote.
static int load(const struct fixture *f, uint64_t load_base, struct loaded *out)
{
    uint8_t *copy = malloc(f->size);
    memcpy(copy, f->bytes, f->size);
    out->image = NULL;
    int err = elf_parse(copy, f->size, &out->elf);
    if (err == 0) {
        out->image = malloc(out->elf.span);
        memset(out->image, 0xaa, out->elf.span);
        err = elf_load(&out->elf, copy, f->size, out->image, load_base);
    }
    free(copy);
    return err;
}

// The 8 bytes of the image at link-time address `vaddr`.
static uint64_t image_word(const struct loaded *l, uint64_t vaddr)
{
    uint64_t word;
    memcpy(&word, l->image + (vaddr - l->elf.link_base), sizeof(word));
    return word;
}

// Loads `f` at load_base and returns the word at `vaddr`.
static uint64_t load_word(const struct fixture *f, uint64_t load_base,
                          uint64_t vaddr)
{
    struct loaded l;
    ck_assert_int_eq(load(f, load_base, &l), 0);
    uint64_t word = image_word(&l, vaddr);
    free(l.image);
    return word;
}

static void expect_parse(const char *fixture_name,
                         void (*patch)(struct fixture *), int expected)
{
    struct fixture f = fixture_read(fixture_name);
    patch(&f);
    ck_assert_int_eq(parse(&f), expected);
    fixture_free(&f);
}

static uint64_t page_down(uint64_t addr)
{
    return addr & ~(uint64_t)(ELF_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t addr)
{
    return page_down(addr + ELF_PAGE_SIZE - 1);
}

// ---- The real fixture

static void drop_dynamic(struct fixture *f)
{
    find_program_header(f, ELF_PT_DYNAMIC, 0)->p_type = TEST_PT_NULL;
}

START_TEST(parses_headers_text_rodata_and_data_segments)
{
    struct fixture f = fixture_read("pie_data");
    struct elf_image elf;
    ck_assert_int_eq(parse_prefix(&f, f.size, &elf), 0);
    ck_assert_uint_eq(elf.segment_count, 4);
    ck_assert_uint_eq(elf.segments[0].prot, ELF_PROT_READ);
    ck_assert_uint_eq(elf.segments[1].prot, ELF_PROT_READ | ELF_PROT_EXEC);
    ck_assert_uint_eq(elf.segments[2].prot, ELF_PROT_READ);
    ck_assert_uint_eq(elf.segments[3].prot, ELF_PROT_READ | ELF_PROT_WRITE);
    ck_assert_uint_gt(elf.segments[3].mem_size, elf.segments[3].file_size);
    ck_assert_uint_eq(elf.link_base, 0);
    ck_assert_uint_eq(elf.span, page_up(fixture_symbol(&f, "_end")));
    ck_assert_uint_eq(elf.entry_offset, fixture_symbol(&f, "_start"));
    const struct elf_segment *text = &elf.segments[1];
    ck_assert_uint_ge(elf.entry_offset, text->image_offset);
    ck_assert_uint_lt(elf.entry_offset, text->image_offset + text->file_size);
    ck_assert_uint_eq(elf.rela.size, 7 * sizeof(struct elf64_rela));
    fixture_free(&f);
}
END_TEST

static void check_pointer_slots(struct fixture *f, uint64_t base)
{
    struct loaded l;
    ck_assert_int_eq(load(f, base, &l), 0);
    uint64_t table = fixture_symbol(f, "pie_table");
    uint64_t ro_table = fixture_symbol(f, "pie_ro_table");
    ck_assert_uint_eq(image_word(&l, table),
                      base + fixture_symbol(f, "pie_add"));
    ck_assert_uint_eq(image_word(&l, table + 8),
                      base + fixture_symbol(f, "pie_word"));
    ck_assert_uint_eq(image_word(&l, table + 16),
                      base + fixture_symbol(f, "pie_message"));
    ck_assert_uint_eq(image_word(&l, table + 24),
                      base + fixture_symbol(f, "pie_bss"));
    ck_assert_uint_eq(image_word(&l, table + 32),
                      base + fixture_symbol(f, "pie_bss") + 4096);
    ck_assert_uint_eq(image_word(&l, ro_table),
                      base + fixture_symbol(f, "pie_bss_word"));
    ck_assert_uint_eq(image_word(&l, ro_table + 8),
                      base + fixture_symbol(f, "pie_message"));
    free(l.image);
}

START_TEST(pointers_are_relocated_to_a_user_and_a_kernel_base)
{
    struct fixture f = fixture_read("pie_data");
    check_pointer_slots(&f, BASE_USER);
    check_pointer_slots(&f, BASE_KERNEL);
    fixture_free(&f);
}
END_TEST

START_TEST(images_at_two_bases_differ_only_in_relocated_slots)
{
    struct fixture f = fixture_read("pie_data");
    struct loaded a, b;
    ck_assert_int_eq(load(&f, BASE_USER, &a), 0);
    ck_assert_int_eq(load(&f, BASE_KERNEL, &b), 0);
    ck_assert_uint_eq(a.elf.span, b.elf.span);
    unsigned count = dynamic_entry(&f, ELF_DT_RELASZ)->d_val / 24;
    for (unsigned i = 0; i < count; i++) {
        uint64_t slot = relocation(&f, i)->r_offset;
        memset(a.image + slot, 0, 8);
        memset(b.image + slot, 0, 8);
    }
    ck_assert(memcmp(a.image, b.image, a.elf.span) == 0);
    free(a.image);
    free(b.image);
    fixture_free(&f);
}
END_TEST

START_TEST(rodata_and_data_are_copied_and_bss_zeroed)
{
    struct fixture f = fixture_read("pie_data");
    struct loaded l;
    ck_assert_int_eq(load(&f, BASE_USER, &l), 0);
    const char message[] = "FTL position-independent rodata";
    uint8_t *image = l.image;
    ck_assert_mem_eq(image + fixture_symbol(&f, "pie_message"), message,
                     sizeof(message));
    ck_assert_uint_eq(image_word(&l, fixture_symbol(&f, "pie_word")),
                      0x1122334455667788);
    uint64_t pie_add = fixture_symbol(&f, "pie_add");
    ck_assert_mem_eq(image + pie_add, file_at(&f, pie_add), 8);
    uint8_t zeros[3 * 4096] = {0};
    ck_assert_mem_eq(image + fixture_symbol(&f, "pie_bss"), zeros,
                     sizeof(zeros));
    ck_assert_mem_eq(image + fixture_symbol(&f, "pie_bss_word"), zeros, 4);
    // The rest of each segment's first and last pages, mapped with it.
    const struct elf_segment *headers = &l.elf.segments[0];
    const struct elf_segment *data = &l.elf.segments[3];
    uint64_t headers_end = headers->image_offset + headers->mem_size;
    ck_assert_mem_eq(image + headers_end, zeros, 4096 - headers_end % 4096);
    ck_assert_mem_eq(image + page_down(data->image_offset), zeros,
                     data->image_offset % 4096);
    free(l.image);
    fixture_free(&f);
}
END_TEST

START_TEST(pages_no_segment_touches_are_left_alone)
{
    struct fixture f = fixture_read("pie_data");
    // Moves the data segment (and everything in it) up by two pages.
    struct elf64_phdr *data = load_header(&f, 3);
    data->p_vaddr += 2 * 4096;
    find_program_header(&f, ELF_PT_DYNAMIC, 0)->p_vaddr += 2 * 4096;
    drop_dynamic(&f);
    struct loaded l;
    ck_assert_int_eq(load(&f, BASE_USER, &l), 0);
    ck_assert_uint_eq(l.image[page_down(data->p_vaddr) - 1], 0xaa);
    ck_assert_uint_eq(l.image[page_down(data->p_vaddr) - 2 * 4096], 0xaa);
    free(l.image);
    fixture_free(&f);
}
END_TEST

START_TEST(load_refuses_another_files_description_and_unaligned_base)
{
    struct fixture f = fixture_read("pie_data");
    struct elf_image elf;
    ck_assert_int_eq(parse_prefix(&f, f.size, &elf), 0);
    uint8_t *image = calloc(1, elf.span);
    uint64_t short_size = load_header(&f, 3)->p_offset;
    ck_assert_int_eq(elf_load(&elf, f.bytes, short_size, image, BASE_USER),
                     FTL_ERR_INVALID_ARG);
    ck_assert_int_eq(elf_load(&elf, f.bytes, f.size, image, BASE_USER + 8),
                     FTL_ERR_INVALID_ARG);
    free(image);
    fixture_free(&f);
}
END_TEST

START_TEST(file_without_dynamic_section_loads_unrelocated)
{
    struct fixture f = fixture_read("pie_data");
    drop_dynamic(&f);
    uint64_t table = fixture_symbol(&f, "pie_table");
    ck_assert_uint_eq(load_word(&f, BASE_USER, table),
                      fixture_symbol(&f, "pie_add"));
    fixture_free(&f);
}
END_TEST

// ---- Relocations

static void set_relocation(struct fixture *f, unsigned i, uint32_t sym,
                           uint32_t type, int64_t addend)
{
    relocation(f, i)->r_info = ELF_R_INFO(sym, type);
    relocation(f, i)->r_addend = addend;
}

START_TEST(r_x86_64_64_adds_the_symbol_and_the_addend)
{
    struct fixture f = fixture_read("pie_exported");
    unsigned sym = exported_symbol(&f, "pie_word");
    set_relocation(&f, 0, sym, ELF_R_X86_64_64, 16);
    uint64_t expected = BASE_KERNEL + fixture_symbol(&f, "pie_word") + 16;
    ck_assert_uint_eq(load_word(&f, BASE_KERNEL, relocation(&f, 0)->r_offset),
                      expected);
    fixture_free(&f);
}
END_TEST

START_TEST(glob_dat_and_jump_slot_ignore_the_addend)
{
    struct fixture f = fixture_read("pie_exported");
    unsigned sym = exported_symbol(&f, "pie_add");
    set_relocation(&f, 0, sym, ELF_R_X86_64_GLOB_DAT, 16);
    set_relocation(&f, 1, sym, ELF_R_X86_64_JUMP_SLOT, 24);
    uint64_t expected = BASE_USER + fixture_symbol(&f, "pie_add");
    struct loaded l;
    ck_assert_int_eq(load(&f, BASE_USER, &l), 0);
    ck_assert_uint_eq(image_word(&l, relocation(&f, 0)->r_offset), expected);
    ck_assert_uint_eq(image_word(&l, relocation(&f, 1)->r_offset), expected);
    free(l.image);
    fixture_free(&f);
}
END_TEST

START_TEST(weak_undefined_symbol_resolves_to_zero)
{
    struct fixture f = fixture_read("pie_exported");
    unsigned sym = exported_symbol(&f, "pie_word");
    dynamic_symbol(&f, sym)->st_shndx = ELF_SHN_UNDEF;
    dynamic_symbol(&f, sym)->st_info = ELF_STB_WEAK << 4;
    set_relocation(&f, 0, sym, ELF_R_X86_64_64, 5);
    ck_assert_uint_eq(load_word(&f, BASE_USER, relocation(&f, 0)->r_offset), 5);
    fixture_free(&f);
}
END_TEST

START_TEST(absolute_symbol_is_not_moved)
{
    struct fixture f = fixture_read("pie_exported");
    unsigned sym = exported_symbol(&f, "pie_word");
    dynamic_symbol(&f, sym)->st_shndx = ELF_SHN_ABS;
    dynamic_symbol(&f, sym)->st_value = 0x1234;
    set_relocation(&f, 0, sym, ELF_R_X86_64_64, 1);
    ck_assert_uint_eq(load_word(&f, BASE_USER, relocation(&f, 0)->r_offset),
                      0x1235);
    fixture_free(&f);
}
END_TEST

START_TEST(r_x86_64_none_is_ignored)
{
    struct fixture f = fixture_read("pie_data");
    set_relocation(&f, 0, 0, ELF_R_X86_64_NONE, 0);
    uint64_t slot = relocation(&f, 0)->r_offset;
    uint64_t link_time;
    memcpy(&link_time, file_at(&f, slot), 8);
    ck_assert_uint_eq(load_word(&f, BASE_USER, slot), link_time);
    fixture_free(&f);
}
END_TEST

// The same relocations, announced as DT_JMPREL instead of DT_RELA.
static void move_rela_to_jmprel(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELASZ)->d_tag = ELF_DT_PLTRELSZ;
    dynamic_entry(f, ELF_DT_RELAENT)->d_tag = ELF_DT_PLTREL;
    dynamic_entry(f, ELF_DT_PLTREL)->d_val = ELF_DT_RELA;
    dynamic_entry(f, ELF_DT_RELA)->d_tag = ELF_DT_JMPREL;
}

START_TEST(plt_relocations_are_applied)
{
    struct fixture f = fixture_read("pie_data");
    move_rela_to_jmprel(&f);
    uint64_t table = fixture_symbol(&f, "pie_table");
    ck_assert_uint_eq(load_word(&f, BASE_USER, table),
                      BASE_USER + fixture_symbol(&f, "pie_add"));
    fixture_free(&f);
}
END_TEST

static void plt_rel_entries(struct fixture *f)
{
    move_rela_to_jmprel(f);
    dynamic_entry(f, ELF_DT_PLTREL)->d_val = ELF_DT_REL;
}

START_TEST(plt_relocations_without_addends_are_not_supported)
{
    expect_parse("pie_data", plt_rel_entries, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

static void undefine_symbol(struct fixture *f)
{
    unsigned sym = exported_symbol(f, "pie_word");
    dynamic_symbol(f, sym)->st_shndx = ELF_SHN_UNDEF;
    dynamic_symbol(f, sym)->st_info = TEST_STB_GLOBAL << 4;
    set_relocation(f, 0, sym, ELF_R_X86_64_GLOB_DAT, 0);
}

START_TEST(undefined_symbol_is_not_supported)
{
    expect_parse("pie_exported", undefine_symbol, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

static void ifunc_symbol(struct fixture *f)
{
    unsigned sym = exported_symbol(f, "pie_add");
    dynamic_symbol(f, sym)->st_info = TEST_STB_GLOBAL << 4 | 10;
    set_relocation(f, 0, sym, ELF_R_X86_64_64, 0);
}

START_TEST(ifunc_symbol_is_not_supported)
{
    expect_parse("pie_exported", ifunc_symbol, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

static void symbol_past_table(struct fixture *f)
{
    set_relocation(f, 0, 0xffffff, ELF_R_X86_64_64, 0);
}

START_TEST(symbol_index_past_the_table_is_refused)
{
    expect_parse("pie_exported", symbol_past_table, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", symbol_past_table, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void symbol_without_symtab(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_SYMTAB)->d_tag = TEST_DT_DEBUG;
    set_relocation(f, 0, 1, ELF_R_X86_64_64, 0);
}

START_TEST(symbol_reference_without_symbol_table_is_refused)
{
    expect_parse("pie_exported", symbol_without_symtab, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void pc32_relocation(struct fixture *f)
{
    set_relocation(f, 2, 0, TEST_R_X86_64_PC32, 0);
}

static void irelative_relocation(struct fixture *f)
{
    set_relocation(f, 6, 0, TEST_R_X86_64_IRELATIVE, 0x1000);
}

START_TEST(unknown_relocation_type_is_not_supported)
{
    expect_parse("pie_data", pc32_relocation, FTL_ERR_NOT_SUPPORTED);
    expect_parse("pie_data", irelative_relocation, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

static struct elf_image fixture_image(struct fixture *f)
{
    struct elf_image elf;
    ck_assert_int_eq(parse_prefix(f, f->size, &elf), 0);
    return elf;
}

static void target_at_span(struct fixture *f)
{
    relocation(f, 0)->r_offset = fixture_image(f).span;
}

static void target_across_span(struct fixture *f)
{
    relocation(f, 0)->r_offset = fixture_image(f).span - 4;
}

static void target_far_away(struct fixture *f)
{
    relocation(f, 3)->r_offset = UINT64_MAX - 3;
}

START_TEST(relocation_target_outside_the_image_is_refused)
{
    expect_parse("pie_data", target_at_span, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", target_across_span, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", target_far_away, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void target_in_last_word(struct fixture *f)
{
    relocation(f, 0)->r_offset = fixture_image(f).span - 8;
}

START_TEST(relocation_target_in_the_last_word_is_accepted)
{
    expect_parse("pie_data", target_in_last_word, 0);
}
END_TEST

// ---- The identification and the file header

static void bad_magic(struct fixture *f)
{
    f->bytes[1] = 'e';
}

static void class_32(struct fixture *f)
{
    f->bytes[4] = ELF_CLASS_32;
}

static void class_invalid(struct fixture *f)
{
    f->bytes[4] = 3;
}

static void big_endian(struct fixture *f)
{
    f->bytes[5] = ELF_DATA_MSB;
}

static void ident_version(struct fixture *f)
{
    f->bytes[6] = 0;
}

static void machine_aarch64(struct fixture *f)
{
    header(f)->e_machine = 183;
}

static void type_exec(struct fixture *f)
{
    header(f)->e_type = ELF_TYPE_EXEC;
}

static void header_size(struct fixture *f)
{
    header(f)->e_ehsize = 52;
}

START_TEST(bad_magic_is_refused)
{
    expect_parse("pie_data", bad_magic, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(elf32_is_not_supported)
{
    expect_parse("pie_data", class_32, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

START_TEST(invalid_class_is_refused)
{
    expect_parse("pie_data", class_invalid, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(big_endian_is_not_supported)
{
    expect_parse("pie_data", big_endian, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

START_TEST(invalid_ident_version_is_refused)
{
    expect_parse("pie_data", ident_version, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(other_machine_is_not_supported)
{
    expect_parse("pie_data", machine_aarch64, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

START_TEST(et_exec_is_not_supported)
{
    expect_parse("pie_data", type_exec, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

START_TEST(wrong_header_size_is_refused)
{
    expect_parse("pie_data", header_size, FTL_ERR_BAD_FORMAT);
}
END_TEST

// Below the end of the last segment's file bytes a prefix lacks something
// the loader needs; past it, only the section headers are cut, which the
// loader does not read.
START_TEST(truncated_file_is_refused_at_every_length)
{
    struct fixture f = fixture_read("pie_data");
    struct elf64_phdr *last = load_header(&f, 3);
    size_t end = last->p_offset + last->p_filesz;
    struct elf_image elf;
    for (size_t len = 0; len < end; len++) {
        ck_assert_msg(parse_prefix(&f, len, &elf) == FTL_ERR_BAD_FORMAT,
                      "length %zu", len);
    }
    ck_assert_int_eq(parse_prefix(&f, end, &elf), 0);
    fixture_free(&f);
}
END_TEST

// ---- Program headers

static void phoff_past_end(struct fixture *f)
{
    header(f)->e_phoff = f->size;
}

static void phoff_table_overflows(struct fixture *f)
{
    header(f)->e_phoff = UINT64_MAX - 8;
    header(f)->e_phnum = 0xffff;
}

static void phnum_past_end(struct fixture *f)
{
    header(f)->e_phnum = 0xffff;
}

static void phentsize_wrong(struct fixture *f)
{
    header(f)->e_phentsize = 64;
}

static void no_program_headers(struct fixture *f)
{
    header(f)->e_phnum = 0;
}

START_TEST(program_headers_past_the_end_are_refused)
{
    expect_parse("pie_data", phoff_past_end, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", phnum_past_end, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(program_header_table_size_overflow_is_refused)
{
    expect_parse("pie_data", phoff_table_overflows, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(wrong_program_header_size_is_refused)
{
    expect_parse("pie_data", phentsize_wrong, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(file_without_program_headers_is_refused)
{
    expect_parse("pie_data", no_program_headers, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void filesz_over_memsz(struct fixture *f)
{
    struct elf64_phdr *data = load_header(f, 3);
    data->p_filesz = data->p_memsz + 1;
}

static void load_past_end(struct fixture *f)
{
    struct elf64_phdr *data = load_header(f, 3);
    data->p_filesz = f->size - data->p_offset + 1;
    data->p_memsz = data->p_filesz;
}

static void load_offset_overflows(struct fixture *f)
{
    load_header(f, 2)->p_offset = UINT64_MAX - 0x10;
}

// Without relocations, which would fail on their own.
static void vaddr_memsz_overflows(struct fixture *f)
{
    drop_dynamic(f);
    load_header(f, 3)->p_vaddr = UINT64_MAX - 0x10;
}

static void vaddr_end_page_overflows(struct fixture *f)
{
    drop_dynamic(f);
    load_header(f, 3)->p_vaddr = UINT64_MAX - 0x1000 - 0x20;
    load_header(f, 3)->p_memsz = 0x1000;
    load_header(f, 3)->p_filesz = 0x10;
}

START_TEST(segment_with_file_size_over_memory_size_is_refused)
{
    expect_parse("pie_data", filesz_over_memsz, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(segment_past_the_end_of_the_file_is_refused)
{
    expect_parse("pie_data", load_past_end, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", load_offset_overflows, FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(segment_address_overflow_is_refused)
{
    expect_parse("pie_data", vaddr_memsz_overflows, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", vaddr_end_page_overflows, FTL_ERR_BAD_FORMAT);
}
END_TEST

// Appends a new program header table of `count` read-only PT_LOADs, one
// page apart, the first executable and holding the entry point.
static struct fixture with_segments(const struct fixture *f, unsigned count)
{
    size_t table = (f->size + 7) & ~(size_t)7;
    struct fixture g = {.name = f->name,
                        .size = table + count * sizeof(struct elf64_phdr)};
    g.bytes = calloc(1, g.size);
    memcpy(g.bytes, f->bytes, f->size);
    header(&g)->e_phoff = table;
    header(&g)->e_phnum = (uint16_t)count;
    header(&g)->e_entry = 0x10;
    struct elf64_phdr *ph = (void *)(g.bytes + table);
    for (unsigned i = 0; i < count; i++) {
        ph[i] = (struct elf64_phdr){
            .p_type = ELF_PT_LOAD,
            .p_flags = ELF_PF_R | (i == 0 ? ELF_PF_X : 0),
            .p_filesz = 0x100,
            .p_memsz = 0x100,
            .p_vaddr = (uint64_t)i * ELF_PAGE_SIZE,
        };
    }
    return g;
}

START_TEST(more_segments_than_the_limit_are_not_supported)
{
    struct fixture f = fixture_read("pie_data");
    struct fixture most = with_segments(&f, ELF_SEGMENTS_MAX);
    struct fixture many = with_segments(&f, ELF_SEGMENTS_MAX + 1);
    ck_assert_int_eq(parse(&most), 0);
    ck_assert_int_eq(parse(&many), FTL_ERR_NOT_SUPPORTED);
    fixture_free(&most);
    fixture_free(&many);
    fixture_free(&f);
}
END_TEST

static void writable_text(struct fixture *f)
{
    load_header(f, 1)->p_flags |= ELF_PF_W;
}

static void executable_data(struct fixture *f)
{
    load_header(f, 3)->p_flags |= ELF_PF_X;
}

START_TEST(writable_and_executable_segment_is_not_supported)
{
    expect_parse("pie_data", writable_text, FTL_ERR_NOT_SUPPORTED);
    expect_parse("pie_data", executable_data, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

// Stretches the rodata segment into the page where the data segment starts,
// without touching its bytes.
static void rodata_into_data_page(struct fixture *f)
{
    struct elf64_phdr *rodata = load_header(f, 2);
    rodata->p_memsz =
        page_down(load_header(f, 3)->p_vaddr) - rodata->p_vaddr + 0x10;
}

static void rodata_shares_data_page(struct fixture *f)
{
    rodata_into_data_page(f);
    load_header(f, 2)->p_flags = ELF_PF_R | ELF_PF_W;
}

static void rodata_overlaps_data(struct fixture *f)
{
    struct elf64_phdr *rodata = load_header(f, 2);
    rodata->p_memsz = load_header(f, 3)->p_vaddr - rodata->p_vaddr + 8;
}

START_TEST(two_protections_in_one_page_are_not_supported)
{
    expect_parse("pie_data", rodata_into_data_page, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

START_TEST(segments_with_one_protection_may_share_a_page)
{
    expect_parse("pie_data", rodata_shares_data_page, 0);
}
END_TEST

START_TEST(overlapping_segments_are_refused)
{
    expect_parse("pie_data", rodata_overlaps_data, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void segments_swapped(struct fixture *f)
{
    struct elf64_phdr text = *load_header(f, 1);
    *load_header(f, 1) = *load_header(f, 2);
    *load_header(f, 2) = text;
}

START_TEST(segments_out_of_order_are_refused)
{
    expect_parse("pie_data", segments_swapped, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void huge_bss(struct fixture *f)
{
    load_header(f, 3)->p_memsz = 512ull << 20;
}

// The data segment's end moved so that the span is exactly ELF_SPAN_MAX.
static void span_at_limit(struct fixture *f)
{
    struct elf64_phdr *data = load_header(f, 3);
    data->p_memsz = ELF_SPAN_MAX - data->p_vaddr;
}

static void span_over_limit(struct fixture *f)
{
    span_at_limit(f);
    load_header(f, 3)->p_memsz += 1;
}

START_TEST(huge_span_is_too_large)
{
    expect_parse("pie_data", huge_bss, FTL_ERR_TOO_LARGE);
    expect_parse("pie_data", span_over_limit, FTL_ERR_TOO_LARGE);
}
END_TEST

START_TEST(span_of_exactly_the_limit_is_accepted)
{
    expect_parse("pie_data", span_at_limit, 0);
}
END_TEST

static void entry_in_rodata(struct fixture *f)
{
    header(f)->e_entry = load_header(f, 2)->p_vaddr;
}

static void entry_past_text(struct fixture *f)
{
    struct elf64_phdr *text = load_header(f, 1);
    header(f)->e_entry = text->p_vaddr + text->p_filesz;
}

static void entry_far_away(struct fixture *f)
{
    header(f)->e_entry = UINT64_MAX;
}

START_TEST(entry_point_outside_executable_code_is_refused)
{
    expect_parse("pie_data", entry_in_rodata, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", entry_past_text, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", entry_far_away, FTL_ERR_BAD_FORMAT);
}
END_TEST

#define TEST_PT_GNU_STACK 0x6474e551

static void interpreter(struct fixture *f)
{
    find_program_header(f, TEST_PT_GNU_STACK, 0)->p_type = ELF_PT_INTERP;
}

START_TEST(program_with_an_interpreter_is_not_supported)
{
    expect_parse("pie_data", interpreter, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

// ---- The dynamic section

static void dynamic_past_end(struct fixture *f)
{
    find_program_header(f, ELF_PT_DYNAMIC, 0)->p_offset = f->size;
}

static void dynamic_too_long(struct fixture *f)
{
    find_program_header(f, ELF_PT_DYNAMIC, 0)->p_filesz = UINT64_MAX - 0xf;
}

START_TEST(dynamic_section_outside_the_file_is_refused)
{
    expect_parse("pie_data", dynamic_past_end, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", dynamic_too_long, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void second_dynamic(struct fixture *f)
{
    *find_program_header(f, TEST_PT_GNU_STACK, 0) =
        *find_program_header(f, ELF_PT_DYNAMIC, 0);
}

START_TEST(two_dynamic_sections_are_refused)
{
    expect_parse("pie_data", second_dynamic, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void no_dt_null(struct fixture *f)
{
    struct elf64_phdr *ph = find_program_header(f, ELF_PT_DYNAMIC, 0);
    struct elf64_dyn *d = (void *)(f->bytes + ph->p_offset);
    for (size_t i = 0; i < ph->p_filesz / sizeof(*d); i++) {
        if (d[i].d_tag == ELF_DT_NULL) {
            d[i].d_tag = TEST_DT_DEBUG;
        }
    }
}

START_TEST(dynamic_section_without_end_is_refused)
{
    expect_parse("pie_data", no_dt_null, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void needed(struct fixture *f)
{
    dynamic_entry(f, TEST_DT_DEBUG)->d_tag = ELF_DT_NEEDED;
}

static void rel(struct fixture *f)
{
    dynamic_entry(f, TEST_DT_DEBUG)->d_tag = ELF_DT_REL;
}

static void relr(struct fixture *f)
{
    dynamic_entry(f, TEST_DT_DEBUG)->d_tag = ELF_DT_RELR;
}

START_TEST(shared_libraries_rel_and_relr_are_not_supported)
{
    expect_parse("pie_data", needed, FTL_ERR_NOT_SUPPORTED);
    expect_parse("pie_data", rel, FTL_ERR_NOT_SUPPORTED);
    expect_parse("pie_data", relr, FTL_ERR_NOT_SUPPORTED);
}
END_TEST

static void rela_unmapped(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELA)->d_val = 0x100000;
}

static void rela_in_bss(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELA)->d_val = fixture_symbol(f, "pie_bss");
}

static void rela_past_segment(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELASZ)->d_val += 24 * 8;
}

static void rela_size_wraps(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELASZ)->d_val = UINT64_MAX - 23 - 15;
}

START_TEST(relocation_table_outside_the_file_bytes_is_refused)
{
    expect_parse("pie_data", rela_unmapped, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", rela_in_bss, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", rela_past_segment, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", rela_size_wraps, FTL_ERR_BAD_FORMAT);
}
END_TEST

static void rela_size_odd(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELASZ)->d_val -= 1;
}

static void rela_entry_wrong(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELAENT)->d_val = 16;
}

static void rela_without_size(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_RELASZ)->d_tag = TEST_DT_DEBUG;
}

static void sym_entry_wrong(struct fixture *f)
{
    dynamic_entry(f, ELF_DT_SYMENT)->d_val = 16;
}

START_TEST(inconsistent_relocation_table_is_refused)
{
    expect_parse("pie_data", rela_size_odd, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", rela_entry_wrong, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", rela_without_size, FTL_ERR_BAD_FORMAT);
    expect_parse("pie_data", sym_entry_wrong, FTL_ERR_BAD_FORMAT);
}
END_TEST

// ---- Random damage

static uint64_t rng_state = 0x9e3779b97f4a7c15;

static uint64_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

// Values that sit on the edges the checks guard.
static uint64_t interesting_value(const struct fixture *f)
{
    const uint64_t values[] = {
        0,       1,           7,         8,          24,
        56,      0xfff,       0x1000,    0x3ef0,     0x10000000,
        f->size, f->size - 1, INT64_MAX, UINT64_MAX, UINT64_MAX - 7};
    return values[rng_next() % (sizeof(values) / sizeof(values[0]))];
}

// Damages 1 to 4 places among the bytes the loader reads: the headers and
// the first segment (.dynsym, .rela.dyn), and the dynamic section.
static void damage(struct fixture *f)
{
    struct elf64_phdr *dyn = find_program_header(f, ELF_PT_DYNAMIC, 0);
    uint64_t dyn_offset = dyn->p_offset, dyn_size = dyn->p_filesz;
    uint64_t first = load_header(f, 0)->p_filesz;
    for (unsigned n = 1 + rng_next() % 4; n > 0; n--) {
        uint64_t r = rng_next() % (first + dyn_size);
        uint64_t at = r < first ? r : dyn_offset + (r - first);
        if (rng_next() % 2 == 0) {
            f->bytes[at] = (uint8_t)rng_next();
        } else {
            uint64_t value = interesting_value(f);
            at &= ~(uint64_t)7;
            memcpy(f->bytes + at, &value, 8);
        }
    }
}

// Whatever elf_parse accepts, elf_load must load without an error and
// inside the image; ASan watches both.
START_TEST(random_damage_never_reads_or_writes_outside)
{
    struct fixture clean = fixture_read("pie_data");
    struct fixture f = {.name = clean.name, .size = clean.size};
    f.bytes = malloc(f.size);
    unsigned accepted = 0;
    for (int i = 0; i < 4000; i++) {
        memcpy(f.bytes, clean.bytes, f.size);
        damage(&f);
        struct loaded l;
        int err = load(&f, BASE_KERNEL, &l);
        ck_assert_int_le(err, 0);
        ck_assert_int_ge(err, FTL_ERROR_MIN);
        accepted += l.image != NULL;
        ck_assert_msg(l.image == NULL || err == 0, "load failed: %d", err);
        free(l.image);
    }
    ck_assert_uint_gt(accepted, 0);
    fixture_free(&f);
    fixture_free(&clean);
}
END_TEST

// ---- The wasm pipeline's note (ftl/wasm.h)

// The fixture's only note is its GNU build-id (name "GNU", 20 bytes of
// descriptor); these turn it into other notes in place.
static uint32_t *first_note(struct fixture *f)
{
    struct elf64_phdr *ph = find_program_header(f, ELF_PT_NOTE, 0);
    return (uint32_t *)(f->bytes + ph->p_offset);
}

static bool wasm_note_of(struct fixture *f, int *err)
{
    struct elf_image elf;
    *err = parse_prefix(f, f->size, &elf);
    return elf.wasm_note;
}

START_TEST(a_program_without_the_note_is_not_marked)
{
    struct fixture f = fixture_read("pie_data");
    int err;
    ck_assert(!wasm_note_of(&f, &err));
    ck_assert_int_eq(err, 0);
    fixture_free(&f);
}
END_TEST

START_TEST(the_ftl_wasm_note_is_found)
{
    struct fixture f = fixture_read("pie_data");
    uint32_t *note = first_note(&f);
    note[2] = FTL_ELF_NOTE_WASM;
    memcpy(&note[3], "FTL", 4); // namesz stays 4
    int err;
    ck_assert(wasm_note_of(&f, &err));
    ck_assert_int_eq(err, 0);
    note[2] = FTL_ELF_NOTE_WASM + 1; // another type of FTL's: not it
    ck_assert(!wasm_note_of(&f, &err));
    fixture_free(&f);
}
END_TEST

START_TEST(malformed_notes_end_the_look_not_the_parse)
{
    struct fixture f = fixture_read("pie_data");
    uint32_t *note = first_note(&f);
    note[2] = FTL_ELF_NOTE_WASM;
    memcpy(&note[3], "FTL", 4);
    int err;
    ck_assert(wasm_note_of(&f, &err));
    note[1] = 0xffffffff; // a descriptor past the segment: not a note
    ck_assert(!wasm_note_of(&f, &err));
    ck_assert_int_eq(err, 0);
    note[1] = 20;
    note[0] = 0xfffffffd; // a name past the segment: the note is not read
    ck_assert(!wasm_note_of(&f, &err));
    ck_assert_int_eq(err, 0);
    note[0] = 4;
    struct elf64_phdr *ph = find_program_header(&f, ELF_PT_NOTE, 0);
    ph->p_offset = f.size - 8; // the segment runs past the file
    ck_assert(!wasm_note_of(&f, &err));
    ck_assert_int_eq(err, 0);
    ph->p_offset = UINT64_MAX - 4;
    ck_assert(!wasm_note_of(&f, &err));
    ck_assert_int_eq(err, 0);
    fixture_free(&f);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("elf");
    TCase *image = tcase_create("image");
    tcase_add_test(image, parses_headers_text_rodata_and_data_segments);
    tcase_add_test(image, pointers_are_relocated_to_a_user_and_a_kernel_base);
    tcase_add_test(image, images_at_two_bases_differ_only_in_relocated_slots);
    tcase_add_test(image, rodata_and_data_are_copied_and_bss_zeroed);
    tcase_add_test(image,
                   load_refuses_another_files_description_and_unaligned_base);
    tcase_add_test(image, pages_no_segment_touches_are_left_alone);
    tcase_add_test(image, file_without_dynamic_section_loads_unrelocated);
    suite_add_tcase(s, image);

    TCase *reloc = tcase_create("relocations");
    tcase_add_test(reloc, r_x86_64_64_adds_the_symbol_and_the_addend);
    tcase_add_test(reloc, glob_dat_and_jump_slot_ignore_the_addend);
    tcase_add_test(reloc, weak_undefined_symbol_resolves_to_zero);
    tcase_add_test(reloc, absolute_symbol_is_not_moved);
    tcase_add_test(reloc, r_x86_64_none_is_ignored);
    tcase_add_test(reloc, plt_relocations_are_applied);
    tcase_add_test(reloc, plt_relocations_without_addends_are_not_supported);
    tcase_add_test(reloc, undefined_symbol_is_not_supported);
    tcase_add_test(reloc, ifunc_symbol_is_not_supported);
    tcase_add_test(reloc, symbol_index_past_the_table_is_refused);
    tcase_add_test(reloc, symbol_reference_without_symbol_table_is_refused);
    tcase_add_test(reloc, unknown_relocation_type_is_not_supported);
    tcase_add_test(reloc, relocation_target_outside_the_image_is_refused);
    tcase_add_test(reloc, relocation_target_in_the_last_word_is_accepted);
    suite_add_tcase(s, reloc);

    TCase *header = tcase_create("header");
    tcase_add_test(header, bad_magic_is_refused);
    tcase_add_test(header, elf32_is_not_supported);
    tcase_add_test(header, invalid_class_is_refused);
    tcase_add_test(header, big_endian_is_not_supported);
    tcase_add_test(header, invalid_ident_version_is_refused);
    tcase_add_test(header, other_machine_is_not_supported);
    tcase_add_test(header, et_exec_is_not_supported);
    tcase_add_test(header, wrong_header_size_is_refused);
    tcase_add_test(header, truncated_file_is_refused_at_every_length);
    suite_add_tcase(s, header);

    TCase *segments = tcase_create("segments");
    tcase_add_test(segments, program_headers_past_the_end_are_refused);
    tcase_add_test(segments, program_header_table_size_overflow_is_refused);
    tcase_add_test(segments, wrong_program_header_size_is_refused);
    tcase_add_test(segments, file_without_program_headers_is_refused);
    tcase_add_test(segments,
                   segment_with_file_size_over_memory_size_is_refused);
    tcase_add_test(segments, segment_past_the_end_of_the_file_is_refused);
    tcase_add_test(segments, segment_address_overflow_is_refused);
    tcase_add_test(segments, more_segments_than_the_limit_are_not_supported);
    tcase_add_test(segments, writable_and_executable_segment_is_not_supported);
    tcase_add_test(segments, two_protections_in_one_page_are_not_supported);
    tcase_add_test(segments, segments_with_one_protection_may_share_a_page);
    tcase_add_test(segments, overlapping_segments_are_refused);
    tcase_add_test(segments, segments_out_of_order_are_refused);
    tcase_add_test(segments, huge_span_is_too_large);
    tcase_add_test(segments, span_of_exactly_the_limit_is_accepted);
    tcase_add_test(segments, entry_point_outside_executable_code_is_refused);
    tcase_add_test(segments, program_with_an_interpreter_is_not_supported);
    suite_add_tcase(s, segments);

    TCase *notes = tcase_create("notes");
    tcase_add_test(notes, a_program_without_the_note_is_not_marked);
    tcase_add_test(notes, the_ftl_wasm_note_is_found);
    tcase_add_test(notes, malformed_notes_end_the_look_not_the_parse);
    suite_add_tcase(s, notes);

    TCase *dynamic = tcase_create("dynamic");
    tcase_add_test(dynamic, dynamic_section_outside_the_file_is_refused);
    tcase_add_test(dynamic, two_dynamic_sections_are_refused);
    tcase_add_test(dynamic, dynamic_section_without_end_is_refused);
    tcase_add_test(dynamic, shared_libraries_rel_and_relr_are_not_supported);
    tcase_add_test(dynamic, relocation_table_outside_the_file_bytes_is_refused);
    tcase_add_test(dynamic, inconsistent_relocation_table_is_refused);
    tcase_add_test(dynamic, random_damage_never_reads_or_writes_outside);
    suite_add_tcase(s, dynamic);
    return s;
}
