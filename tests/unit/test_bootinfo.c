// Boot information from both loaders: Multiboot2 tags and the PVH start
// info, built here byte for byte in a fake "physical memory" buffer, plus
// the corrupt forms each parser must refuse.
#include <check.h>
#include <stdint.h>
#include <string.h>

#include <ftl/error.h>

#include "arch/x64/boot.h"
#include "arch/x64/multiboot2.h"
#include "arch/x64/pvh.h"
#include "bootinfo.h"

// Fake physical memory: physical address p is mem[p].
static uint8_t mem[64 * 1024] __attribute__((aligned(8)));
static struct phys_window window;
static struct boot_info info;

static void setup(void)
{
    memset(mem, 0, sizeof(mem));
    memset(&info, 0xa5, sizeof(info)); // the parsers must clear it
    window.offset = (uintptr_t)mem;
    window.limit = sizeof(mem);
}

// --- Multiboot2 -------------------------------------------------------------

#define MBI 0x1000 // where the boot information starts

static uint32_t mbi_at; // next free byte, relative to MBI

static void put32(uint32_t at, uint32_t v)
{
    memcpy(mem + MBI + at, &v, 4);
}

static void put64(uint32_t at, uint64_t v)
{
    memcpy(mem + MBI + at, &v, 8);
}

static void mbi_begin(void)
{
    mbi_at = 8;
}

// Starts a tag; returns its offset. The caller writes the body after it.
static uint32_t mbi_tag(uint32_t type, uint32_t size)
{
    uint32_t at = mbi_at;
    put32(at, type);
    put32(at + 4, size);
    mbi_at = (at + size + 7) & ~7u;
    return at;
}

static void mbi_end(void)
{
    mbi_tag(0, 8);
    put32(0, mbi_at);
    put32(4, 0);
}

static void mbi_string_tag(uint32_t type, const char *s)
{
    uint32_t at = mbi_tag(type, 8 + (uint32_t)strlen(s) + 1);
    memcpy(mem + MBI + at + 8, s, strlen(s) + 1);
}

static void mbi_module(uint32_t start, uint32_t end, const char *name)
{
    uint32_t at = mbi_tag(3, 16 + (uint32_t)strlen(name) + 1);
    put32(at + 8, start);
    put32(at + 12, end);
    memcpy(mem + MBI + at + 16, name, strlen(name) + 1);
}

static void mbi_memory_map(const uint64_t (*regions)[3], int count)
{
    uint32_t at = mbi_tag(6, 16 + 24 * (uint32_t)count);
    put32(at + 8, 24);
    put32(at + 12, 0);
    for (int i = 0; i < count; i++) {
        uint32_t e = at + 16 + 24 * (uint32_t)i;
        put64(e, regions[i][0]);
        put64(e + 8, regions[i][1]);
        put32(e + 16, (uint32_t)regions[i][2]);
        put32(e + 20, 0);
    }
}

static const uint64_t qemu_map[][3] = {
    {0x0, 0x9fc00, 1},        {0x9fc00, 0x400, 2},     {0xf0000, 0x10000, 2},
    {0x100000, 0x7ee0000, 1}, {0x7fe0000, 0x20000, 2},
};

START_TEST(multiboot2_reads_cmdline_modules_memory_and_rsdp)
{
    mbi_begin();
    mbi_string_tag(1, "ftl.test answer=42");
    mbi_string_tag(2, "GRUB 2.06"); // boot loader name: ignored
    mbi_module(0x200000, 0x202800, "initfs");
    mbi_memory_map(qemu_map, 5);
    uint32_t rsdp = mbi_tag(14, 8 + 20);
    memcpy(mem + MBI + rsdp + 8, "RSD PTR \x42QEMU  \0\x00\x10\xfe\x07", 20);
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), 0);
    ck_assert_str_eq(info.loader, "multiboot2");
    ck_assert_str_eq(info.cmdline, "ftl.test answer=42");
    ck_assert_uint_eq(info.module_count, 1);
    ck_assert_uint_eq(info.modules[0].phys, 0x200000);
    ck_assert_uint_eq(info.modules[0].size, 0x2800);
    ck_assert_str_eq(info.modules[0].name, "initfs");
    ck_assert_uint_eq(info.memory_count, 5);
    ck_assert_uint_eq(info.memory[3].base, 0x100000);
    ck_assert_uint_eq(info.memory[3].type, BOOT_MEMORY_USABLE);
    ck_assert_uint_eq(boot_info_usable_bytes(&info), 0x9fc00 + 0x7ee0000);
    // A copy: the kernel reuses the loader's memory once it has parsed it.
    memset(mem, 0, sizeof(mem));
    ck_assert_uint_eq(info.rsdp_len, 20);
    ck_assert_mem_eq(info.rsdp, "RSD PTR \x42QEMU  \0\x00\x10\xfe\x07", 20);
    ck_assert_uint_eq(info.rsdp_phys, 0);
    ck_assert(!info.truncated);
}
END_TEST

