// The reconcile plan of `ftl apply` (os/services/supervisor/plan.c): from
// the running manifest and the applied one, which services stop, which
// are replaced and which start, and in what order.
#include <check.h>
#include <stdio.h>
#include <string.h>

#include <ftl/manifest.h>

#include "plan.h"

static struct ftl_manifest running, applied;
static char running_text[4096], applied_text[4096];

// A manifest of services given as "name:requires:extra line" triples
// (requires and extra may be empty); each must come after what it requires.
static void build(struct ftl_manifest *m, char *text, const char *const *svc,
                  unsigned n)
{
    size_t len = (size_t)snprintf(text, 4096,
                                  "ftl-manifest 1\nsystem t\nservices %u\n", n);
    for (unsigned i = 0; i < n; i++) {
        char name[32] = "", req[32] = "", extra[64] = "";
        sscanf(svc[i], "%31[^:]:%31[^:]:%63[^\n]", name, req, extra);
        if (svc[i][strlen(name) + 1] == ':') { // empty requires
            sscanf(svc[i], "%31[^:]::%63[^\n]", name, extra);
            req[0] = '\0';
        }
        len += (size_t)snprintf(
            text + len, 4096 - len,
            "service %s\nbinary %s.elf\nisolation user\nrestart Always\n"
            "memory 1048576\n%s%s%s%s%send\n",
            name, name, req[0] ? "requires " : "", req, req[0] ? "\n" : "",
            extra, extra[0] ? "\n" : "");
    }
    ck_assert_msg(ftl_manifest_parse(text, len, m) == 0, "%s: line %u: %s",
                  text, m->error_line, m->error ? m->error : "");
}

static char got[512];

static void describe(const struct plan *p)
{
    size_t len = 0;
    got[0] = '\0';
    for (unsigned i = 0; i < p->count; i++) {
        len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s %s",
                                i ? ", " : "",
                                plan_action_name(p->steps[i].action),
                                p->steps[i].name);
    }
}

static bool http_has_new_image(const struct ftl_manifest_service *spec,
                               void *arg)
{
    (void)arg;
    return strcmp(spec->name, "http") == 0;
}

static struct plan plan;

START_TEST(the_same_manifest_changes_nothing)
{
    static const char *const svc[] = {"net::", "tcpip:net:", "http:tcpip:"};
    build(&running, running_text, svc, 3);
    build(&applied, applied_text, svc, 3);
    plan_make(&running, &applied, NULL, NULL, &plan);
    ck_assert_uint_eq(plan.count, 0);
}
END_TEST

START_TEST(added_removed_and_changed_services_in_order)
{
    static const char *const before[] = {"net::", "tcpip:net:", "old:tcpip:",
                                         "olddep:old:", "http:tcpip:"};
    static const char *const after[] = {"net::", "tcpip:net:",
                                        "http:tcpip:env PORT=8080",
                                        "new:http:"};
    build(&running, running_text, before, 5);
    build(&applied, applied_text, after, 4);
    plan_make(&running, &applied, NULL, NULL, &plan);
    describe(&plan);
    // Dependents stop first; then the new manifest's start order.
    ck_assert_str_eq(got, "stop olddep, stop old, replace http, start new");
    ck_assert_int_eq(plan.steps[2].old_index, 4);
    ck_assert_int_eq(plan.steps[2].new_index, 2);
    ck_assert_int_eq(plan.steps[3].old_index, -1);
}
END_TEST

START_TEST(a_new_program_file_alone_replaces_the_service)
{
    static const char *const svc[] = {"net::", "http:net:"};
    build(&running, running_text, svc, 2);
    build(&applied, applied_text, svc, 2);
    plan_make(&running, &applied, http_has_new_image, NULL, &plan);
    describe(&plan);
    ck_assert_str_eq(got, "replace http");
}
END_TEST

START_TEST(every_field_of_a_spec_counts)
{
    static const char *const base[] = {"a::"};
    static const char *const changes[] = {
        "a::env K=v",           "a::arg --x",         "a::file tls/ca.pem",
        "a::provides b",        "a::device irq 4",    "a::handles 64",
        "a::device ioports 0x2f8 8",
    };
    build(&running, running_text, base, 1);
    for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
        build(&applied, applied_text, &changes[i], 1);
        plan_make(&running, &applied, NULL, NULL, &plan);
        ck_assert_msg(plan.count == 1 && plan.steps[0].action == PLAN_REPLACE,
                      "%s: %u steps", changes[i], plan.count);
    }
}
END_TEST

START_TEST(everything_removed_stops_in_reverse_start_order)
{
    static const char *const before[] = {"a::", "b:a:", "c:b:"};
    build(&running, running_text, before, 3);
    build(&applied, applied_text, NULL, 0);
    plan_make(&running, &applied, NULL, NULL, &plan);
    describe(&plan);
    ck_assert_str_eq(got, "stop c, stop b, stop a");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("plan");
    TCase *t = tcase_create("plan");
    tcase_add_test(t, the_same_manifest_changes_nothing);
    tcase_add_test(t, added_removed_and_changed_services_in_order);
    tcase_add_test(t, a_new_program_file_alone_replaces_the_service);
    tcase_add_test(t, every_field_of_a_spec_counts);
    tcase_add_test(t, everything_removed_stops_in_reverse_start_order);
    suite_add_tcase(s, t);
    return s;
}
