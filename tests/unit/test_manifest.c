// The in-OS boot manifest parser (sdk/lib/manifest.c), on hand-written
// manifests and on the ones ftl-spec wrote for tests/spec/good.
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/manifest.h>
#include <ftl/syscall.h>

static struct ftl_manifest m;
static char buf[8192];

// Parses a copy of text (the parser writes into its input).
static int parse(const char *text)
{
    size_t len = strlen(text);
    ck_assert_uint_lt(len, sizeof(buf));
    memcpy(buf, text, len);
    return ftl_manifest_parse(buf, len, &m);
}

static const char full[] = "# FTL boot manifest\n"
                           "ftl-manifest 1\n"
                           "system web\n"
                           "cmdline ftl.log=debug quiet\n"
                           "services 2\n"
                           "\n"
                           "service virtio_net\n"
                           "binary virtio_net.elf\n"
                           "isolation kernel\n"
                           "restart OnFailure\n"
                           "memory 4194304\n"
                           "handles 20000\n"
                           "provides net\n"
                           "device pci 0x1af4 0x1000 1\n"
                           "device irq 4\n"
                           "device ioports 0x3f8 8\n"
                           "end\n"
                           "\n"
                           "service http\n"
                           "binary http_server.elf\n"
                           "isolation user\n"
                           "restart Always\n"
                           "memory 8388608\n"
                           "requires net\n"
                           "requires virtio_net\n"
                           "file tls/cert.pem\n"
                           "file www/index.html\n"
                           "env PORT=80\n"
                           "env GREETING=hello, world = hi\n"
                           "arg --verbose\n"
                           "arg two words\n"
                           "arg \n"
                           "end\n";

START_TEST(every_field_is_read)
{
    ck_assert_int_eq(parse(full), 0);
    ck_assert_str_eq(m.system, "web");
    ck_assert_str_eq(m.cmdline, "ftl.log=debug quiet");
    ck_assert_uint_eq(m.service_count, 2);

    const struct ftl_manifest_service *net = &m.services[0];
    ck_assert_str_eq(net->name, "virtio_net");
    ck_assert_str_eq(net->binary, "virtio_net.elf");
    ck_assert_uint_eq(net->isolation, FTL_MANIFEST_ISOLATION_KERNEL);
    ck_assert_int_eq(net->restart, FTL_RESTART_ON_FAILURE);
    ck_assert_uint_eq(net->memory, 4u << 20);
    ck_assert_uint_eq(net->handles, 20000);
    ck_assert_uint_eq(m.services[1].handles, 0); // not given: the default
    ck_assert_uint_eq(net->provides_count, 1);
    ck_assert_str_eq(net->provides[0], "net");
    ck_assert_uint_eq(net->requires_count, 0);
    ck_assert_uint_eq(net->device_count, 3);
    ck_assert_int_eq(net->devices[0].kind, FTL_DEVICE_PCI);
    ck_assert_uint_eq(net->devices[0].vendor, 0x1af4);
    ck_assert_uint_eq(net->devices[0].device, 0x1000);
    ck_assert_uint_eq(net->devices[0].index, 1);
    ck_assert_int_eq(net->devices[1].kind, FTL_DEVICE_IRQ);
    ck_assert_uint_eq(net->devices[1].irq, 4);
    ck_assert_int_eq(net->devices[2].kind, FTL_DEVICE_IOPORTS);
    ck_assert_uint_eq(net->devices[2].port_base, 0x3f8);
    ck_assert_uint_eq(net->devices[2].port_count, 8);

    const struct ftl_manifest_service *http = &m.services[1];
    ck_assert_str_eq(http->binary, "http_server.elf");
    ck_assert_uint_eq(http->isolation, FTL_MANIFEST_ISOLATION_USER);
    ck_assert_int_eq(http->restart, FTL_RESTART_ALWAYS);
    ck_assert_uint_eq(http->requires_count, 2);
    ck_assert_str_eq(http->requires[0], "net");
    ck_assert_str_eq(http->requires[1], "virtio_net");
    ck_assert_uint_eq(http->file_count, 2);
    ck_assert_str_eq(http->files[0], "tls/cert.pem");
    ck_assert_str_eq(http->files[1], "www/index.html");
    ck_assert_uint_eq(m.services[0].file_count, 0);
    ck_assert_uint_eq(http->envc, 2);
    ck_assert_str_eq(http->envp[0], "PORT=80");
    ck_assert_str_eq(http->envp[1], "GREETING=hello, world = hi");
    ck_assert_uint_eq(http->argc, 3);
    ck_assert_str_eq(http->argv[0], "--verbose");
    ck_assert_str_eq(http->argv[1], "two words");
    ck_assert_str_eq(http->argv[2], "");
    ck_assert_uint_eq(m.error_line, 0);
}
END_TEST

