// ftl deploy gce: builds the GCE image and puts the system on a Google
// Compute Engine instance with the Google Cloud CLI (gcloud): the archive
// uploaded to a bucket, the image created (or replaced), the instance
// created (or recreated) with its serial port on, a firewall rule for the
// guest ports of ftl.yaml's run.ports, then the external IP. Whether an
// image, instance or rule exists is what `gcloud ... describe` exits with.
// --dry-run prints every command that would change something and runs
// nothing at all, as for a first deploy.
#include "commands.h"
#include "exitcode.h"
#include "gce.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "spec.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define ZONE_DEFAULT "us-central1-a"
#define MACHINE_TYPE_DEFAULT "e2-micro"

static const char usage[] =
    "usage: ftl deploy gce --project P --zone Z --bucket B [--name N]\n"
    "                      [--machine-type TYPE] [--dry-run]\n\n"
    "Builds the GCE image (ftl build --target gce) and deploys it with\n"
    "gcloud: uploads it to gs://B/N.tar.gz, creates the image (replacing\n"
    "one of that name), creates the instance N with its serial port on\n"
    "(deleting one of that name first), opens the firewall for the guest\n"
    "ports of ftl.yaml's spec.run.ports (rule N-ports, instances tagged N),\n"
    "and prints the external IP and URL. Needs the Google Cloud CLI, signed\n"
    "in (`gcloud auth login`). Options win over ftl.yaml's spec.deploy.gce.\n\n"
    "  --project P          the Google Cloud project (or deploy.gce.project)\n"
    "  --zone Z             the zone (deploy.gce.zone, else " ZONE_DEFAULT ")\n"
    "  --bucket B           the Cloud Storage bucket for the upload\n"
    "  --name N             the instance, upload and image name (default:\n"
    "                       the system's name; image: deploy.gce.image)\n"
    "  --machine-type TYPE  (deploy.gce.machineType, else " MACHINE_TYPE_DEFAULT
    ",\n"
    "                       which GCE's free tier covers)\n"
    "  --dry-run            print the gcloud commands instead of running them\n"
    "  -h, --help           this help\n";

struct deploy {
    const char *project, *zone, *bucket, *name, *image, *machine_type;
    bool dry_run;
    char *allow; // "tcp:80,udp:53", or NULL when no ports
    unsigned url_port;
};

// Runs a gcloud command that changes something, or prints it (dry run).
static int gcloud_do(const struct deploy *d, char **argv)
{
    if (d->dry_run) {
        printf("%s\n", proc_describe(argv));
        return 0;
    }
    out_step("GCLOUD", "%s", proc_describe(argv + 1));
    int status = proc_run(argv, NULL);
    if (status != 0) {
        return out_error(EXIT_FAILED, "gcloud's message is above",
                         "`%s` failed (status %d)", proc_describe(argv),
                         status);
    }
    return 0;
}

// Whether `gcloud compute KIND describe NAME ...` succeeds; never in a dry
// run, which assumes a first deploy.
static bool gcloud_exists(const struct deploy *d, const char *kind,
                          const char *name, bool zonal)
{
    if (d->dry_run) {
        return false;
    }
    char *out = NULL;
    char *argv[] = {"gcloud",
                    "compute",
                    (char *)kind,
                    "describe",
                    (char *)name,
                    str_printf("--project=%s", d->project),
                    zonal ? str_printf("--zone=%s", d->zone) : NULL,
                    NULL};
    struct proc_options opt = {.capture = &out, .err_log = "/dev/null"};
    return proc_run(argv, &opt) == 0;
}

// gcloud in PATH and an account signed in; 0 or an exit code.
static int gcloud_check(void)
{
    if (!proc_in_path("gcloud")) {
        return out_error(EXIT_ENV,
                         "install the Google Cloud CLI: "
                         "https://cloud.google.com/sdk/docs/install",
                         "gcloud is not in PATH");
    }
    char *accounts = NULL;
    char *argv[] = {"gcloud",
                    "auth",
                    "list",
                    "--filter=status:ACTIVE",
                    "--format=value(account)",
                    NULL};
    struct proc_options opt = {.capture = &accounts, .err_log = "/dev/null"};
    if (proc_run(argv, &opt) != 0 ||
        strspn(accounts, " \n") == strlen(accounts)) {
        return out_error(EXIT_CLOUD_AUTH, "run `gcloud auth login`",
                         "gcloud has no credentials");
    }
    return 0;
}

static int image_replace(const struct deploy *d, const char *source)
{
    char *project = str_printf("--project=%s", d->project);
    int err = 0;
    if (gcloud_exists(d, "images", d->image, false)) {
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
    if (gcloud_exists(d, "instances", d->name, true)) {
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

static int firewall_open(const struct deploy *d)
{
    if (d->allow == NULL) {
        out_info("no spec.run.ports in ftl.yaml: no firewall rule");
        return 0;
    }
    char *rule = str_printf("%s-ports", d->name);
    bool exists = gcloud_exists(d, "firewall-rules", rule, false);
    char *argv[] = {"gcloud",
                    "compute",
                    "firewall-rules",
                    exists ? "update" : "create",
                    rule,
                    str_printf("--project=%s", d->project),
                    str_printf("--allow=%s", d->allow),
                    str_printf("--target-tags=%s", d->name),
                    "--source-ranges=0.0.0.0/0",
                    NULL};
    return gcloud_do(d, argv);
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
    if (d->project == NULL || d->bucket == NULL) {
        return out_usage_error(usage, "%s",
                               d->project == NULL
                                   ? "which project? --project P, or "
                                     "spec.deploy.gce.project in ftl.yaml"
                                   : "which bucket? --bucket B");
    }
    if (!gce_name_is_valid(d->name) || !gce_name_is_valid(d->image)) {
        return out_usage_error(usage,
                               "\"%s\" is not a GCE name (lowercase "
                               "letters, digits, '-'; at most 63)",
                               gce_name_is_valid(d->name) ? d->image : d->name);
    }
    ports_allow(d, s);
    return 0;
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
    if (err == 0) {
        err = image_build(&p, &o, &img);
    }
    if (err == 0) {
        err = gce_image_build(&img, &g);
    }
    char *object = str_printf("gs://%s/%s.tar.gz", d->bucket, d->name);
    char *upload[] = {"gcloud", "storage", "cp", g.tarball, object, NULL};
    if (err != 0 || (err = gcloud_do(d, upload)) != 0 ||
        (err = image_replace(d, object)) != 0 ||
        (err = instance_recreate(d)) != 0 || (err = firewall_open(d)) != 0) {
        return err;
    }
    return address_print(d);
}

int cmd_deploy(int argc, char **argv)
{
    static const struct option options[] = {
        {"project", required_argument, NULL, 'p'},
        {"zone", required_argument, NULL, 'z'},
        {"bucket", required_argument, NULL, 'b'},
        {"name", required_argument, NULL, 'n'},
        {"machine-type", required_argument, NULL, 'm'},
        {"dry-run", no_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct deploy d = {0};
    const char **fields[] = {['p'] = &d.project,
                             ['z'] = &d.zone,
                             ['b'] = &d.bucket,
                             ['n'] = &d.name,
                             ['m'] = &d.machine_type};
    int c;
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
