// Reading an image's initfs.tar for `ftl apply`'s delta bundles
// (ftl-cli/initfs_tar.c): archives made by GNU tar exactly as `ftl build`
// makes them, the files listed with their SHA-256 and members that can be
// copied out on their own into another archive.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exitcode.h"
#include "files.h"
#include "initfs_tar.h"
#include "text.h"

#define HELLO_SHA256                                                           \
    "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

// A staging folder with boot.manifest ("hello\n"), a 600-byte a.elf and
// tls/cert.pem, packed as image.c packs the initfs; the archive's path.
static char *archive_make(void)
{
    char dir[] = "/tmp/initfs-tar-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *stage = path_join(dir, "stage");
    char program[600];
    memset(program, 0x7f, sizeof(program));
    ck_assert_int_eq(file_create(path_join(stage, "boot.manifest"), "hello\n"),
                     0);
    ck_assert_int_eq(file_create(path_join(stage, "tls/cert.pem"), "pem\n"), 0);
    FILE *f = fopen(path_join(stage, "a.elf"), "w");
    ck_assert_ptr_nonnull(f);
    fwrite(program, 1, sizeof(program), f);
    fclose(f);
    char *tar = path_join(dir, "initfs.tar");
    char *cmd = str_printf("tar --format=ustar --owner=0 --group=0 "
                           "--numeric-owner --mtime=@0 --sort=name -cf %s "
                           "-C %s .",
                           tar, stage);
    ck_assert_int_eq(system(cmd), 0);
    return tar;
}

START_TEST(files_are_listed_by_name_with_their_hash)
{
    static struct initfs_tar t;
    char *tar = archive_make();
    ck_assert_int_eq(initfs_tar_read(tar, &t), 0);
    ck_assert_uint_eq(t.count, 3); // the folders ./ and ./tls/ left out
    ck_assert_str_eq(t.files[0].name, "a.elf");
    ck_assert_str_eq(t.files[1].name, "boot.manifest");
    ck_assert_str_eq(t.files[2].name, "tls/cert.pem");
    const struct initfs_file *m = initfs_tar_find(&t, "boot.manifest");
    ck_assert_ptr_nonnull(m);
    ck_assert_uint_eq(m->size, 6);
    ck_assert_str_eq(m->hash, HELLO_SHA256);
    ck_assert_mem_eq(t.data + m->offset + 512, "hello\n", 6);
    ck_assert_uint_eq(t.files[0].size, 600);
    ck_assert_uint_eq(t.files[0].span, 512 + 1024); // data padded to 512
    ck_assert_ptr_null(initfs_tar_find(&t, "./boot.manifest"));
    tree_remove(path_dir(tar));
}
END_TEST

START_TEST(members_copied_out_make_an_archive_of_their_own)
{
    static struct initfs_tar t, bundle;
    char *tar = archive_make();
    ck_assert_int_eq(initfs_tar_read(tar, &t), 0);
    // boot.manifest and tls/cert.pem, then the two zero blocks of the end,
    // as apply_bundle.c packs a delta bundle.
    char *out = str_printf("%s.delta", tar);
    FILE *f = fopen(out, "w");
    ck_assert_ptr_nonnull(f);
    for (unsigned i = 1; i < 3; i++) {
        fwrite(t.data + t.files[i].offset, 1, t.files[i].span, f);
    }
    static const char end[1024];
    fwrite(end, 1, sizeof(end), f);
    fclose(f);
    ck_assert_int_eq(initfs_tar_read(out, &bundle), 0);
    ck_assert_uint_eq(bundle.count, 2);
    ck_assert_str_eq(bundle.files[0].name, "boot.manifest");
    ck_assert_str_eq(bundle.files[0].hash, HELLO_SHA256);
    ck_assert_str_eq(bundle.files[1].name, "tls/cert.pem");
    // GNU tar reads it too, as the supervisor's reader would.
    ck_assert_int_eq(system(str_printf("tar -tf %s >/dev/null", out)), 0);
    tree_remove(path_dir(tar));
}
END_TEST

START_TEST(what_is_not_a_ustar_archive_is_refused)
{
    static struct initfs_tar t;
    char dir[] = "/tmp/initfs-tar-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *path = path_join(dir, "junk.tar");
    char junk[1024];
    memset(junk, 'x', sizeof(junk));
    junk[sizeof(junk) - 1] = '\0';
    ck_assert_int_eq(file_create(path, junk), 0);
    ck_assert_int_eq(initfs_tar_read(path, &t), EXIT_FAILED);
    ck_assert_int_eq(initfs_tar_read(path_join(dir, "missing.tar"), &t),
                     EXIT_FAILED);
    tree_remove(dir);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("initfs_tar");
    TCase *t = tcase_create("initfs_tar");
    tcase_add_test(t, files_are_listed_by_name_with_their_hash);
    tcase_add_test(t, members_copied_out_make_an_archive_of_their_own);
    tcase_add_test(t, what_is_not_a_ustar_archive_is_refused);
    suite_add_tcase(s, t);
    return s;
}