START_TEST(providers_are_found_by_name_then_by_provides)
{
    ck_assert_int_eq(parse(full), 0);
    ck_assert_int_eq(ftl_manifest_provider(&m, "virtio_net"), 0);
    ck_assert_int_eq(ftl_manifest_provider(&m, "net"), 0);
    ck_assert_int_eq(ftl_manifest_provider(&m, "http"), 1);
    ck_assert_int_eq(ftl_manifest_provider(&m, "tcpip"), -1);
    ck_assert_int_eq(ftl_manifest_provider(&m, ""), -1);
}
END_TEST

START_TEST(an_empty_system_is_valid)
{
    ck_assert_int_eq(parse("ftl-manifest 1\nsystem base\nservices 0\n"), 0);
    ck_assert_str_eq(m.system, "base");
    ck_assert_str_eq(m.cmdline, "");
    ck_assert_uint_eq(m.service_count, 0);
}
END_TEST

// Each case: a manifest, the error, the line it names.
static const struct {
    const char *text;
    int err;
    unsigned line;
    const char *why;
} bad[] = {
    {"", FTL_ERR_BAD_FORMAT, 1, "expected `ftl-manifest 1` first"},
    {"ftl-manifest 2\nservices 0\n", FTL_ERR_BAD_FORMAT, 1,
     "expected `ftl-manifest 1` first"},
    {"system x\n", FTL_ERR_BAD_FORMAT, 1, "expected `ftl-manifest 1` first"},
    {"ftl-manifest 1\nservices 0", FTL_ERR_BAD_FORMAT, 2,
     "last line has no newline"},
    {"ftl-manifest 1\nservices 0\nsomething else\n", FTL_ERR_BAD_FORMAT, 3,
     "unknown key"},
    {"ftl-manifest 1\nservices 0\nservices 0\n", FTL_ERR_BAD_FORMAT, 3,
     "second services line"},
    {"ftl-manifest 1\nservices 1\n", FTL_ERR_BAD_FORMAT, 3,
     "fewer services than the services line says"},
    {"ftl-manifest 1\nservices 0\nservice a\n", FTL_ERR_BAD_FORMAT, 3,
     "more services than the services line says"},
    {"ftl-manifest 1\nservices 33\n", FTL_ERR_TOO_LARGE, 2,
     "too many services"},
    {"ftl-manifest 1\nservices x1\n", FTL_ERR_BAD_FORMAT, 2,
     "malformed services count"},
    {"ftl-manifest 1\nservices 1\nservice a\nbinary a.elf\n",
     FTL_ERR_BAD_FORMAT, 5, "last service has no end line"},
    {"ftl-manifest 1\nservices 1\nservice a\nbinary a.elf\nend\n",
     FTL_ERR_BAD_FORMAT, 5,
     "service lacks binary, isolation, restart or memory"},
    {"ftl-manifest 1\nservices 1\nservice a\nbinary a\nbinary b\n",
     FTL_ERR_BAD_FORMAT, 5, "key given twice"},
    {"ftl-manifest 1\nservices 1\nservice a\nisolation ring0\n",
     FTL_ERR_BAD_FORMAT, 4, "unknown isolation"},
    {"ftl-manifest 1\nservices 1\nservice a\nrestart always\n",
     FTL_ERR_BAD_FORMAT, 4, "unknown restart policy"},
    {"ftl-manifest 1\nservices 1\nservice a\nmemory 0\n", FTL_ERR_BAD_FORMAT, 4,
     "malformed memory"},
    {"ftl-manifest 1\nservices 1\nservice a\nhandles 0\n", FTL_ERR_BAD_FORMAT,
     4, "malformed handles"},
    {"ftl-manifest 1\nservices 1\nservice a\nhandles 65537\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed handles"},
    {"ftl-manifest 1\nservices 1\nservice a\nmemory 18446744073709551616\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed memory"},
    {"ftl-manifest 1\nservices 1\nservice a\nrequires a b\n",
     FTL_ERR_BAD_FORMAT, 4, "expected one name"},
    {"ftl-manifest 1\nservices 1\nservice a\ndevice pci 0x10000 1 0\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed device"},
    {"ftl-manifest 1\nservices 1\nservice a\ndevice pci 0x1af4 0x1000\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed device"},
    {"ftl-manifest 1\nservices 1\nservice a\ndevice irq 4 5\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed device"},
    {"ftl-manifest 1\nservices 1\nservice a\ndevice usb 1\n",
     FTL_ERR_BAD_FORMAT, 4, "unknown device kind"},
    {"ftl-manifest 1\nservices 1\nservice a\nenv NOVALUE\n", FTL_ERR_BAD_FORMAT,
     4, "env is not KEY=value"},
    {"ftl-manifest 1\nservices 1\nservice a\nenv =x\n", FTL_ERR_BAD_FORMAT, 4,
     "env is not KEY=value"},
    {"ftl-manifest 1\nservices 1\nservice a\nport 80\n", FTL_ERR_BAD_FORMAT, 4,
     "unknown key in a service"},
    {"ftl-manifest 1\nservices 1\nservice a\nfile ../boot.manifest\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed file path"},
    {"ftl-manifest 1\nservices 1\nservice a\nfile /etc/x\n",
     FTL_ERR_BAD_FORMAT, 4, "malformed file path"},
    {"ftl-manifest 1\nservices 1\nservice a\nfile a b\n", FTL_ERR_BAD_FORMAT,
     4, "malformed file path"},
    {"ftl-manifest 1\nservices 1\nservice a\nfile \n", FTL_ERR_BAD_FORMAT, 4,
     "malformed file path"},
    {"ftl-manifest 1\nservices 1\nservice a\nend now\n", FTL_ERR_BAD_FORMAT, 4,
     "unknown key in a service"},
};

