// ftl new NAME [--template T] [--isolation M]: a project folder that builds
// and runs as created (templates/README.md says how templates combine).
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "sdk.h"
#include "template.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: ftl new NAME [--template service|driver|http|https|tcp-echo]\n"
    "                    [--isolation user|kernel|wasm]\n\n"
    "Creates the folder NAME with a project: ftl.yaml, services/NAME/\n"
    "(main.c, service.yaml, Makefile), tests/, README.md, .gitignore.\n"
    "It builds and runs as created. Nothing is overwritten.\n\n"
    "  --template T  service  a service that answers READ, with a test (default)\n"
    "                driver   a PCI driver for QEMU's edu device (1234:11e8)\n"
    "                http     an HTTP server on port 80, on 127.0.0.1:8080\n"
    "                https    an HTTPS server on port 443, on localhost:8443\n"
    "                tcp-echo a TCP echo server on port 7, on 127.0.0.1:7007\n"
    "  --isolation M the service's isolation: user (default), kernel, or\n"
    "                wasm (WebAssembly, sandboxed in kernel mode; not for a\n"
    "                driver)\n"
    "  -h, --help    this help\n\n"
    "NAME: a lowercase letter, then lowercase letters, digits, '_' or '-',\n"
    "at most 31 characters (it also names the system and its first service).\n";

static int template_check(const char *name)
{
    // The templates that are parts of a project, for ftl generate.
    static const char *const parts[] = {"project", "test",  "handler",
                                        "client",  "route", "resource",
                                        NULL};
    bool part = false;
    for (const char *const *p = parts; *p != NULL; p++) {
        part = part || strcmp(*p, name) == 0;
    }
    if (!part && path_is_dir(sdk_path(str_printf("templates/%s", name)))) {
        return 0;
    }
    return out_usage_error(usage, "unknown template \"%s\"", name);
}

int cmd_new(int argc, char **argv)
{
    static const struct option options[] = {
        {"template", required_argument, NULL, 't'},
        {"isolation", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *template = "service", *isolation = "user";
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "ht:i:", options, NULL)) != -1) {
        if (c == 't') {
            template = optarg;
        } else if (c == 'i') {
            isolation = optarg;
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        return out_usage_error(usage, optind == argc ? "give the project a NAME"
                                                     : "one NAME only");
    }
    const char *name = argv[optind];
    if (!name_is_valid(name)) {
        return out_error(EXIT_USAGE,
                         "use a lowercase letter, then lowercase letters, "
                         "digits, '_' or '-' (at most 31)",
                         "\"%s\" is not a valid name", name);
    }
    int err = template_check(template);
    if (err != 0) {
        return err;
    }
    if (strcmp(isolation, "user") != 0 && strcmp(isolation, "kernel") != 0 &&
        strcmp(isolation, "wasm") != 0) {
        return out_usage_error(usage, "unknown isolation \"%s\"", isolation);
    }
    if (strcmp(isolation, "wasm") == 0 && strcmp(template, "driver") == 0) {
        return out_error(EXIT_USAGE,
                         "a device's DMA reaches all memory, so no sandbox "
                         "holds a driver: use user (docs/guides/wasm.md)",
                         "a driver cannot be a wasm service");
    }
    if (path_exists(name)) {
        return out_error(EXIT_REFUSED, "choose another name, or remove it",
                         "%s already exists", name);
    }
    char *test = str_printf("%s_test", name);
    const char *vars[] = {"name",    name,    "ident",   str_ident(name),
                          "service", name,    "service_ident", str_ident(name),
                          "vendor",  "1234",  "device",  "11e8",
                          "version", sdk_version(), "isolation", isolation,
                          NULL};
    static struct plan plan;
    plan.dest = name;
    if ((err = plan_add_template(&plan, "project", vars)) != 0 ||
        (err = plan_add_template(&plan, template, vars)) != 0) {
        return err;
    }
    if (strcmp(template, "service") == 0) {
        vars[1] = test; // the test's name; service stays the project's
        vars[3] = str_ident(test);
        if ((err = plan_add_template(&plan, "test", vars)) != 0) {
            return err;
        }
    }
    if ((err = plan_write(&plan)) != 0) {
        return err;
    }
    out_ok("created %s from the %s template", name, template);
    out_info("next: cd %s && ftl run      (or: ftl build, ftl test, ftl dev)",
             name);
    return EXIT_OK;
}
