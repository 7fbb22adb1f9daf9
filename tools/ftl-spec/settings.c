// spec.kernel, spec.run, spec.deploy and spec.tls of ftl.yaml.
#include "settings.h"

#include "path.h"

#include <ftl/manifest.h>

#include <stdlib.h>
#include <string.h>

static void kernel_read(struct ydoc *d, yaml_node_t *node, struct settings *s)
{
    static const char *const keys[] = {"cmdline"};
    yaml_node_t *cmdline;
    if (ymap_fields(d, node, "spec.kernel", keys, 1, &cmdline) &&
        cmdline != NULL) {
        const char *text = ytext(d, cmdline, "spec.kernel.cmdline",
                                 FTL_MANIFEST_LINE_MAX - strlen("cmdline "));
        if (text != NULL) {
            s->cmdline = text;
        }
    }
}

// "8080:80" or "5353:53/udp" -> *out; false if malformed.
static bool port_parse(const char *text, struct port_forward *out)
{
    char *end;
    unsigned long host = strtoul(text, &end, 10);
    if (end == text || *end != ':' || host == 0 || host > 65535 ||
        text[0] == '+' || text[0] == '-' || text[0] == ' ') {
        return false;
    }
    const char *guest_text = end + 1;
    unsigned long guest = strtoul(guest_text, &end, 10);
    if (end == guest_text || guest == 0 || guest > 65535 ||
        strchr("0123456789", guest_text[0]) == NULL) {
        return false;
    }
    if (strcmp(end, "") == 0 || strcmp(end, "/tcp") == 0) {
        out->protocol = "tcp";
    } else if (strcmp(end, "/udp") == 0) {
        out->protocol = "udp";
    } else {
        return false;
    }
    out->host = (unsigned)host;
    out->guest = (unsigned)guest;
    return true;
}

static void ports_read(struct ydoc *d, yaml_node_t *list, struct settings *s)
{
    const char *field = "spec.run.ports";
    if (!yexpect_list(d, list, field)) {
        return;
    }
    for (yaml_node_item_t *it = list->data.sequence.items.start;
         it < list->data.sequence.items.top; it++) {
        const char *item_field =
            field_index(field, (size_t)(it - list->data.sequence.items.start));
        yaml_node_t *item = ydoc_node(d, *it);
        const char *text = yscalar(d, item, item_field);
        struct port_forward port;
        if (text == NULL) {
            continue;
        }
        if (!port_parse(text, &port)) {
            diag_error(ydoc_loc(d, item, item_field),
                       "bad port %s: expected \"HOST:GUEST\" with ports from "
                       "1 to 65535, optionally followed by /tcp or /udp",
                       ydoc_quote(text));
            continue;
        }
        bool taken = false;
        for (unsigned i = 0; i < s->port_count; i++) {
            taken |= s->ports[i].host == port.host &&
                     strcmp(s->ports[i].protocol, port.protocol) == 0;
        }
        if (taken) {
            diag_error(ydoc_loc(d, item, item_field),
                       "host port %u/%s is forwarded twice", port.host,
                       port.protocol);
        } else if (s->port_count == SETTINGS_PORTS_MAX) {
            diag_error(ydoc_loc(d, item, item_field),
                       "at most %d forwarded ports", SETTINGS_PORTS_MAX);
        } else {
            s->ports[s->port_count++] = port;
        }
    }
}

static void run_read(struct ydoc *d, yaml_node_t *node, struct settings *s)
{
    static const char *const keys[] = {"ports", "memory"};
    yaml_node_t *v[2];
    if (!ymap_fields(d, node, "spec.run", keys, 2, v)) {
        return;
    }
    if (v[0] != NULL) {
        ports_read(d, v[0], s);
    }
    if (v[1] != NULL) {
        ysize(d, v[1], "spec.run.memory", 16ull << 20, 64ull << 30,
              &s->run_memory);
    }
}

// replicas, loadBalancer and healthPath: how `ftl deploy gce` scales out
// (a managed instance group behind a load balancer, docs/deploy/gce.md).
static void gce_group_read(struct ydoc *d, yaml_node_t **v, struct settings *s)
{
    static const char *const balancers[] = {"http", "tcp"};
    uint64_t replicas;
    int balancer;
    if (v[0] != NULL && yuint(d, v[0], "spec.deploy.gce.replicas",
                              SETTINGS_GCE_REPLICAS_MAX, &replicas)) {
        if (replicas == 0) {
            diag_error(ydoc_loc(d, v[0], "spec.deploy.gce.replicas"),
                       "expected 1 or more replicas, got 0");
        }
        s->gce_replicas = (unsigned)replicas;
    }
    if (v[1] != NULL && yenum(d, v[1], "spec.deploy.gce.loadBalancer",
                              balancers, 2, &balancer)) {
        s->gce_load_balancer = balancers[balancer];
    }
    const char *path =
        v[2] ? ytext(d, v[2], "spec.deploy.gce.healthPath", 255) : NULL;
    if (path != NULL && (path[0] != '/' || strchr(path, ' '))) {
        diag_error(ydoc_loc(d, v[2], "spec.deploy.gce.healthPath"),
                   "expected a path from /, got %s", ydoc_quote(path));
    } else if (path != NULL) {
        s->gce_health_path = path;
    }
}

