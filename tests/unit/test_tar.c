// The initfs tar reader: well-formed archives as GNU tar writes them, and
// each kind of corruption rejected without reading outside the buffer.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>

#include "tar.h"

#define ARCHIVE_MAX (16 * 512)

struct archive {
    unsigned char bytes[ARCHIVE_MAX];
    size_t len;
};

static void set_checksum(unsigned char *h)
{
    memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++) {
        sum += h[i];
    }
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
}

// Appends a ustar header (and data, padded) like `tar --format=ustar`.
static unsigned char *add_entry(struct archive *a, const char *prefix,
                                const char *name, char type, const char *data,
                                size_t size)
{
    unsigned char *h = a->bytes + a->len;
    memset(h, 0, 512);
    strncpy((char *)h, name, 100);
    memcpy(h + 100, "0000644", 8);
    memcpy(h + 108, "0000000", 8);
    memcpy(h + 116, "0000000", 8);
    snprintf((char *)h + 124, 12, "%011zo", size);
    memcpy(h + 136, "00000000000", 12);
    h[156] = (unsigned char)type;
    memcpy(h + 257, "ustar", 6);
    memcpy(h + 263, "00", 2);
    if (prefix != NULL) {
        strncpy((char *)h + 345, prefix, 155);
    }
    set_checksum(h);
    a->len += 512;
    if (size > 0) {
        memcpy(a->bytes + a->len, data, size);
        a->len += (size + 511) / 512 * 512;
    }
    return h;
}

static void end_archive(struct archive *a)
{
    memset(a->bytes + a->len, 0, 1024);
    a->len += 1024;
}

// Each archive gets its own heap block of exactly its size, so ASan reports
// any read past the end.
static const void *exact_copy(const struct archive *a, size_t len)
{
    void *copy = malloc(len);
    memcpy(copy, a->bytes, len);
    return copy;
}

START_TEST(reads_files_in_order_with_names_sizes_and_data)
{
    struct archive a = {0};
    add_entry(&a, NULL, "boot.manifest", '0', "version 1\n", 10);
    add_entry(&a, NULL, "big.elf", '0', "0123456789abcdef", 16);
    end_archive(&a);
    const void *copy = exact_copy(&a, a.len);
    struct tar_reader r;
    struct tar_entry e;
    tar_reader_init(&r, copy, a.len);
    ck_assert_int_eq(tar_next(&r, &e), 1);
    ck_assert_str_eq(e.name, "boot.manifest");
    ck_assert_uint_eq(e.size, 10);
    ck_assert_mem_eq(e.data, "version 1\n", 10);
    ck_assert_int_eq(tar_next(&r, &e), 1);
    ck_assert_str_eq(e.name, "big.elf");
    ck_assert_uint_eq(e.size, 16);
    ck_assert_int_eq(tar_next(&r, &e), 0);
    free((void *)copy);
}
END_TEST

START_TEST(skips_directories_and_links)
{
    struct archive a = {0};
    add_entry(&a, NULL, "services/", '5', NULL, 0);
    add_entry(&a, NULL, "link", '2', NULL, 0);
    add_entry(&a, NULL, "services/a", '0', "a", 1);
    end_archive(&a);
    struct tar_reader r;
    struct tar_entry e;
    tar_reader_init(&r, a.bytes, a.len);
    ck_assert_int_eq(tar_next(&r, &e), 1);
    ck_assert_str_eq(e.name, "services/a");
    ck_assert_int_eq(tar_next(&r, &e), 0);
}
END_TEST

START_TEST(strips_leading_dot_slash)
{
    struct archive a = {0};
    add_entry(&a, NULL, "./boot.manifest", '0', "m", 1);
    end_archive(&a);
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, "boot.manifest", &e), 0);
}
END_TEST

START_TEST(joins_ustar_prefix_and_name)
{
    struct archive a = {0};
    add_entry(&a, "a/very/long/folder", "file.txt", '0', "xyz", 3);
    end_archive(&a);
    struct tar_entry e;
    ck_assert_int_eq(
        tar_find(a.bytes, a.len, "a/very/long/folder/file.txt", &e), 0);
    ck_assert_mem_eq(e.data, "xyz", 3);
}
END_TEST

START_TEST(find_missing_file_is_not_found)
{
    struct archive a = {0};
    add_entry(&a, NULL, "one", '0', "1", 1);
    end_archive(&a);
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, "two", &e), FTL_ERR_NOT_FOUND);
}
END_TEST

