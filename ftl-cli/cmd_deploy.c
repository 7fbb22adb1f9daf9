// ftl deploy gce: builds the GCE image and puts the system on a Google
// Compute Engine instance with the Google Cloud CLI (gcloud): the archive
// uploaded to a bucket, the image created (or replaced), the instance
// created (or recreated) with its serial port on, a firewall rule for the
// guest ports of ftl.yaml's run.ports, then the external IP. Whether an
// image, instance or rule exists is what `gcloud ... describe` exits with.
// --dry-run prints every command that would change something and runs
// nothing at all, as for a first deploy. With --replicas (or
// deploy.gce.replicas) gce_group.c deploys a managed instance group behind
// a load balancer instead, and --delete removes what either made; this
// file reads the options and ftl.yaml and builds the image for both.
#include "commands.h"
#include "deploy.h"
#include "exitcode.h"
#include "gce.h"
#include "gce_group.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "spec.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONE_DEFAULT "us-central1-a"
#define MACHINE_TYPE_DEFAULT "e2-micro"
#define DEPLOY_COUNT_MAX 1000 // replicas, requests per second

static const char usage[] =
    "usage: ftl deploy gce --project P --zone Z --bucket B [--name N]\n"
    "                      [--machine-type TYPE] [--dry-run]\n"
    "                      [--replicas N [--region R] [--health-path PATH]\n"
    "                       [--load-balancer http|tcp] [--autoscale-cpu U |\n"
    "                       --autoscale-rps RPS [--max-replicas M]]]\n"
    "       ftl deploy gce --delete --project P [--zone Z | --region R]\n"
    "                      [--bucket B] [--name N] [--dry-run]\n\n"
    "Builds the GCE image (ftl build --target gce) and deploys it with\n"
    "gcloud: uploads it to gs://B/N.tar.gz, creates the image (replacing\n"
    "one of that name), creates the instance N with its serial port on\n"
    "(deleting one of that name first), opens the firewall for the guest\n"
    "ports of ftl.yaml's spec.run.ports (rule N-ports, instances tagged N),\n"
    "and prints the external IP and URL. Needs the Google Cloud CLI, signed\n"
    "in (`gcloud auth login`). Options win over ftl.yaml's spec.deploy.gce.\n\n"
    "With --replicas (or deploy.gce.replicas) the system runs on a managed\n"
    "instance group N-group of that many instances from the template\n"
    "N-VERSION, behind a load balancer whose address is printed. Deploying\n"
    "another image again is a rolling update (a new instance healthy before\n"
    "an old one goes); --replicas alone resizes. --delete removes what\n"
    "either deploy made. docs/deploy/gce.md has the details.\n\n"
    "  --project P          the Google Cloud project (or deploy.gce.project)\n"
    "  --zone Z             the zone (deploy.gce.zone, else " ZONE_DEFAULT ")\n"
    "  --bucket B           the Cloud Storage bucket for the upload\n"
    "  --name N             the instance, upload and image name (default:\n"
    "                       the system's name; image: deploy.gce.image)\n"
    "  --machine-type TYPE  (deploy.gce.machineType, else " MACHINE_TYPE_DEFAULT
    ",\n"
    "                       which GCE's free tier covers)\n"
    "  --replicas N         a group of N instances (deploy.gce.replicas)\n"
    "  --region R           a regional group over R's zones (deploy.gce.\n"
    "                       region; else a zonal group in the zone)\n"
    "  --health-path PATH   what the HTTP health check gets (deploy.gce.\n"
    "                       healthPath, else /)\n"
    "  --load-balancer K    http: the global HTTP load balancer on port 80\n"
    "                       (default); tcp: a regional network load\n"
    "                       balancer on the port (deploy.gce.loadBalancer)\n"
    "  --autoscale-cpu U    autoscale from N to M on CPU use U (0.1 to 1)\n"
    "  --autoscale-rps RPS  autoscale on requests per second per instance\n"
    "                       (http load balancer only)\n"
    "  --max-replicas M     the autoscaler's ceiling (default: twice N)\n"
    "  --delete             delete the group, load balancer, instance,\n"
    "                       images, firewall rule and uploads of N\n"
    "  --dry-run            print the gcloud commands instead of running them\n"
    "  -h, --help           this help\n";

