// Calling ftl-spec and reading what it wrote (spec.h).
#include "spec.h"

#include "exitcode.h"
#include "files.h"
#include "output.h"
#include "proc.h"
#include "sdk.h"
#include "text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Runs ftl-spec with cwd = the project root, so that its messages name
// files as the user sees them. extra is NULL-terminated.
static int spec_run(const struct project *p, char **extra, char **capture)
{
    char *argv[24];
    int n = 0;
    argv[n++] = sdk_path("bin/ftl-spec");
    argv[n++] = extra[0];
    argv[n++] = "-I";
    argv[n++] = "services";
    argv[n++] = "-I";
    argv[n++] = "tests";
    argv[n++] = "-I";
    argv[n++] = sdk_path("base/services");
    for (char **e = extra + 1; *e != NULL && n < 23; e++) {
        argv[n++] = *e;
    }
    argv[n] = NULL;
    struct proc_options opt = {.cwd = p->root, .capture = capture};
    int status = proc_run(argv, &opt);
    if (status < 0 || status == 127) {
        return out_error(EXIT_ENV, "run `ftl doctor`", "cannot run %s",
                         argv[0]);
    }
    if (status == 1) {
        return out_error(EXIT_SPEC, "fix the spec errors listed above",
                         "the specs have errors");
    }
    if (status != 0) {
        return out_error(EXIT_FAILED, NULL, "ftl-spec %s failed (status %d)",
                         extra[0], status);
    }
    return 0;
}

int spec_compile(const struct project *p, const char *ftl_yaml,
                 const char *manifest)
{
    char *extra[] = {"compile", "-d", str_printf("%s.d", manifest), "-o",
                     (char *)manifest, (char *)ftl_yaml, NULL};
    if (dir_create(path_dir(manifest)) < 0) {
        return out_error(EXIT_FAILED, NULL, "cannot create %s: %s",
                         path_dir(manifest), strerror(errno));
    }
    return spec_run(p, extra, NULL);
}

// Applies one `KEY VALUE` line of `ftl-spec settings` to *s.
static void settings_line(char *line, struct settings *s)
{
    char *value = strchr(line, ' ');
    if (value == NULL) {
        return;
    }
    *value++ = '\0';
    if (strcmp(line, "system") == 0) {
        s->system = value;
    } else if (strcmp(line, "kernel.cmdline") == 0) {
        s->cmdline = value;
    } else if (strcmp(line, "run.memory") == 0) {
        s->memory_mib = strtoul(value, NULL, 10) >> 20;
    } else if (strcmp(line, "deploy.gce.project") == 0) {
        s->gce_project = value[0] != '\0' ? value : NULL;
    } else if (strcmp(line, "deploy.gce.zone") == 0) {
        s->gce_zone = value;
    } else if (strcmp(line, "deploy.gce.machineType") == 0) {
        s->gce_machine_type = value;
    } else if (strcmp(line, "deploy.gce.image") == 0) {
        s->gce_image = value[0] != '\0' ? value : NULL;
    } else if (strcmp(line, "deploy.gce.region") == 0) {
        s->gce_region = value[0] != '\0' ? value : NULL;
    } else if (strcmp(line, "deploy.gce.replicas") == 0) {
        s->gce_replicas = strtoul(value, NULL, 10);
    } else if (strcmp(line, "deploy.gce.loadBalancer") == 0) {
        s->gce_load_balancer = value;
    } else if (strcmp(line, "deploy.gce.healthPath") == 0) {
        s->gce_health_path = value;
    } else if (strcmp(line, "tls.certificate") == 0) {
        s->tls_certificate = value;
    } else if (strcmp(line, "tls.key") == 0) {
        s->tls_key = value;
    } else if (strcmp(line, "tls.ca") == 0) {
        s->tls_ca = value;
    } else if (strcmp(line, "run.port") == 0 &&
               s->port_count < SETTINGS_PORTS_MAX) {
        struct port *port = &s->ports[s->port_count];
        char proto[8];
        if (sscanf(value, "%7s %u %u", proto, &port->host, &port->guest) ==
            3) {
            port->udp = strcmp(proto, "udp") == 0;
            s->port_count++;
        }
    }
}

int spec_settings(const struct project *p, const char *ftl_yaml,
                  struct settings *s)
{
    char *extra[] = {"settings", (char *)ftl_yaml, NULL};
    char *text = NULL;
    *s = (struct settings){.cmdline = "", .memory_mib = 128};
    int err = spec_run(p, extra, &text);
    if (err != 0) {
        return err;
    }
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        settings_line(line, s);
    }
    return 0;
}

int spec_manifest_read(const char *path, struct ftl_manifest *m)
{
    char *text = file_read(path);
    if (text == NULL) {
        return out_error(EXIT_FAILED, "run `ftl build`", "cannot read %s: %s",
                         path, strerror(errno));
    }
    if (ftl_manifest_parse(text, strlen(text), m) < 0) {
        return out_error(EXIT_FAILED, "report this: ftl-spec wrote it",
                         "%s:%u: %s", path, m->error_line, m->error);
    }
    return 0;
}
