// The supervisor: the first process. It reads the boot manifest that
// ftl-spec compiled from the specs, starts the services in dependency
// order, each with a channel to itself, and from then on connects them to
// each other (only as their specs allow), grants them their devices,
// restarts them per their restart policy and reports status. See
// docs/concepts/specs.md.
#include <stdio.h>
#include <stdlib.h>

#include <ftl/error.h>
#include <ftl/log.h>
#include <ftl/manifest.h>
#include <ftl/process.h>

#include "routing.h"
#include "service.h"

#define MANIFEST_PATH "boot.manifest"
#define MANIFEST_SIZE_MAX (64 * 1024)

static char manifest_text[MANIFEST_SIZE_MAX];
static struct ftl_manifest manifest;

static int load_manifest(void)
{
    long len = ftl_initfs_read(MANIFEST_PATH, 0, manifest_text,
                               sizeof(manifest_text));
    if (len < 0) {
        FTL_LOG_ERROR("cannot read %s: %s", MANIFEST_PATH,
                      ftl_error_str((int)len));
        return (int)len;
    }
    if (len == (long)sizeof(manifest_text)) {
        FTL_LOG_ERROR("%s is over %d bytes", MANIFEST_PATH, MANIFEST_SIZE_MAX);
        return FTL_ERR_TOO_LARGE;
    }
    int err = ftl_manifest_parse(manifest_text, (size_t)len, &manifest);
    if (err < 0) {
        FTL_LOG_ERROR("%s:%u: %s", MANIFEST_PATH, manifest.error_line,
                      manifest.error);
    }
    return err;
}

int main(void)
{
    if (load_manifest() < 0) {
        return 1;
    }
    supervisor.manifest = &manifest;
    supervisor.loop = ftl_loop_create();
    supervisor.server =
        supervisor.loop != NULL
            ? ftl_server_create(supervisor.loop, &routing_ops, NULL)
            : NULL;
    if (supervisor.server == NULL) {
        FTL_LOG_ERROR("out of memory");
        return 1;
    }
    supervisor.count = manifest.service_count;
    unsigned running = 0;
    for (unsigned i = 0; i < manifest.service_count; i++) {
        struct service *s = &supervisor.services[i];
        s->spec = &manifest.services[i];
        int err = service_start(s);
        if (err < 0) {
            FTL_LOG_ERROR("cannot start %s: %s", s->spec->name,
                          ftl_error_str(err));
            service_start_failed(s, err);
        } else {
            running++;
        }
    }
    printf("system ready: %u services running\n", running);
    int status = ftl_loop_run(supervisor.loop);
    FTL_LOG_INFO("no service left to supervise");
    return status;
}