static int image_replace(const struct deploy *d, const char *source)
{
    char *project = str_printf("--project=%s", d->project);
    int err = 0;
    if (gcloud_exists(d, "images", d->image, NULL)) {
        char *del[] = {"gcloud",         "compute", "images",  "delete",
                       (char *)d->image, project,   "--quiet", NULL};
        err = gcloud_do(d, del);
    }
    char *create[] = {"gcloud",
                      "compute",
                      "images",
                      "create",
                      (char *)d->image,
                      project,
                      str_printf("--source-uri=%s", source),
                      NULL};
    return err != 0 ? err : gcloud_do(d, create);
}

static int instance_recreate(const struct deploy *d)
{
    char *project = str_printf("--project=%s", d->project);
    char *zone = str_printf("--zone=%s", d->zone);
    int err = 0;
    if (gcloud_exists(d, "instances", d->name, zone)) {
        char *del[] = {"gcloud", "compute",       "instances",
                       "delete", (char *)d->name, project,
                       zone,     "--quiet",       NULL};
        err = gcloud_do(d, del);
    }
    char *create[] = {"gcloud",
                      "compute",
                      "instances",
                      "create",
                      (char *)d->name,
                      project,
                      zone,
                      str_printf("--machine-type=%s", d->machine_type),
                      str_printf("--image=%s", d->image),
                      "--metadata=serial-port-enable=TRUE",
                      str_printf("--tags=%s", d->name),
                      NULL};
    return err != 0 ? err : gcloud_do(d, create);
}

static int address_print(const struct deploy *d)
{
    char *argv[] = {"gcloud",
                    "compute",
                    "instances",
                    "describe",
                    (char *)d->name,
                    str_printf("--project=%s", d->project),
                    str_printf("--zone=%s", d->zone),
                    "--format=get(networkInterfaces[0].accessConfigs[0]."
                    "natIP)",
                    NULL};
    char *ip = "EXTERNAL_IP";
    if (d->dry_run) {
        printf("%s\n", proc_describe(argv));
    } else {
        struct proc_options opt = {.capture = &ip};
        if (proc_run(argv, &opt) != 0 || ip[0] == '\0') {
            return out_error(EXIT_FAILED, "see `gcloud compute instances list`",
                             "cannot read %s's external IP", d->name);
        }
        ip[strcspn(ip, " \n")] = '\0';
    }
    out_ok("deployed %s: external IP %s", d->name, ip);
    if (d->url_port != 0) {
        printf(d->url_port == 80 ? "http://%s/\n" : "http://%s:%u/\n", ip,
               d->url_port);
    }
    out_info("serial console: ftl logs gce %s --zone %s", d->name, d->zone);
    // The control channel rides serial port 2, which serial-port-enable
    // above opened to the relay.
    out_info("services: ftl status --gce %s --zone %s --project %s", d->name,
             d->zone, d->project);
    return 0;
}

// The guest ports of run.ports as gcloud's --allow list, each once.
static void ports_allow(struct deploy *d, const struct settings *s)
{
    char *list = NULL;
    for (unsigned i = 0; i < s->port_count; i++) {
        const struct port *p = &s->ports[i];
        char *one = str_printf("%s:%u", p->udp ? "udp" : "tcp", p->guest);
        bool seen = false;
        for (unsigned j = 0; j < i; j++) {
            seen |= s->ports[j].guest == p->guest && s->ports[j].udp == p->udp;
        }
        if (!seen) {
            list = list ? str_printf("%s,%s", list, one) : one;
        }
        if (!p->udp && (d->url_port == 0 || p->guest == 80)) {
            d->url_port = p->guest;
        }
    }
    d->allow = list;
}