START_TEST(multiboot2_skips_unknown_tags)
{
    mbi_begin();
    mbi_tag(0x7777, 8 + 13);
    mbi_string_tag(1, "after");
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), 0);
    ck_assert_str_eq(info.cmdline, "after");
}
END_TEST

START_TEST(multiboot2_unterminated_cmdline_stays_inside_its_tag)
{
    mbi_begin();
    uint32_t at = mbi_tag(1, 8 + 4);
    memcpy(mem + MBI + at + 8, "abcd", 4); // no NUL within the tag
    mbi_string_tag(1, "zzzz");             // would be read on overrun
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), 0);
    ck_assert_str_eq(info.cmdline, "zzzz"); // the later tag wins
    mbi_begin();
    at = mbi_tag(1, 8 + 4);
    memcpy(mem + MBI + at + 8, "abcd", 4);
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), 0);
    ck_assert_str_eq(info.cmdline, "abcd");
}
END_TEST

START_TEST(multiboot2_unknown_memory_types_are_reserved)
{
    static const uint64_t odd[][3] = {{0x100000, 0x1000, 1},
                                      {0x200000, 0x1000, 99}};
    mbi_begin();
    mbi_memory_map(odd, 2);
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), 0);
    ck_assert_uint_eq(info.memory[1].type, BOOT_MEMORY_RESERVED);
    ck_assert_uint_eq(boot_info_usable_bytes(&info), 0x1000);
}
END_TEST

START_TEST(multiboot2_too_many_modules_are_truncated)
{
    mbi_begin();
    for (int i = 0; i < BOOT_MODULES_MAX + 3; i++) {
        mbi_module(0x300000 + 0x1000 * (uint32_t)i,
                   0x300800 + 0x1000 * (uint32_t)i, "m");
    }
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), 0);
    ck_assert_uint_eq(info.module_count, BOOT_MODULES_MAX);
    ck_assert(info.truncated);
}
END_TEST

START_TEST(multiboot2_rejects_bad_total_size)
{
    mbi_begin();
    mbi_end();
    put32(0, 4); // smaller than its own header
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
    put32(0, sizeof(mem)); // runs past physical memory
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
    ck_assert_int_eq(multiboot2_parse(&window, sizeof(mem) - 4, &info),
                     FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(multiboot2_rejects_tag_running_past_the_end)
{
    mbi_begin();
    uint32_t at = mbi_tag(1, 16);
    mbi_end();
    put32(at + 4, 4096);
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
    put32(at + 4, 4); // smaller than a tag header: would loop forever
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(multiboot2_rejects_missing_end_tag)
{
    mbi_begin();
    mbi_string_tag(1, "x");
    put32(0, mbi_at); // total size ends right after the cmdline tag
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(multiboot2_rejects_bad_module_and_memory_map)
{
    mbi_begin();
    mbi_module(0x5000, 0x4000, "backwards");
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
    mbi_begin();
    uint32_t at = mbi_tag(6, 16 + 24);
    put32(at + 8, 8); // entries smaller than the spec's 24 bytes
    mbi_end();
    ck_assert_int_eq(multiboot2_parse(&window, MBI, &info), FTL_ERR_BAD_FORMAT);
}
END_TEST

// --- PVH --------------------------------------------------------------------

#define START_INFO 0x2000
#define MODLIST 0x2100
#define MEMMAP 0x2200
#define CMDLINE 0x2400
#define MODULE_NAME 0x2500

static void pvh_start_info(uint32_t version, uint32_t modules,
                           uint32_t memmap_entries)
{
    uint32_t words[14] = {0};
    words[0] = PVH_START_INFO_MAGIC;
    words[1] = version;
    words[3] = modules;
    memcpy(mem + START_INFO, words, sizeof(words));
    uint64_t modlist = MODLIST, cmdline = CMDLINE, rsdp = 0xf5a40;
    uint64_t memmap = MEMMAP;
    memcpy(mem + START_INFO + 16, &modlist, 8);
    memcpy(mem + START_INFO + 24, &cmdline, 8);
    memcpy(mem + START_INFO + 32, &rsdp, 8);
    memcpy(mem + START_INFO + 40, &memmap, 8);
    memcpy(mem + START_INFO + 48, &memmap_entries, 4);
    strcpy((char *)mem + CMDLINE, "ftl.test console");
    for (uint32_t i = 0; i < memmap_entries && i < 5; i++) {
        uint64_t entry[3] = {qemu_map[i][0], qemu_map[i][1], qemu_map[i][2]};
        memcpy(mem + MEMMAP + 24 * i, entry, 24);
    }
}

static void pvh_module(uint32_t index, uint64_t phys, uint64_t size,
                       uint64_t name_phys)
{
    uint64_t entry[4] = {phys, size, name_phys, 0};
    memcpy(mem + MODLIST + 32 * index, entry, sizeof(entry));
}

START_TEST(pvh_reads_cmdline_modules_memory_and_rsdp)
{
    pvh_start_info(1, 1, 5);
    pvh_module(0, 0x7fd5000, 10240, 0);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), 0);
    ck_assert_str_eq(info.loader, "pvh");
    ck_assert_str_eq(info.cmdline, "ftl.test console");
    ck_assert_uint_eq(info.rsdp_phys, 0xf5a40);
    ck_assert_uint_eq(info.rsdp_len, 0);
    ck_assert_uint_eq(info.module_count, 1);
    ck_assert_uint_eq(info.modules[0].phys, 0x7fd5000);
    ck_assert_uint_eq(info.modules[0].size, 10240);
    ck_assert_str_eq(info.modules[0].name, "");
    ck_assert_uint_eq(info.memory_count, 5);
    ck_assert_uint_eq(boot_info_usable_bytes(&info), 0x9fc00 + 0x7ee0000);
}
END_TEST

START_TEST(pvh_module_names_are_read)
{
    pvh_start_info(1, 2, 0);
    strcpy((char *)mem + MODULE_NAME, "initfs");
    pvh_module(0, 0x100000, 1, 0);
    pvh_module(1, 0x200000, 2, MODULE_NAME);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), 0);
    ck_assert_ptr_eq(boot_info_find_module(&info, "initfs"), &info.modules[1]);
    ck_assert_ptr_null(boot_info_find_module(&info, "other"));
}
END_TEST

