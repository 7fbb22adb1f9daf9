// The ftl command's text handling: what users type (names, ports, sizes,
// PCI IDs, HTTP routes), template placeholders, and the generators' edits
// of their files (ftl-cli/text.c, ftl-cli/route.c, ftl-cli/edit.c).
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "edit.h"
#include "route.h"
#include "text.h"

START_TEST(names_follow_the_spec_rules)
{
    ck_assert(name_is_valid("demo"));
    ck_assert(name_is_valid("http-server_2"));
    ck_assert(!name_is_valid(""));
    ck_assert(!name_is_valid("2fast"));
    ck_assert(!name_is_valid("Demo"));
    ck_assert(!name_is_valid("my service"));
    ck_assert(!name_is_valid("../etc"));
    ck_assert(name_is_valid("a234567890123456789012345678901"));
    ck_assert(!name_is_valid("a2345678901234567890123456789012"));
    char *ident = str_ident("http-server");
    ck_assert_str_eq(ident, "http_server");
    free(ident); // ftl itself never frees: it is a short-lived command
}
END_TEST

START_TEST(ports_parse_with_protocol)
{
    unsigned host, guest;
    bool udp;
    ck_assert(port_parse("8080:80", &host, &guest, &udp));
    ck_assert_uint_eq(host, 8080);
    ck_assert_uint_eq(guest, 80);
    ck_assert(!udp);
    ck_assert(port_parse("5353:53/udp", &host, &guest, &udp) && udp);
    ck_assert(port_parse("1:65535/tcp", &host, &guest, &udp) && !udp);
    ck_assert(!port_parse("0:80", &host, &guest, &udp));
    ck_assert(!port_parse("65536:80", &host, &guest, &udp));
    ck_assert(!port_parse("8080", &host, &guest, &udp));
    ck_assert(!port_parse("8080:80/sctp", &host, &guest, &udp));
    ck_assert(!port_parse("a:b", &host, &guest, &udp));
}
END_TEST

START_TEST(memory_sizes_in_mib)
{
    unsigned long mib;
    ck_assert(memory_parse_mib("256", &mib) && mib == 256);
    ck_assert(memory_parse_mib("256M", &mib) && mib == 256);
    ck_assert(memory_parse_mib("1GiB", &mib) && mib == 1024);
    ck_assert(!memory_parse_mib("8M", &mib));
    ck_assert(!memory_parse_mib("1K", &mib));
    ck_assert(!memory_parse_mib("lots", &mib));
}
END_TEST

START_TEST(pci_ids_are_hex_pairs)
{
    uint16_t v, d;
    ck_assert(pci_id_parse("1234:11e8", &v, &d) && v == 0x1234 && d == 0x11e8);
    ck_assert(pci_id_parse("0x1AF4:0x1000", &v, &d) && v == 0x1af4);
    ck_assert(!pci_id_parse("12345:1", &v, &d));
    ck_assert(!pci_id_parse("zz:1", &v, &d));
    ck_assert(!pci_id_parse("1234", &v, &d));
}
END_TEST

START_TEST(placeholders_expand)
{
    const char *vars[] = {"name", "demo", "ident", "my_demo", NULL};
    char *out = str_expand("{{name}}/{{ident}}.c {{other}} {{", vars);
    ck_assert_str_eq(out, "demo/my_demo.c {{other}} {{");
    free(out);
}
END_TEST

START_TEST(list_items_are_added_once)
{
    const char *yaml = "spec:\n  requires: []   # x\n  provides: [a]\n";
    char *once = edit_list_add(yaml, "requires", "kv");
    ck_assert_str_eq(once, "spec:\n  requires: [kv]   # x\n  provides: [a]\n");
    char *twice = edit_list_add(once, "requires", "store");
    ck_assert_str_eq(twice,
                     "spec:\n  requires: [kv, store]   # x\n  provides: [a]\n");
    ck_assert_ptr_eq(edit_list_add(twice, "requires", "kv"), twice);
    ck_assert_ptr_null(edit_list_add("requires:\n  - kv\n", "requires", "x"));
    ck_assert_ptr_null(edit_list_add("spec: {}\n", "requires", "x"));
    free(once);
    free(twice);
}
END_TEST

START_TEST(lines_go_above_anchors_with_their_indent)
{
    const char *c = "int x = {\n    .a = 1,\n    // anchor here\n};\n";
    char *out = edit_insert_above(c, "// anchor", ".b = 2,");
    ck_assert_str_eq(out, "int x = {\n    .a = 1,\n    .b = 2,\n    // anchor "
                          "here\n};\n");
    free(out);
    ck_assert_ptr_null(edit_insert_above(c, "// missing", "x"));
}
END_TEST

START_TEST(route_methods_are_the_five_in_upper_case)
{
    const char *good[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(route_method_is_valid(good[i]), "%s", good[i]);
    }
    const char *bad[] = {"get", "HEAD", "OPTIONS", "", "GETS", "*"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!route_method_is_valid(bad[i]), "%s", bad[i]);
    }
}
END_TEST

START_TEST(route_paths_are_literal_or_param_segments)
{
    const char *good[] = {"/", "/items", "/items/:id", "/v1.0/a-b_c~d/:x_2",
                          "/items/:id/tags/:tag"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_msg(route_path_is_valid(good[i]), "%s", good[i]);
    }
    const char *bad[] = {
        "",     "items", "/items/", "//items",  "/items/:", "/:Id",   "/:2nd",
        "/a b", "/a\"b", "/a\\b",   "/items/*", "/a?b=1",   "/:id-x", "/a/:"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!route_path_is_valid(bad[i]), "%s", bad[i]);
    }
    char longest[ROUTE_PATH_MAX + 2];
    memset(longest, 'a', sizeof(longest));
    longest[0] = '/';
    longest[ROUTE_PATH_MAX] = '\0';
    ck_assert(route_path_is_valid(longest));
    longest[ROUTE_PATH_MAX] = 'a';
    longest[ROUTE_PATH_MAX + 1] = '\0';
    ck_assert(!route_path_is_valid(longest));
}
END_TEST

START_TEST(route_names_join_method_and_segments)
{
    const char *cases[][3] = {
        {"GET", "/items/:id", "get_items_id"},
        {"GET", "/", "get_root"},
        {"DELETE", "/v1.0/my-items/:item_id", "delete_v1_0_my_items_item_id"},
        {"PATCH", "/A~b", "patch_a_b"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *name = route_name(cases[i][0], cases[i][1]);
        ck_assert_str_eq(name, cases[i][2]);
        free(name);
    }
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *t = tcase_create("text");
    tcase_add_test(t, names_follow_the_spec_rules);
    tcase_add_test(t, ports_parse_with_protocol);
    tcase_add_test(t, memory_sizes_in_mib);
    tcase_add_test(t, pci_ids_are_hex_pairs);
    tcase_add_test(t, placeholders_expand);
    tcase_add_test(t, list_items_are_added_once);
    tcase_add_test(t, lines_go_above_anchors_with_their_indent);
    tcase_add_test(t, route_methods_are_the_five_in_upper_case);
    tcase_add_test(t, route_paths_are_literal_or_param_segments);
    tcase_add_test(t, route_names_join_method_and_segments);
    suite_add_tcase(s, t);
    return s;
}