START_TEST(malformed_manifests_name_the_line)
{
    ck_assert_int_eq(parse(bad[_i].text), bad[_i].err);
    ck_assert_uint_eq(m.error_line, bad[_i].line);
    ck_assert_str_eq(m.error, bad[_i].why);
}
END_TEST

// A manifest text with `count` lines of `line` in one service block.
static const char *repeated(const char *line, unsigned count)
{
    static char text[4096];
    int n =
        snprintf(text, sizeof(text), "ftl-manifest 1\nservices 1\nservice a\n");
    for (unsigned i = 0; i < count; i++) {
        n += snprintf(text + n, sizeof(text) - (size_t)n, "%s\n", line);
    }
    return text;
}

START_TEST(limits_are_enforced_not_overrun)
{
    ck_assert_int_eq(parse(repeated("requires b", 9)), FTL_ERR_TOO_LARGE);
    ck_assert_uint_eq(m.error_line, 3 + 9);
    ck_assert_int_eq(parse(repeated("provides b", 9)), FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(parse(repeated("device irq 1", 9)), FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(parse(repeated("arg x", 17)), FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(parse(repeated("env A=1", 17)), FTL_ERR_TOO_LARGE);
    ck_assert_int_eq(parse(repeated("file f", 17)), FTL_ERR_TOO_LARGE);
    ck_assert_uint_eq(m.error_line, 3 + 17);

    char line[FTL_MANIFEST_LINE_MAX + 2];
    memset(line, 'x', sizeof(line));
    memcpy(line, "arg ", 4);
    line[FTL_MANIFEST_LINE_MAX + 1] = '\0'; // one byte over the limit
    ck_assert_int_eq(parse(repeated(line, 1)), FTL_ERR_TOO_LARGE);
    ck_assert_str_eq(m.error, "line too long");
    line[FTL_MANIFEST_LINE_MAX] = '\0'; // exactly the limit: fine so far
    ck_assert_int_eq(parse(repeated(line, 1)), FTL_ERR_BAD_FORMAT);
    ck_assert_str_eq(m.error, "last service has no end line");
}
END_TEST

START_TEST(a_nul_byte_inside_a_line_is_refused)
{
    static const char text[] = "ftl-manifest 1\nsystem a\0b\nservices 0\n";
    memcpy(buf, text, sizeof(text) - 1);
    ck_assert_int_eq(ftl_manifest_parse(buf, sizeof(text) - 1, &m),
                     FTL_ERR_BAD_FORMAT);
    ck_assert_uint_eq(m.error_line, 2);
}
END_TEST

// Reads a file of tests/spec/good into buf and parses it.
static int parse_file(const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", SPEC_GOOD_DIR, name);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t len = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    ck_assert_uint_lt(len, sizeof(buf));
    return ftl_manifest_parse(buf, len, &m);
}

// The manifests ftl-spec compiled from tests/spec/good (the golden files the
// spec suite compares with) parse, so compiler and parser agree.
START_TEST(compiled_manifests_parse)
{
    static const char *const files[] = {"web.manifest", "minimal.manifest",
                                        "edge.manifest"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        ck_assert_msg(parse_file(files[i]) == 0, "%s:%u: %s", files[i],
                      m.error_line, m.error);
        ck_assert_uint_gt(m.service_count, 0);
    }
}
END_TEST

// Values at the edges (tests/spec/services/edge) survive the trip from
// YAML through ftl-spec to this parser unchanged.
START_TEST(edge_values_survive_compilation)
{
    ck_assert_int_eq(parse_file("edge.manifest"), 0);
    const struct ftl_manifest_service *s = &m.services[0];
    ck_assert_str_eq(s->name, "edge-case_name_of_31_chars_xyz");
    ck_assert_uint_eq(s->memory, 64ull << 30);
    ck_assert_uint_eq(s->handles, 65536);
    ck_assert_uint_eq(s->devices[0].vendor, 0xffff);
    ck_assert_uint_eq(s->devices[0].device, 0);
    ck_assert_uint_eq(s->devices[0].index, 255);
    ck_assert_uint_eq(s->devices[2].port_base, 0xfff8);
    ck_assert_uint_eq(s->envc, 4);
    ck_assert_str_eq(s->envp[0], "EMPTY=now set");
    ck_assert_str_eq(s->envp[2], "SPACES=  padded  ");
    ck_assert_str_eq(s->envp[3], "NOTHING=");
    ck_assert_uint_eq(s->argc, 4);
    ck_assert_str_eq(s->argv[0], "");
    ck_assert_str_eq(s->argv[1], "  ");
    ck_assert_str_eq(s->argv[2], "x=y z");
    ck_assert_str_eq(s->argv[3], "");
    ck_assert_uint_eq(s->file_count, FTL_MANIFEST_FILES_MAX);
    ck_assert_str_eq(s->files[2], ".hidden/x..y");
    ck_assert_uint_eq(strlen(s->files[15]), FTL_MANIFEST_FILE_PATH_MAX);
}
END_TEST

START_TEST(a_wasm_service_is_spawned_as_one)
{
    ck_assert_int_eq(parse("ftl-manifest 1\nservices 1\nservice pong\n"
                           "binary pong_wasm.elf\nisolation wasm\n"
                           "restart Always\nmemory 4194304\nend\n"),
                     0);
    uint32_t isolation = m.services[0].isolation;
    ck_assert_uint_eq(isolation, FTL_MANIFEST_ISOLATION_WASM);
    ck_assert_str_eq(ftl_manifest_isolation_name(isolation), "wasm");
    ck_assert_uint_eq(ftl_manifest_spawn_isolation(isolation),
                      FTL_ISOLATION_WASM); // the kernel checks its note
    ck_assert_uint_eq(
        ftl_manifest_spawn_isolation(FTL_MANIFEST_ISOLATION_USER),
        FTL_ISOLATION_USER);
    ck_assert_uint_eq(
        ftl_manifest_spawn_isolation(FTL_MANIFEST_ISOLATION_KERNEL),
        FTL_ISOLATION_KERNEL);
    ck_assert_str_eq(ftl_manifest_isolation_name(7), "?");
}
END_TEST

Suite *unit_suite(void)
{
    Suite *s = suite_create("manifest");
    TCase *t = tcase_create("parse");
    tcase_add_test(t, every_field_is_read);
    tcase_add_test(t, providers_are_found_by_name_then_by_provides);
    tcase_add_test(t, an_empty_system_is_valid);
    tcase_add_loop_test(t, malformed_manifests_name_the_line, 0,
                        sizeof(bad) / sizeof(bad[0]));
    tcase_add_test(t, limits_are_enforced_not_overrun);
    tcase_add_test(t, a_nul_byte_inside_a_line_is_refused);
    tcase_add_test(t, compiled_manifests_parse);
    tcase_add_test(t, edge_values_survive_compilation);
    tcase_add_test(t, a_wasm_service_is_spawned_as_one);
    suite_add_tcase(s, t);
    return s;
}