START_TEST(pvh_version_0_has_no_memory_map)
{
    pvh_start_info(0, 0, 5);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), 0);
    ck_assert_uint_eq(info.memory_count, 0);
}
END_TEST

START_TEST(pvh_rejects_bad_magic)
{
    pvh_start_info(1, 0, 0);
    mem[START_INFO] ^= 1;
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(pvh_rejects_tables_outside_memory)
{
    pvh_start_info(1, 1, 0);
    uint64_t far = sizeof(mem) - 16; // module list runs past the end
    memcpy(mem + START_INFO + 16, &far, 8);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), FTL_ERR_BAD_FORMAT);

    pvh_start_info(1, 0, 3);
    uint64_t huge = UINT64_MAX - 8; // address arithmetic would wrap
    memcpy(mem + START_INFO + 40, &huge, 8);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), FTL_ERR_BAD_FORMAT);

    pvh_start_info(1, 0, 0);
    uint64_t cmdline = sizeof(mem) + 100;
    memcpy(mem + START_INFO + 24, &cmdline, 8);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), FTL_ERR_BAD_FORMAT);

    ck_assert_int_eq(pvh_parse(&window, sizeof(mem) - 8, &info),
                     FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(pvh_cmdline_at_the_end_of_memory_stops_there)
{
    pvh_start_info(1, 0, 0);
    uint64_t cmdline = sizeof(mem) - 3;
    memcpy(mem + START_INFO + 24, &cmdline, 8);
    memcpy(mem + sizeof(mem) - 3, "abc", 3); // no NUL before the end
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), 0);
    ck_assert_str_eq(info.cmdline, "abc");
}
END_TEST

START_TEST(pvh_huge_module_count_is_truncated)
{
    pvh_start_info(1, 1000000, 0);
    ck_assert_int_eq(pvh_parse(&window, START_INFO, &info), 0);
    ck_assert_uint_eq(info.module_count, BOOT_MODULES_MAX);
    ck_assert(info.truncated);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("bootinfo");
    TCase *mb2 = tcase_create("multiboot2");
    tcase_add_checked_fixture(mb2, setup, NULL);
    tcase_add_test(mb2, multiboot2_reads_cmdline_modules_memory_and_rsdp);
    tcase_add_test(mb2, multiboot2_skips_unknown_tags);
    tcase_add_test(mb2, multiboot2_unterminated_cmdline_stays_inside_its_tag);
    tcase_add_test(mb2, multiboot2_unknown_memory_types_are_reserved);
    tcase_add_test(mb2, multiboot2_too_many_modules_are_truncated);
    tcase_add_test(mb2, multiboot2_rejects_bad_total_size);
    tcase_add_test(mb2, multiboot2_rejects_tag_running_past_the_end);
    tcase_add_test(mb2, multiboot2_rejects_missing_end_tag);
    tcase_add_test(mb2, multiboot2_rejects_bad_module_and_memory_map);
    suite_add_tcase(s, mb2);
    TCase *pvh = tcase_create("pvh");
    tcase_add_checked_fixture(pvh, setup, NULL);
    tcase_add_test(pvh, pvh_reads_cmdline_modules_memory_and_rsdp);
    tcase_add_test(pvh, pvh_module_names_are_read);
    tcase_add_test(pvh, pvh_version_0_has_no_memory_map);
    tcase_add_test(pvh, pvh_rejects_bad_magic);
    tcase_add_test(pvh, pvh_rejects_tables_outside_memory);
    tcase_add_test(pvh, pvh_cmdline_at_the_end_of_memory_stops_there);
    tcase_add_test(pvh, pvh_huge_module_count_is_truncated);
    suite_add_tcase(s, pvh);
    return s;
}
