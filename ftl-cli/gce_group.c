// The replicated deploy (gce_group.h): GCE's own machinery does the
// scaling; this file only names and orders the resources. Instances come
// from an instance template of one image version; a managed instance group
// keeps N of them, recreates one that fails the health check, and replaces
// them all when given a new template (a rolling update: a new instance is
// created and healthy before an old one goes, as max-unavailable 0 and
// max-surge ask). A load balancer sends each request to a healthy
// instance: the global external HTTP one (forwarding rule, proxy, URL map,
// backend service) for HTTP, a regional network one (forwarding rule,
// backend service) for plain TCP.
//
// Templates are immutable, and the group's instances keep using their
// template's image while an update runs, so each image is a version of its
// own, NAME-VERSION, image and template alike; the one the group runs is
// what `describe` says, so no state is kept on the host.
#include "gce_group.h"

#include "exitcode.h"
#include "files.h"
#include "initfs_tar.h"
#include "output.h"
#include "proc.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

#define VERSION_HEX 8                       // of the archive's SHA-256
#define INITIAL_DELAY "--initial-delay=120" // boot before autohealing
#define STABLE_TIMEOUT "--timeout=1200"     // first boots, or an update
#define ZONES_PER_REGION 3 // a regional group's max-surge: one per zone
#define GROUP_KIND "instance-groups managed" // gcloud compute's words

struct group {
    const struct deploy *d;
    char *project;   // --project=P
    char *scope;     // the group's: --zone=Z, or --region=R
    bool http;       // the global HTTP load balancer, else a network one
    char *lb_scope;  // --global, or --region=R of the network LB
    char *lb_region; // that region (of the zone, or --region)
    char *name_group, *version, *health, *backend, *url_map, *proxy, *rule;
    char *health_ref; // the health check as the group names it
};

// A region from a zone: us-central1-a is in us-central1.
static char *zone_region(const char *zone)
{
    char *region = str_printf("%s", zone);
    char *dash = strrchr(region, '-');
    if (dash != NULL) {
        *dash = '\0';
    }
    return region;
}

// NAME-VERSION, VERSION the start of the archive's SHA-256; NULL when the
// archive cannot be read.
static char *version_name(const struct deploy *d)
{
    size_t len = 0;
    char *data = file_read_len(d->tarball, &len);
    if (data == NULL) {
        return NULL;
    }
    char hex[INITFS_TAR_HASH_HEX];
    initfs_hash(data, len, hex);
    hex[VERSION_HEX] = '\0';
    return str_printf("%s-%s", d->name, hex);
}

static void group_names(struct group *g, const struct deploy *d)
{
    g->d = d;
    g->project = str_printf("--project=%s", d->project);
    g->scope = d->region ? str_printf("--region=%s", d->region)
                         : str_printf("--zone=%s", d->zone);
    g->http = strcmp(d->load_balancer, "tcp") != 0;
    g->lb_region = d->region ? (char *)d->region : zone_region(d->zone);
    g->lb_scope =
        g->http ? "--global" : str_printf("--region=%s", g->lb_region);
    g->name_group = str_printf("%s%s", d->name, GCE_GROUP_SUFFIX);
    g->health = str_printf("%s-health", d->name);
    g->backend = str_printf("%s-backend", d->name);
    g->url_map = str_printf("%s-lb", d->name);
    g->proxy = str_printf("%s-proxy", d->name);
    g->rule = str_printf("%s-%s", d->name, g->http ? "http" : "tcp");
    // A network LB's backend service takes a regional health check only;
    // the group then names it by its path, as it would look for a global
    // one by name.
    g->health_ref = g->http
                        ? g->health
                        : str_printf("projects/%s/regions/%s/healthChecks/%s",
                                     d->project, g->lb_region, g->health);
}

static int image_ensure(const struct group *g)
{
    if (gcloud_exists(g->d, "images", g->version, NULL)) {
        out_info("image %s exists: not uploaded again", g->version);
        return 0;
    }
    return gce_image_upload(g->d, g->version);
}

