// What a delta bundle of `ftl apply` may leave out (ftl-cli/record.c,
// record_has_file): a file goes unless the record of the running system
// says the supervisor would find its bytes without it.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "initfs_tar.h"
#include "record.h"

#define OLD "1111111111111111111111111111111111111111111111111111111111111111"
#define NEW "2222222222222222222222222222222222222222222222222222222222222222"

static struct record r;
static struct ftl_manifest m;

// A system booted with web.elf and api.elf at OLD, key.pem at OLD; the
// services web and api run them.
static void booted(void)
{
    memset(&r, 0, sizeof(r));
    memset(&m, 0, sizeof(m));
    const char *files[] = {"web.elf", "api.elf", "key.pem"};
    for (unsigned i = 0; i < 3; i++) {
        snprintf(r.files[i].name, sizeof(r.files[i].name), "%s", files[i]);
        snprintf(r.files[i].hash, sizeof(r.files[i].hash), "%s", OLD);
    }
    r.file_count = 3;
    const char *services[][2] = {{"web", "web.elf"}, {"api", "api.elf"}};
    for (unsigned i = 0; i < 2; i++) {
        struct record_service *v = &r.services[i];
        snprintf(v->name, sizeof(v->name), "%s", services[i][0]);
        snprintf(v->binary, sizeof(v->binary), "%s", services[i][1]);
        snprintf(v->hash, sizeof(v->hash), "%s", OLD);
        m.services[i].name = services[i][0];
        m.services[i].binary = services[i][1];
    }
    r.service_count = 2;
    m.service_count = 2;
    r.services_known = true;
}

static struct initfs_file file(const char *name, const char *hash)
{
    struct initfs_file f = {0};
    snprintf(f.name, sizeof(f.name), "%s", name);
    snprintf(f.hash, sizeof(f.hash), "%s", hash);
    return f;
}

START_TEST(an_unchanged_program_is_left_out_a_changed_one_sent)
{
    booted();
    struct initfs_file same = file("api.elf", OLD),
                       edited = file("web.elf", NEW);
    ck_assert(record_has_file(&r, &m, &same));
    ck_assert(!record_has_file(&r, &m, &edited));
}
END_TEST

START_TEST(the_manifest_always_goes)
{
    booted();
    snprintf(r.files[2].name, sizeof(r.files[2].name), "boot.manifest");
    struct initfs_file manifest = file("boot.manifest", OLD);
    ck_assert(!record_has_file(&r, &m, &manifest));
}
END_TEST

START_TEST(an_applied_program_counts_not_the_boot_copy)
{
    booted();
    snprintf(r.services[0].hash, sizeof(r.services[0].hash), "%s", NEW);
    struct initfs_file applied = file("web.elf", NEW),
                       boot = file("web.elf", OLD);
    ck_assert(record_has_file(&r, &m, &applied));
    ck_assert(!record_has_file(&r, &m, &boot)); // going back is a change
}
END_TEST

START_TEST(a_new_service_starts_from_the_boot_copy)
{
    booted();
    // web2 runs web.elf too: the supervisor starts it from the initfs.
    m.services[2].name = "web2";
    m.services[2].binary = "web.elf";
    m.service_count = 3;
    struct initfs_file boot = file("web.elf", OLD);
    ck_assert(record_has_file(&r, &m, &boot));
    // Once web runs an applied web.elf, the two differ: it must go.
    snprintf(r.services[0].hash, sizeof(r.services[0].hash), "%s", NEW);
    struct initfs_file applied = file("web.elf", NEW);
    ck_assert(!record_has_file(&r, &m, &applied));
    // A program the boot never had goes.
    m.services[2].binary = "kv.elf";
    struct initfs_file kv = file("kv.elf", OLD);
    ck_assert(!record_has_file(&r, &m, &kv));
}
END_TEST

START_TEST(a_service_switching_program_starts_from_the_boot_copy)
{
    booted();
    m.services[1].binary = "web.elf"; // api now runs web.elf
    struct initfs_file boot = file("web.elf", OLD);
    ck_assert(record_has_file(&r, &m, &boot));
    snprintf(r.files[0].hash, sizeof(r.files[0].hash), "%s", NEW);
    ck_assert(!record_has_file(&r, &m, &boot));
}
END_TEST

START_TEST(unknown_services_get_every_program)
{
    booted();
    r.services_known = false;
    struct initfs_file same = file("api.elf", OLD), key = file("key.pem", OLD);
    ck_assert(!record_has_file(&r, &m, &same));
    ck_assert(record_has_file(&r, &m, &key)); // not a program: the boot's
}
END_TEST

START_TEST(other_files_are_compared_with_the_boot_initfs)
{
    booted();
    struct initfs_file key = file("key.pem", OLD),
                       new_key = file("key.pem", NEW);
    struct initfs_file extra = file("tls/ca.pem", OLD);
    ck_assert(record_has_file(&r, &m, &key));
    ck_assert(!record_has_file(&r, &m, &new_key));
    ck_assert(!record_has_file(&r, &m, &extra));
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("record");
    TCase *t = tcase_create("record");
    tcase_add_test(t, an_unchanged_program_is_left_out_a_changed_one_sent);
    tcase_add_test(t, the_manifest_always_goes);
    tcase_add_test(t, an_applied_program_counts_not_the_boot_copy);
    tcase_add_test(t, a_new_service_starts_from_the_boot_copy);
    tcase_add_test(t, a_service_switching_program_starts_from_the_boot_copy);
    tcase_add_test(t, unknown_services_get_every_program);
    tcase_add_test(t, other_files_are_compared_with_the_boot_initfs);
    suite_add_tcase(s, t);
    return s;
}