// The group's settings from ftl.yaml and the defaults, then checked
// against each other; 0 or an exit code.
static int group_settle(struct deploy *d, const struct settings *s)
{
    d->replicas = d->replicas_given ? d->replicas : s->gce_replicas;
    d->region = d->region ? d->region : s->gce_region;
    d->health_path = d->health_path       ? d->health_path
                     : s->gce_health_path ? s->gce_health_path
                                          : "/";
    d->load_balancer = d->load_balancer       ? d->load_balancer
                       : s->gce_load_balancer ? s->gce_load_balancer
                                              : "http";
    bool autoscaled = d->autoscale_cpu != NULL || d->autoscale_rps != 0;
    if (autoscaled && d->replicas == 0) {
        d->replicas = 1;
    }
    d->max_replicas = d->max_replicas ? d->max_replicas : 2 * d->replicas;
    if (strcmp(d->load_balancer, "http") != 0 &&
        strcmp(d->load_balancer, "tcp") != 0) {
        return out_usage_error(usage, "--load-balancer takes http or tcp");
    }
    if (d->health_path[0] != '/') {
        return out_usage_error(usage, "--health-path takes a path from /");
    }
    if (d->autoscale_cpu != NULL && d->autoscale_rps != 0) {
        return out_usage_error(usage, "autoscale on CPU or on requests, "
                                      "not both");
    }
    if (d->autoscale_rps != 0 && strcmp(d->load_balancer, "http") != 0) {
        return out_usage_error(usage, "--autoscale-rps counts the HTTP load "
                                      "balancer's requests: not with tcp");
    }
    if (autoscaled && d->max_replicas < d->replicas) {
        return out_usage_error(usage, "--max-replicas is below --replicas");
    }
    return 0;
}

// Fills the unset fields of d from ftl.yaml and the defaults; 0 or an
// exit code.
static int deploy_settle(struct deploy *d, const struct settings *s)
{
    bool named = d->name != NULL;
    d->project = d->project ? d->project : s->gce_project;
    d->zone = d->zone ? d->zone : s->gce_zone ? s->gce_zone : ZONE_DEFAULT;
    d->machine_type = d->machine_type       ? d->machine_type
                      : s->gce_machine_type ? s->gce_machine_type
                                            : MACHINE_TYPE_DEFAULT;
    d->name = named ? d->name : gce_name(s->system);
    d->image =
        named ? d->name : gce_name(s->gce_image ? s->gce_image : s->system);
    if (d->project == NULL || (d->bucket == NULL && !d->delete)) {
        return out_usage_error(usage, "%s",
                               d->project == NULL
                                   ? "which project? --project P, or "
                                     "spec.deploy.gce.project in ftl.yaml"
                                   : "which bucket? --bucket B");
    }
    // A group's names add up to 9 characters to N: -VERSION (8 hex).
    bool too_long = strlen(d->name) > 63 - 9;
    if (!gce_name_is_valid(d->name) || !gce_name_is_valid(d->image) ||
        too_long) {
        return out_usage_error(
            usage,
            "\"%s\" is not a GCE name (lowercase "
            "letters, digits, '-'; at most 54)",
            gce_name_is_valid(d->name) && !too_long ? d->image : d->name);
    }
    ports_allow(d, s);
    return group_settle(d, s);
}

static int deploy_gce(struct deploy *d)
{
    struct project p;
    static struct settings s;
    static struct image img;
    struct gce_image g = {0};
    struct image_options o = {.iso = true};
    int err = project_find(&p);
    if (err == 0) {
        err = spec_settings(&p, p.ftl_yaml, &s);
    }
    if (err == 0) {
        err = deploy_settle(d, &s);
    }
    if (err == 0 && !d->dry_run) {
        err = gcloud_check();
    }
    if (err == 0 && d->delete) {
        return gce_group_delete(d);
    }
    if (err == 0) {
        err = image_build(&p, &o, &img);
    }
    if (err == 0) {
        err = gce_image_build(&img, &g);
    }
    d->tarball = g.tarball;
    if (err == 0 && d->replicas > 0) {
        return gce_group_deploy(d);
    }
    char *object = str_printf("gs://%s/%s.tar.gz", d->bucket, d->name);
    char *upload[] = {"gcloud", "storage", "cp", g.tarball, object, NULL};
    if (err != 0 || (err = gcloud_do(d, upload)) != 0 ||
        (err = image_replace(d, object)) != 0 ||
        (err = instance_recreate(d)) != 0 ||
        (err = gce_firewall_open(d)) != 0) {
        return err;
    }
    return address_print(d);
}