static int template_ensure(const struct group *g)
{
    if (gcloud_exists(g->d, "instance-templates", g->version, NULL)) {
        return 0;
    }
    char *argv[] = {"gcloud",
                    "compute",
                    "instance-templates",
                    "create",
                    g->version,
                    g->project,
                    str_printf("--machine-type=%s", g->d->machine_type),
                    str_printf("--image=%s", g->version),
                    "--metadata=serial-port-enable=TRUE",
                    str_printf("--tags=%s", g->d->name),
                    NULL};
    return gcloud_do(g->d, argv);
}

// The health check on the service's port: GET of health_path answered
// with 200 for HTTP, an accepted connection for TCP. Updated when it
// exists, so that a changed path or port takes effect.
static int health_check_apply(const struct group *g)
{
    const char *scope = g->http ? "--global" : g->lb_scope;
    bool exists = gcloud_exists(g->d, "health-checks", g->health, scope);
    char *argv[] = {
        "gcloud", "compute", "health-checks", exists ? "update" : "create",
        g->http ? "http" : "tcp", g->health, g->project, (char *)scope,
        str_printf("--port=%u", g->d->url_port),
        // The guest answers in milliseconds; two misses in a
        // row (10 s) take an instance out of the balancer.
        "--check-interval=5s", "--timeout=5s", "--healthy-threshold=2",
        "--unhealthy-threshold=2",
        g->http ? str_printf("--request-path=%s", g->d->health_path) : NULL,
        NULL};
    return gcloud_do(g->d, argv);
}

static int group_create(const struct group *g)
{
    char *create[] = {"gcloud",
                      "compute",
                      "instance-groups",
                      "managed",
                      "create",
                      g->name_group,
                      g->project,
                      g->scope,
                      str_printf("--template=%s", g->version),
                      str_printf("--size=%u", g->d->replicas),
                      str_printf("--base-instance-name=%s", g->d->name),
                      str_printf("--health-check=%s", g->health_ref),
                      INITIAL_DELAY,
                      NULL};
    // The HTTP load balancer's backend service finds the port by name.
    char *ports[] = {"gcloud",
                     "compute",
                     "instance-groups",
                     "managed",
                     "set-named-ports",
                     g->name_group,
                     g->project,
                     g->scope,
                     str_printf("--named-ports=http:%u", g->d->url_port),
                     NULL};
    int err = gcloud_do(g->d, create);
    return err != 0 ? err : gcloud_do(g->d, ports);
}

// Replaces every instance with one of the new template: a new one first,
// the old one deleted only when the new one is healthy.
static int group_update(const struct group *g)
{
    char *argv[] = {
        "gcloud",
        "compute",
        "instance-groups",
        "managed",
        "rolling-action",
        "start-update",
        g->name_group,
        g->project,
        g->scope,
        str_printf("--version=template=%s", g->version),
        "--max-unavailable=0",
        str_printf("--max-surge=%d", g->d->region ? ZONES_PER_REGION : 1),
        NULL};
    return gcloud_do(g->d, argv);
}

static int group_resize(const struct group *g)
{
    char *argv[] = {
        "gcloud",   "compute", "instance-groups",
        "managed",  "resize",  g->name_group,
        g->project, g->scope,  str_printf("--size=%u", g->d->replicas),
        NULL};
    return gcloud_do(g->d, argv);
}

// Autoscaling from replicas to max_replicas instances, on CPU or, through
// the HTTP load balancer, on requests per second per instance (the
// backend's max rate, which add-backend set).
static int group_autoscale(const struct group *g)
{
    const struct deploy *d = g->d;
    char *argv[] = {
        "gcloud",
        "compute",
        "instance-groups",
        "managed",
        "set-autoscaling",
        g->name_group,
        g->project,
        g->scope,
        str_printf("--min-num-replicas=%u", d->replicas),
        str_printf("--max-num-replicas=%u", d->max_replicas),
        d->autoscale_cpu
            ? str_printf("--target-cpu-utilization=%s", d->autoscale_cpu)
            : "--target-load-balancing-utilization=0.8",
        NULL};
    return gcloud_do(d, argv);
}

