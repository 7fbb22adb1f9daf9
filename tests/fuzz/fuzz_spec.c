// Fuzz target: the spec compiler (tools/ftl-spec), on a service.yaml or an
// ftl.yaml that a developer wrote. The input is the file; it is written to
// a scratch file and read as `ftl-spec check` reads it (libyaml, then the
// compiler's own checks), with service names looked up in the source
// tree's apps/ and os/services/ (the runner starts in the repository
// root). The oracle beyond the sanitizers: a System that checks clean
// compiles into a manifest that the OS's own parser (sdk/lib/manifest.c)
// accepts with the same services, since a manifest the compiler wrote must
// always boot.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ftl/manifest.h>

#include "claims.h"
#include "diag.h"
#include "manifest_out.h"
#include "object.h"
#include "pool.h"
#include "system.h"

static const char *const search_dirs[] = {"apps", "os/services"};
static const struct search_path search = {search_dirs, 2};
static char spec_file[] = "/tmp/ftl-fuzz-spec-XXXXXX";
static struct system sys;          // about 100 KiB: not on the stack
static struct ftl_manifest parsed; // likewise
static FILE *devnull;

static void spec_file_remove(void)
{
    remove(spec_file);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    int fd = mkstemp(spec_file);
    if (fd < 0) {
        perror("fuzz_spec: mkstemp");
        exit(1);
    }
    close(fd);
    atexit(spec_file_remove);
    devnull = fopen("/dev/null", "w");
    if (devnull == NULL) {
        exit(1);
    }
    return 0;
}

static void spec_write(const uint8_t *data, size_t size)
{
    FILE *f = fopen(spec_file, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        perror("fuzz_spec: writing the spec");
        exit(1);
    }
}

// The supervisor starts services in manifest order, so every name a
// service requires must be served by one listed before it (or be the
// supervisor itself).
static void start_order_check(void)
{
    for (unsigned i = 0; i < parsed.service_count; i++) {
        const struct ftl_manifest_service *svc = &parsed.services[i];
        for (unsigned j = 0; j < svc->requires_count; j++) {
            const char *name = svc->requires[j];
            int at = ftl_manifest_provider(&parsed, name);
            if (strcmp(name, FTL_SUPERVISOR_NAME) != 0 &&
                (at < 0 || (unsigned)at >= i)) {
                fprintf(stderr,
                        "fuzz_spec: %s requires %s, served by "
                        "service %d of the manifest\n",
                        svc->name, name, at);
                abort();
            }
        }
    }
}

// Compiles the checked system and parses the result as the supervisor does.
static void manifest_round_trip(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f == NULL) {
        exit(1);
    }
    manifest_write(f, &sys);
    fclose(f);
    if (ftl_manifest_parse(text, len, &parsed) != 0 ||
        parsed.service_count != sys.service_count) {
        fprintf(stderr, "fuzz_spec: the manifest does not parse: %u: %s\n",
                parsed.error_line, parsed.error ? parsed.error : "");
        abort();
    }
    start_order_check();
    free(text);
}

// Checks the spec file as `ftl-spec check` does, then releases everything
// as its exit does. Returns how many errors were reported.
static unsigned spec_check(void)
{
    unsigned errors_before = diag_count();
    struct ydoc *d = ydoc_load(spec_file);
    if (d != NULL) {
        memset(&sys, 0, sizeof(sys));
        const char *kind = object_kind(d);
        if (kind != NULL && strcmp(kind, "System") == 0) {
            system_read(d, &search, &sys);
            if (diag_count() == errors_before) {
                manifest_round_trip();
                settings_print(devnull, &sys.settings); // coverage only
            }
        } else {
            struct service *svc = &sys.services[0];
            service_read(d, svc);
            claims_check(svc, svc->name != NULL ? 1 : 0);
        }
    }
    unsigned errors = diag_count() - errors_before;
    diag_flush();
    ydoc_free_all();
    pool_free_all();
    return errors;
}

// Each input is checked twice: the second check must find what the first
// did, which catches state that outlives a run (as diag.c's file names
// once did: every crash input of that bug then fails on its own).
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    spec_write(data, size);
    if (spec_check() != spec_check()) {
        fprintf(stderr, "fuzz_spec: a second check gives other errors\n");
        abort();
    }
    return 0;
}