// A whole number from 1 to DEPLOY_COUNT_MAX into *out; false if s is not.
static bool count_parse(const char *s, unsigned *out)
{
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' || n < 1 ||
        n > DEPLOY_COUNT_MAX) {
        return false;
    }
    *out = (unsigned)n;
    return true;
}

// A CPU utilization from 0.1 to 1, as gcloud takes it.
static bool utilization_is_valid(const char *s)
{
    char *end;
    double u = strtod(s, &end);
    return s[0] >= '0' && s[0] <= '9' && *end == '\0' && u >= 0.1 && u <= 1;
}

// The group's options; false if c is not one or its value is bad (the
// message printed then, *err set).
static bool group_option_take(struct deploy *d, int c, const char *arg,
                              int *err)
{
    static const char *const bad[] = {
        ['r'] = "--replicas takes a number from 1",
        ['s'] = "--autoscale-rps takes a number from 1",
        ['x'] = "--max-replicas takes a number from 1"};
    unsigned *counts[] = {['r'] = &d->replicas,
                          ['s'] = &d->autoscale_rps,
                          ['x'] = &d->max_replicas};
    if (c == 'r' || c == 's' || c == 'x') {
        if (!count_parse(arg, counts[c])) {
            *err = out_usage_error(usage, "%s", bad[c]);
        }
        d->replicas_given |= c == 'r';
    } else if (c == 'c') {
        d->autoscale_cpu = arg;
        if (!utilization_is_valid(arg)) {
            *err = out_usage_error(usage, "--autoscale-cpu takes a "
                                          "utilization from 0.1 to 1");
        }
    } else if (c == 'D') {
        d->delete = true;
    } else {
        return false;
    }
    return true;
}

int cmd_deploy(int argc, char **argv)
{
    static const struct option options[] = {
        {"project", required_argument, NULL, 'p'},
        {"zone", required_argument, NULL, 'z'},
        {"bucket", required_argument, NULL, 'b'},
        {"name", required_argument, NULL, 'n'},
        {"machine-type", required_argument, NULL, 'm'},
        {"region", required_argument, NULL, 'g'},
        {"health-path", required_argument, NULL, 'H'},
        {"load-balancer", required_argument, NULL, 'l'},
        {"replicas", required_argument, NULL, 'r'},
        {"autoscale-cpu", required_argument, NULL, 'c'},
        {"autoscale-rps", required_argument, NULL, 's'},
        {"max-replicas", required_argument, NULL, 'x'},
        {"delete", no_argument, NULL, 'D'},
        {"dry-run", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct deploy d = {0};
    const char **fields[] = {
        ['p'] = &d.project,     ['z'] = &d.zone,         ['b'] = &d.bucket,
        ['n'] = &d.name,        ['m'] = &d.machine_type, ['g'] = &d.region,
        ['H'] = &d.health_path, ['l'] = &d.load_balancer};
    int c, err = 0;
    if (argc > 1 && strcmp(argv[1], "gce") == 0) {
        argc--, argv++;
    } else if (argc < 2 ||
               (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0)) {
        return out_usage_error(usage, "deploy where? only `ftl deploy gce` "
                                      "is there today");
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else if (c == 'd') {
            d.dry_run = true;
        } else if (group_option_take(&d, c, optarg, &err)) {
            if (err != 0) {
                return err;
            }
        } else if (c != '?' && c != ':' &&
                   c < (int)(sizeof(fields) / sizeof(fields[0])) &&
                   fields[c] != NULL) {
            *fields[c] = optarg;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    if (optind < argc) {
        return out_usage_error(usage, "unexpected argument \"%s\"",
                               argv[optind]);
    }
    return deploy_gce(&d);
}