static void gce_read(struct ydoc *d, yaml_node_t *node, struct settings *s)
{
    static const char *const keys[] = {
        "project", "zone",     "machineType",  "image",
        "region",  "replicas", "loadBalancer", "healthPath"};
    const char **values[] = {&s->gce_project, &s->gce_zone,
                             &s->gce_machine_type, &s->gce_image,
                             &s->gce_region};
    yaml_node_t *v[8];
    s->gce = true;
    if (!ymap_fields(d, node, "spec.deploy.gce", keys, 8, v)) {
        return;
    }
    if (v[0] == NULL) {
        ymap_missing(d, node, "spec.deploy.gce.project");
    }
    for (int i = 0; i < 5; i++) {
        const char *field = field_key("spec.deploy.gce", keys[i]);
        const char *text = v[i] ? ytext(d, v[i], field, 255) : NULL;
        if (text != NULL && (text[0] == '\0' || strchr(text, ' '))) {
            diag_error(ydoc_loc(d, v[i], field), "expected one word, got %s",
                       ydoc_quote(text));
        } else if (text != NULL) {
            *values[i] = text;
        }
    }
    gce_group_read(d, v + 5, s);
}

static void deploy_read(struct ydoc *d, yaml_node_t *node, struct settings *s)
{
    static const char *const keys[] = {"gce"};
    yaml_node_t *gce;
    if (ymap_fields(d, node, "spec.deploy", keys, 1, &gce) && gce != NULL) {
        gce_read(d, gce, s);
    }
}

void settings_read(struct ydoc *d, yaml_node_t *kernel, yaml_node_t *run,
                   yaml_node_t *deploy, const char *system_name,
                   struct settings *out)
{
    *out = (struct settings){
        .cmdline = "",
        .run_memory = SETTINGS_RUN_MEMORY_DEFAULT,
        .gce_zone = SETTINGS_GCE_ZONE_DEFAULT,
        .gce_machine_type = SETTINGS_GCE_MACHINE_TYPE_DEFAULT,
        .gce_image = system_name,
        .gce_load_balancer = "http",
        .gce_health_path = "/",
    };
    if (kernel != NULL) {
        kernel_read(d, kernel, out);
    }
    if (run != NULL) {
        run_read(d, run, out);
    }
    if (deploy != NULL) {
        deploy_read(d, deploy, out);
    }
}

void settings_read_tls(struct ydoc *d, yaml_node_t *node, struct settings *s)
{
    static const char *const keys[] = {"certificate", "key", "ca"};
    const char **values[] = {&s->tls_certificate, &s->tls_key, &s->tls_ca};
    yaml_node_t *v[3];
    if (!ymap_fields(d, node, "spec.tls", keys, 3, v)) {
        return;
    }
    for (int i = 0; i < 3; i++) {
        const char *field = field_key("spec.tls", keys[i]);
        const char *text = v[i] ? ytext(d, v[i], field, 255) : NULL;
        if (text == NULL) {
            continue;
        }
        if (text[0] == '\0' || strchr(text, ' ') || strchr(text, '\n')) {
            diag_error(ydoc_loc(d, v[i], field), "expected a file name, got %s",
                       ydoc_quote(text));
            continue;
        }
        const char *path = path_join(path_dir(d->file), text);
        if (!path_is_file(path)) {
            diag_error(ydoc_loc(d, v[i], field), "%s: no such file", path);
        } else {
            *values[i] = path;
        }
    }
    // A certificate is of no use without its key, nor the other way round.
    if (v[0] != NULL && v[1] == NULL) {
        ymap_missing(d, node, "spec.tls.key");
    } else if (v[1] != NULL && v[0] == NULL) {
        ymap_missing(d, node, "spec.tls.certificate");
    }
}

void settings_print(FILE *f, const struct settings *s)
{
    fprintf(f, "kernel.cmdline %s\n", s->cmdline);
    fprintf(f, "run.memory %llu\n", (unsigned long long)s->run_memory);
    for (unsigned i = 0; i < s->port_count; i++) {
        fprintf(f, "run.port %s %u %u\n", s->ports[i].protocol,
                s->ports[i].host, s->ports[i].guest);
    }
    if (s->gce) {
        fprintf(f, "deploy.gce.project %s\n",
                s->gce_project ? s->gce_project : "");
        fprintf(f, "deploy.gce.zone %s\n", s->gce_zone);
        fprintf(f, "deploy.gce.machineType %s\n", s->gce_machine_type);
        fprintf(f, "deploy.gce.image %s\n", s->gce_image ? s->gce_image : "");
        fprintf(f, "deploy.gce.region %s\n",
                s->gce_region ? s->gce_region : "");
        fprintf(f, "deploy.gce.replicas %u\n", s->gce_replicas);
        fprintf(f, "deploy.gce.loadBalancer %s\n", s->gce_load_balancer);
        fprintf(f, "deploy.gce.healthPath %s\n", s->gce_health_path);
    }
    const char *tls[] = {s->tls_certificate, s->tls_key, s->tls_ca};
    const char *names[] = {"certificate", "key", "ca"};
    for (int k = 0; k < 3; k++) {
        if (tls[k] != NULL) {
            fprintf(f, "tls.%s %s\n", names[k], tls[k]);
        }
    }
}
