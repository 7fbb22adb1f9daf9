// ftl-spec: checks service.yaml and ftl.yaml files and compiles a system
// into its boot manifest. `ftl build` and the top Makefile call it.
//
//   ftl-spec check [-I DIR]... FILE...
//   ftl-spec compile [-I DIR]... [-d DEPFILE] -o MANIFEST FTL_YAML
//   ftl-spec settings [-I DIR]... FTL_YAML
//
// Exit status: 0 when all is well, 1 when a spec has errors (all of them
// are listed on stderr), 2 for a bad command line or an unwritable output.
#include "claims.h"
#include "diag.h"
#include "manifest_out.h"
#include "object.h"
#include "pool.h"
#include "system.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEARCH_DIRS_MAX 16

struct options {
    const char *output;  // -o
    const char *depfile; // -d
    const char *search_dirs[SEARCH_DIRS_MAX];
    struct search_path search;
    char **files;
    int file_count;
};

static const char usage[] =
    "usage: ftl-spec check [-I DIR]... FILE...\n"
    "       ftl-spec compile [-I DIR]... [-d DEPFILE] -o MANIFEST FTL_YAML\n"
    "       ftl-spec settings [-I DIR]... FTL_YAML\n"
    "\n"
    "check     validate service.yaml and ftl.yaml files (a System is checked\n"
    "          with every service it names) and list every error\n"
    "compile   write the boot manifest of a system (docs/reference/"
    "manifest.md)\n"
    "settings  print the host-side settings of a system (kernel command "
    "line,\n"
    "          run and deploy options), one `KEY VALUE` line each\n"
    "\n"
    "-I DIR    look up bare service names in spec.services as "
    "DIR/NAME/service.yaml\n"
    "          (in order; then next to the ftl.yaml)\n"
    "-o FILE   the manifest to write (only when there is no error)\n"
    "-d FILE   also write a make rule: the manifest depends on every spec "
    "read\n";

static int usage_error(const char *why)
{
    fprintf(stderr, "ftl-spec: %s\n%s", why, usage);
    return 2;
}

// Parses the options after the command; false after printing why not.
static bool options_parse(int argc, char **argv, struct options *o)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "I:o:d:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'I':
            if (o->search.count == SEARCH_DIRS_MAX) {
                usage_error("too many -I folders");
                return false;
            }
            o->search_dirs[o->search.count++] = optarg;
            break;
        case 'o':
            o->output = optarg;
            break;
        case 'd':
            o->depfile = optarg;
            break;
        default:
            fputs(usage, stderr);
            return false;
        }
    }
    o->search.dirs = o->search_dirs;
    o->files = argv + optind;
    o->file_count = argc - optind;
    return true;
}

// Reads a system (its errors reported); false if it is unusable.
static bool system_load(const char *file, const struct options *o,
                        struct system *sys)
{
    struct ydoc *d = ydoc_load(file);
    if (d == NULL) {
        return false;
    }
    system_read(d, &o->search, sys);
    return true;
}

static int cmd_check(const struct options *o)
{
    static struct system sys;
    if (o->file_count == 0) {
        return usage_error("check: no file given");
    }
    for (int i = 0; i < o->file_count; i++) {
        struct ydoc *d = ydoc_load(o->files[i]);
        if (d == NULL) {
            continue;
        }
        const char *kind = object_kind(d);
        if (kind != NULL && strcmp(kind, "System") == 0) {
            system_read(d, &o->search, &sys);
        } else {
            struct service *svc = &sys.services[0];
            service_read(d, svc);
            claims_check(svc, svc->name != NULL ? 1 : 0);
        }
    }
    return diag_count() == 0 ? 0 : 1;
}

// Writes through a temporary file, so that a failed run leaves no partial
// output for make to take as up to date.
static bool file_write(const char *path, const struct system *sys,
                       void (*write)(FILE *, const struct system *))
{
    char *tmp = pool_printf("%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        fprintf(stderr, "ftl-spec: cannot write %s: %s\n", tmp,
                strerror(errno));
        return false;
    }
    write(f, sys);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        fprintf(stderr, "ftl-spec: cannot write %s: %s\n", path,
                strerror(errno));
        remove(tmp);
        return false;
    }
    return true;
}

static const char *dep_target;

// "MANIFEST: ftl.yaml a/service.yaml ...", and an empty rule per spec so
// that make does not fail when one is deleted (as gcc -MP does).
static void deps_write(FILE *f, const struct system *sys)
{
    fprintf(f, "%s: ", dep_target);
    system_print_files(f, sys);
    fprintf(f, "\n\n%s:\n", sys->file);
    for (unsigned i = 0; i < sys->service_count; i++) {
        fprintf(f, "%s:\n", sys->services[i].file);
    }
}

static int cmd_compile(const struct options *o)
{
    static struct system sys;
    if (o->file_count != 1) {
        return usage_error("compile: give one ftl.yaml");
    }
    if (o->output == NULL) {
        return usage_error("compile: -o MANIFEST is missing");
    }
    if (!system_load(o->files[0], o, &sys) || diag_count() > 0) {
        return 1;
    }
    if (!file_write(o->output, &sys, manifest_write)) {
        return 2;
    }
    dep_target = o->output;
    if (o->depfile != NULL && !file_write(o->depfile, &sys, deps_write)) {
        return 2;
    }
    return 0;
}

static int cmd_settings(const struct options *o)
{
    static struct system sys;
    if (o->file_count != 1) {
        return usage_error("settings: give one ftl.yaml");
    }
    if (!system_load(o->files[0], o, &sys) || diag_count() > 0) {
        return 1;
    }
    printf("system %s\n", sys.name);
    settings_print(stdout, &sys.settings);
    return 0;
}

static int run(int argc, char **argv)
{
    struct options o = {0};
    if (argc < 2) {
        return usage_error("no command given");
    }
    const char *command = argv[1];
    if (strcmp(command, "--help") == 0 || strcmp(command, "-h") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (!options_parse(argc - 1, argv + 1, &o)) {
        return 2;
    }
    if (strcmp(command, "check") == 0) {
        return cmd_check(&o);
    }
    if (strcmp(command, "compile") == 0) {
        return cmd_compile(&o);
    }
    if (strcmp(command, "settings") == 0) {
        return cmd_settings(&o);
    }
    return usage_error("unknown command");
}

int main(int argc, char **argv)
{
    int status = run(argc, argv);
    diag_flush();
    ydoc_free_all();
    pool_free_all();
    return status;
}