static int group_wait(const struct group *g)
{
    char *argv[] = {"gcloud",       "compute",    "instance-groups",
                    "managed",      "wait-until", g->name_group,
                    g->project,     g->scope,     "--stable",
                    STABLE_TIMEOUT, NULL};
    return gcloud_do(g->d, argv);
}

// The template the group runs, NULL when there is no group (or in a dry
// run, which assumes a first deploy).
static char *group_template(const struct group *g)
{
    if (g->d->dry_run) {
        return NULL;
    }
    char *argv[] = {
        "gcloud",   "compute",  "instance-groups",
        "managed",  "describe", g->name_group,
        g->project, g->scope,   "--format=value(instanceTemplate.basename())",
        NULL};
    return gcloud_read(g->d, argv, NULL);
}

// The group at the new version and size; *old gets the version it ran
// before, when it changed.
static int group_apply(const struct group *g, char **old)
{
    const struct deploy *d = g->d;
    bool autoscaled = d->autoscale_cpu != NULL || d->autoscale_rps != 0;
    char *running = group_template(g);
    int err = 0;
    *old = NULL;
    if (running == NULL) {
        err = group_create(g);
    } else if (strcmp(running, g->version) != 0) {
        *old = running;
        err = group_update(g);
    } else {
        out_info("%s already runs %s", g->name_group, g->version);
    }
    if (err == 0 && running != NULL && d->replicas_given && !autoscaled) {
        err = group_resize(g);
    }
    if (err == 0 && autoscaled) {
        err = group_autoscale(g);
    }
    return err != 0 ? err : group_wait(g);
}

// Runs describe-then-create for one load balancer part: created only when
// missing, so a deploy that failed half-way completes on the next one.
static int part_ensure(const struct group *g, const char *kind,
                       const char *name, char **create)
{
    if (gcloud_exists(g->d, kind, name, g->lb_scope)) {
        return 0;
    }
    return gcloud_do(g->d, create);
}

static int backend_create(const struct group *g)
{
    char *argv[] = {"gcloud",
                    "compute",
                    "backend-services",
                    "create",
                    g->backend,
                    g->project,
                    g->lb_scope,
                    g->http ? "--protocol=HTTP" : "--protocol=TCP",
                    "--load-balancing-scheme=EXTERNAL",
                    str_printf("--health-checks=%s", g->health),
                    g->http
                        ? "--port-name=http"
                        : str_printf("--health-checks-region=%s", g->lb_region),
                    NULL};
    return gcloud_do(g->d, argv);
}

static int backend_add(const struct group *g)
{
    const struct deploy *d = g->d;
    char *argv[] = {
        "gcloud",
        "compute",
        "backend-services",
        "add-backend",
        g->backend,
        g->project,
        g->lb_scope,
        str_printf("--instance-group=%s", g->name_group),
        d->region ? str_printf("--instance-group-region=%s", d->region)
                  : str_printf("--instance-group-zone=%s", d->zone),
        !g->http           ? "--balancing-mode=CONNECTION"
        : d->autoscale_rps ? "--balancing-mode=RATE"
                           : "--balancing-mode=UTILIZATION",
        d->autoscale_rps && g->http
            ? str_printf("--max-rate-per-instance=%u", d->autoscale_rps)
            : NULL,
        NULL};
    return gcloud_do(d, argv);
}

