// The supervisor's status table read back (sdk/lib/status.c) and turned
// into the control protocol's JSON (os/services/control/status_json.c),
// on lines as os/services/supervisor/status.c prints them.
#include <check.h>
#include <string.h>

#include <ftl/status.h>

#include "status_json.h"

static const char table[] =
    "NAME             STATE            RESTARTS ISOLATION    UPTIME "
    "MEMORY            VERSION\n"
    "web              Running                 0 user           3.1s "
    "52KiB/16384KiB    3fa9c2e1d0b4\n"
    "web              Draining                2 kernel        12.0s "
    "60KiB/16384KiB    0011223344ff\n"
    "sv_crashloop     CrashLoopBackOff        4 user              - "
    "-/2048KiB         -\n";

START_TEST(the_header_is_not_a_service)
{
    struct ftl_service_status s;
    ck_assert(!ftl_status_parse_line(table, &s));
    ck_assert(!ftl_status_parse_line("", &s));
    ck_assert(!ftl_status_parse_line("web Running lots user", &s));
}
END_TEST

START_TEST(a_running_service_has_every_field)
{
    struct ftl_service_status s;
    ck_assert(ftl_status_parse_line(strchr(table, '\n') + 1, &s));
    ck_assert_str_eq(s.name, "web");
    ck_assert_str_eq(s.state, "Running");
    ck_assert_uint_eq(s.restarts, 0);
    ck_assert_str_eq(s.isolation, "user");
    ck_assert_int_eq(s.uptime_ms, 3100);
    ck_assert_int_eq(s.memory_kib, 52);
    ck_assert_uint_eq(s.memory_limit_kib, 16384);
    ck_assert_str_eq(s.version, "3fa9c2e1d0b4");
}
END_TEST

START_TEST(a_stopped_service_has_no_uptime_memory_or_version)
{
    struct ftl_service_status s;
    ck_assert(ftl_status_parse_line(strstr(table, "sv_crashloop"), &s));
    ck_assert_str_eq(s.state, "CrashLoopBackOff");
    ck_assert_int_eq(s.uptime_ms, -1);
    ck_assert_int_eq(s.memory_kib, -1);
    ck_assert_uint_eq(s.memory_limit_kib, 2048);
    ck_assert_str_eq(s.version, "");
}
END_TEST

START_TEST(a_table_without_versions_still_reads)
{
    struct ftl_service_status s;
    ck_assert(ftl_status_parse_line(
        "pong Running 1 user 3.1s 52KiB/16384KiB\n", &s));
    ck_assert_str_eq(s.version, "");
    ck_assert_uint_eq(s.restarts, 1);
}
END_TEST

START_TEST(the_json_has_a_service_per_line)
{
    char out[2048];
    size_t n = status_json(table, 4500, out, sizeof(out));
    ck_assert_uint_gt(n, 0);
    ck_assert_str_eq(
        out,
        "{\"system\":{\"uptime_ms\":4500},\"services\":["
        "{\"name\":\"web\",\"state\":\"Running\",\"restarts\":0,"
        "\"isolation\":\"user\",\"uptime_ms\":3100,\"memory_kib\":52,"
        "\"memory_limit_kib\":16384,\"version\":\"3fa9c2e1d0b4\"},"
        "{\"name\":\"web\",\"state\":\"Draining\",\"restarts\":2,"
        "\"isolation\":\"kernel\",\"uptime_ms\":12000,\"memory_kib\":60,"
        "\"memory_limit_kib\":16384,\"version\":\"0011223344ff\"},"
        "{\"name\":\"sv_crashloop\",\"state\":\"CrashLoopBackOff\","
        "\"restarts\":4,\"isolation\":\"user\",\"uptime_ms\":null,"
        "\"memory_kib\":null,\"memory_limit_kib\":2048,\"version\":null}]}");
}
END_TEST

START_TEST(json_that_does_not_fit_is_nothing)
{
    char out[64];
    ck_assert_uint_eq(status_json(table, 1, out, sizeof(out)), 0);
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("status");
    TCase *t = tcase_create("status");
    tcase_add_test(t, the_header_is_not_a_service);
    tcase_add_test(t, a_running_service_has_every_field);
    tcase_add_test(t, a_stopped_service_has_no_uptime_memory_or_version);
    tcase_add_test(t, a_table_without_versions_still_reads);
    tcase_add_test(t, the_json_has_a_service_per_line);
    tcase_add_test(t, json_that_does_not_fit_is_nothing);
    suite_add_tcase(s, t);
    return s;
}