START_TEST(empty_and_short_archives_have_no_entries)
{
    struct archive a = {0};
    end_archive(&a);
    struct tar_reader r;
    struct tar_entry e;
    tar_reader_init(&r, a.bytes, a.len);
    ck_assert_int_eq(tar_next(&r, &e), 0);
    tar_reader_init(&r, a.bytes, 100); // less than one header
    ck_assert_int_eq(tar_next(&r, &e), 0);
    tar_reader_init(&r, a.bytes, 0);
    ck_assert_int_eq(tar_next(&r, &e), 0);
}
END_TEST

START_TEST(archive_without_end_blocks_or_padding_is_read)
{
    struct archive a = {0};
    add_entry(&a, NULL, "last", '0', "12345", 5);
    // Cut right after the data: no padding, no zero blocks.
    const void *copy = exact_copy(&a, 512 + 5);
    struct tar_reader r;
    struct tar_entry e;
    tar_reader_init(&r, copy, 512 + 5);
    ck_assert_int_eq(tar_next(&r, &e), 1);
    ck_assert_mem_eq(e.data, "12345", 5);
    ck_assert_int_eq(tar_next(&r, &e), 0);
    free((void *)copy);
}
END_TEST

START_TEST(bad_checksum_is_rejected)
{
    struct archive a = {0};
    unsigned char *h = add_entry(&a, NULL, "file", '0', "data", 4);
    end_archive(&a);
    h[0] = 'F'; // content changed, checksum not updated
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, "File", &e), FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(size_past_the_end_is_rejected)
{
    struct archive a = {0};
    add_entry(&a, NULL, "file", '0', "data", 4);
    const void *copy = exact_copy(&a, 512 + 2); // data cut short
    struct tar_reader r;
    struct tar_entry e;
    tar_reader_init(&r, copy, 512 + 2);
    ck_assert_int_eq(tar_next(&r, &e), FTL_ERR_BAD_FORMAT);
    free((void *)copy);
}
END_TEST

START_TEST(huge_size_field_is_rejected)
{
    struct archive a = {0};
    unsigned char *h = add_entry(&a, NULL, "file", '0', NULL, 0);
    end_archive(&a);
    memcpy(h + 124, "77777777777", 12); // 8 GiB
    set_checksum(h);
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, "file", &e), FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(non_octal_size_field_is_rejected)
{
    struct archive a = {0};
    unsigned char *h = add_entry(&a, NULL, "file", '0', NULL, 0);
    end_archive(&a);
    memcpy(h + 124, "0000000009x", 12);
    set_checksum(h);
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, "file", &e), FTL_ERR_BAD_FORMAT);
}
END_TEST

START_TEST(name_filling_all_100_bytes_is_terminated)
{
    struct archive a = {0};
    char name[101];
    memset(name, 'n', 100);
    name[100] = '\0';
    add_entry(&a, NULL, name, '0', "d", 1);
    end_archive(&a);
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, name, &e), 0);
    ck_assert_uint_eq(strlen(e.name), 100);
}
END_TEST

START_TEST(longest_prefix_and_name_fit)
{
    struct archive a = {0};
    char prefix[156], name[101], full[258];
    memset(prefix, 'p', 155);
    prefix[155] = '\0';
    memset(name, 'n', 100);
    name[100] = '\0';
    snprintf(full, sizeof(full), "%s/%s", prefix, name);
    add_entry(&a, prefix, name, '0', "d", 1);
    end_archive(&a);
    struct tar_entry e;
    ck_assert_int_eq(tar_find(a.bytes, a.len, full, &e), 0);
    ck_assert_uint_eq(strlen(e.name), 256);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("tar");
    TCase *t = tcase_create("reader");
    tcase_add_test(t, reads_files_in_order_with_names_sizes_and_data);
    tcase_add_test(t, skips_directories_and_links);
    tcase_add_test(t, strips_leading_dot_slash);
    tcase_add_test(t, joins_ustar_prefix_and_name);
    tcase_add_test(t, find_missing_file_is_not_found);
    tcase_add_test(t, empty_and_short_archives_have_no_entries);
    tcase_add_test(t, archive_without_end_blocks_or_padding_is_read);
    tcase_add_test(t, bad_checksum_is_rejected);
    tcase_add_test(t, size_past_the_end_is_rejected);
    tcase_add_test(t, huge_size_field_is_rejected);
    tcase_add_test(t, non_octal_size_field_is_rejected);
    tcase_add_test(t, name_filling_all_100_bytes_is_terminated);
    tcase_add_test(t, longest_prefix_and_name_fit);
    suite_add_tcase(s, t);
    return s;
}