static int http_frontend_ensure(const struct group *g)
{
    char *url_map[] = {
        "gcloud",   "compute",
        "url-maps", "create",
        g->url_map, g->project,
        "--global", str_printf("--default-service=%s", g->backend),
        NULL};
    char *proxy[] = {"gcloud",
                     "compute",
                     "target-http-proxies",
                     "create",
                     g->proxy,
                     g->project,
                     "--global",
                     str_printf("--url-map=%s", g->url_map),
                     NULL};
    char *rule[] = {"gcloud",
                    "compute",
                    "forwarding-rules",
                    "create",
                    g->rule,
                    g->project,
                    "--global",
                    "--load-balancing-scheme=EXTERNAL",
                    str_printf("--target-http-proxy=%s", g->proxy),
                    "--ports=80",
                    NULL};
    int err = part_ensure(g, "url-maps", g->url_map, url_map);
    if (err == 0) {
        err = part_ensure(g, "target-http-proxies", g->proxy, proxy);
    }
    return err != 0 ? err : part_ensure(g, "forwarding-rules", g->rule, rule);
}

static int tcp_frontend_ensure(const struct group *g)
{
    char *rule[] = {"gcloud",
                    "compute",
                    "forwarding-rules",
                    "create",
                    g->rule,
                    g->project,
                    g->lb_scope,
                    "--load-balancing-scheme=EXTERNAL",
                    "--ip-protocol=TCP",
                    str_printf("--backend-service=%s", g->backend),
                    str_printf("--ports=%u", g->d->url_port),
                    NULL};
    return part_ensure(g, "forwarding-rules", g->rule, rule);
}

static int balancer_ensure(const struct group *g)
{
    bool existed =
        gcloud_exists(g->d, "backend-services", g->backend, g->lb_scope);
    // The group becomes the backend once, when the service is new:
    // add-backend fails for a group that already is one.
    int err = existed ? 0 : backend_create(g);
    if (err == 0 && !existed) {
        err = backend_add(g);
    }
    if (err != 0) {
        return err;
    }
    return g->http ? http_frontend_ensure(g) : tcp_frontend_ensure(g);
}

// One resource to delete: gcloud's KIND words and its scope flag.
struct doomed {
    const char *kind; // "compute KIND" as gcloud names it
    char *name;
    const char *scope;
};

static int doomed_delete(const struct deploy *d, const struct doomed *x)
{
    if (x->name == NULL || !gcloud_exists(d, x->kind, x->name, x->scope)) {
        return 0;
    }
    char *argv[10];
    int n = 0;
    argv[n++] = "gcloud";
    argv[n++] = "compute";
    if (strcmp(x->kind, GROUP_KIND) == 0) {
        argv[n++] = "instance-groups";
        argv[n++] = "managed";
    } else {
        argv[n++] = (char *)x->kind;
    }
    argv[n++] = "delete";
    argv[n++] = x->name;
    argv[n++] = str_printf("--project=%s", d->project);
    if (x->scope != NULL) {
        argv[n++] = (char *)x->scope;
    }
    argv[n++] = "--quiet";
    argv[n] = NULL;
    return gcloud_do(d, argv);
}

// Removes the upload gs://BUCKET/IMAGE.tar.gz when it is there.
static int upload_delete(const struct deploy *d, const char *image)
{
    char *object = str_printf("gs://%s/%s.tar.gz", d->bucket, image);
    char *describe[] = {"gcloud",   "storage", "objects",
                        "describe", object,    NULL};
    char *out = NULL;
    struct proc_options opt = {.capture = &out, .err_log = "/dev/null"};
    if (!d->dry_run && proc_run(describe, &opt) != 0) {
        return 0;
    }
    char *rm[] = {"gcloud", "storage", "rm", object, NULL};
    return gcloud_do(d, rm);
}

// After a rolling update: the version no instance uses any more, each
// part if it is there (a failed deploy may have left it half made).
static int version_delete(const struct group *g, char *old)
{
    const struct doomed template = {"instance-templates", old, NULL};
    const struct doomed image = {"images", old, NULL};
    int err = doomed_delete(g->d, &template);
    if (err == 0) {
        err = doomed_delete(g->d, &image);
    }
    return err != 0 ? err : upload_delete(g->d, old);
}

