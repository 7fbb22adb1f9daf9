// Fuzz target: the boot manifest parser (sdk/lib/manifest.c) that the
// supervisor runs on the initfs's boot.manifest. The input is the
// manifest text, in a writable heap block of exactly its size (the parser
// cuts it into lines in place). A parse that succeeds must leave every
// string inside that block and every count within its array; one that
// fails must say where and why.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ftl/error.h>
#include <ftl/manifest.h>

static struct ftl_manifest manifest; // 20 KiB: not on the stack

// A string the manifest holds: inside the text, or one of the parser's
// own "" defaults, and NUL-terminated before the end of the text.
static void string_check(const char *s, const char *text, size_t len)
{
    if (s == NULL) {
        abort();
    }
    if (s < text || s >= text + len) {
        if (*s != '\0') {
            abort();
        }
        return;
    }
    if (memchr(s, '\0', len - (size_t)(s - text)) == NULL) {
        abort();
    }
}

static void strings_check(const char *const *list, unsigned count, unsigned max,
                          const char *text, size_t len)
{
    if (count > max) {
        abort();
    }
    for (unsigned i = 0; i < count; i++) {
        string_check(list[i], text, len);
    }
}

static void service_check(const struct ftl_manifest *m,
                          const struct ftl_manifest_service *svc,
                          const char *text, size_t len)
{
    string_check(svc->name, text, len);
    string_check(svc->binary, text, len);
    strings_check(svc->requires, svc->requires_count, FTL_MANIFEST_REQUIRES_MAX,
                  text, len);
    strings_check(svc->provides, svc->provides_count, FTL_MANIFEST_REQUIRES_MAX,
                  text, len);
    strings_check(svc->files, svc->file_count, FTL_MANIFEST_FILES_MAX, text,
                  len);
    strings_check(svc->argv, svc->argc, FTL_MANIFEST_ARGS_MAX, text, len);
    strings_check(svc->envp, svc->envc, FTL_MANIFEST_ENV_MAX, text, len);
    if (svc->device_count > FTL_MANIFEST_DEVICES_MAX || svc->memory == 0) {
        abort();
    }
    for (unsigned i = 0; i < svc->file_count; i++) {
        if (!ftl_manifest_file_path_ok(svc->files[i])) {
            abort();
        }
    }
    // The supervisor looks up every name a service requires.
    for (unsigned i = 0; i < svc->requires_count; i++) {
        int at = ftl_manifest_provider(m, svc->requires[i]);
        if (at < -1 || at >= (int)m->service_count) {
            abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size != 0 ? size : 1);
    memcpy(text, data, size);
    int err = ftl_manifest_parse(text, size, &manifest);
    if (err == 0) {
        string_check(manifest.system, text, size);
        string_check(manifest.cmdline, text, size);
        if (manifest.service_count > FTL_MANIFEST_SERVICES_MAX) {
            abort();
        }
        for (unsigned i = 0; i < manifest.service_count; i++) {
            service_check(&manifest, &manifest.services[i], text, size);
        }
    } else if ((err != FTL_ERR_BAD_FORMAT && err != FTL_ERR_TOO_LARGE) ||
               manifest.error == NULL || manifest.error_line == 0) {
        abort();
    }
    free(text);
    return 0;
}