static int address_print(const struct group *g)
{
    char *argv[] = {
        "gcloud", "compute",  "forwarding-rules", "describe",
        g->rule,  g->project, g->lb_scope,        "--format=value(IPAddress)",
        NULL};
    char *ip = gcloud_read(g->d, argv, "LB_ADDRESS");
    if (ip == NULL) {
        return out_error(EXIT_FAILED,
                         "see `gcloud compute forwarding-rules list`",
                         "cannot read %s's address", g->rule);
    }
    const struct deploy *d = g->d;
    out_ok("deployed %s: %u replicas of %s behind %s", d->name, d->replicas,
           g->version, ip);
    if (g->http) {
        printf("http://%s/\n", ip);
    } else {
        printf("%s:%u (tcp)\n", ip, d->url_port);
    }
    out_info("serial consoles: ftl logs gce %s --group %s %s", d->name,
             d->region ? "--region" : "--zone",
             d->region ? d->region : d->zone);
    return 0;
}

int gce_group_deploy(const struct deploy *d)
{
    struct group g;
    group_names(&g, d);
    if (d->url_port == 0) {
        return out_error(EXIT_USAGE, "add the service's port to spec.run.ports",
                         "a group needs a TCP port to check and balance");
    }
    g.version = version_name(d);
    if (g.version == NULL) {
        return out_error(EXIT_FAILED, NULL, "cannot read %s", d->tarball);
    }
    char *old = NULL;
    int err = image_ensure(&g);
    if (err == 0) {
        err = template_ensure(&g);
    }
    if (err == 0) {
        err = gce_firewall_open(d);
    }
    if (err == 0) {
        err = health_check_apply(&g);
    }
    if (err == 0) {
        err = group_apply(&g, &old);
    }
    if (err == 0) {
        err = balancer_ensure(&g);
    }
    if (err == 0 && old != NULL) {
        err = version_delete(&g, old);
    }
    return err != 0 ? err : address_print(&g);
}

int gce_group_delete(const struct deploy *d)
{
    struct group g;
    group_names(&g, d);
    char *region = str_printf("--region=%s", g.lb_region);
    char *zone = str_printf("--zone=%s", d->zone);
    char *running = gcloud_read(
        d,
        (char *[]){"gcloud", "compute", "instance-groups", "managed",
                   "describe", g.name_group, g.project, g.scope,
                   "--format=value(instanceTemplate.basename())", NULL},
        str_printf("%s-VERSION", d->name));
    // Users before what they use: the address before the proxy, the proxy
    // before the URL map, ..., the group before its template and health
    // check, the template before its image. Both kinds of load balancer
    // are looked for: the spec may have changed since the deploy.
    const struct doomed order[] = {
        {"forwarding-rules", str_printf("%s-http", d->name), "--global"},
        {"forwarding-rules", str_printf("%s-tcp", d->name), region},
        {"target-http-proxies", g.proxy, "--global"},
        {"url-maps", g.url_map, "--global"},
        {"backend-services", g.backend, "--global"},
        {"backend-services", g.backend, region},
        {GROUP_KIND, g.name_group, g.scope},
        {"health-checks", g.health, "--global"},
        {"health-checks", g.health, region},
        {"instance-templates", running, NULL},
        {"images", running, NULL},
        {"instances", (char *)d->name, zone},
        {"images", (char *)d->image, NULL},
        {"firewall-rules", str_printf("%s-ports", d->name), NULL},
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
        int err = doomed_delete(d, &order[i]);
        if (err != 0) {
            return err;
        }
    }
    int err = 0;
    if (d->bucket != NULL) {
        err = upload_delete(d, d->image);
    }
    if (err == 0 && d->bucket != NULL && running != NULL) {
        err = upload_delete(d, running);
    }
    if (err != 0) {
        return err;
    }
    out_ok("deleted what `ftl deploy gce` made for %s", d->name);
    return 0;
}
