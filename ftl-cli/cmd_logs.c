// ftl logs: a service's log lines from the running system, through the
// control channel (logs_local.c) of `ftl run` or of a GCE instance
// (--gce), or, as `ftl logs gce NAME`, the serial console of a GCE
// instance (port 1: what the kernel and services print, even when the
// system never got to answer on its control channel), through `gcloud
// compute instances get-serial-port-output`. There --follow polls: each
// call ends by telling, on stderr, the --start=NEXT of the output that
// follows, as gcloud documents, and the next call asks from there.
#include "commands.h"
#include "control_options.h"
#include "exitcode.h"
#include "files.h"
#include "gce_group.h"
#include "logs_local.h"
#include "output.h"
#include "proc.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FOLLOW_INTERVAL_S 2

static const char usage[] =
    "usage: ftl logs [SERVICE] [--follow] [--socket PATH | --gce NAME\n"
    "                [--zone Z] [--project P]] [--key PATH]\n"
    "       ftl logs gce NAME [--zone Z] [--project P] [--follow]\n"
    "       ftl logs gce NAME --group [--zone Z | --region R] [--project P]\n\n"
    "ftl logs [SERVICE] prints the log lines the project's running system\n"
    "(`ftl run`, `ftl dev`, or with --gce the GCE instance NAME) keeps for\n"
    "SERVICE (or `kernel`), through the control channel; without SERVICE,\n"
    "those of every service, each line after [NAME]. `ftl logs gce` alone\n"
    "is the service named gce.\n\n"
    "  --follow       keep printing new lines until Ctrl-C (without\n"
    "                 SERVICE: every service asked again each second)\n"
    CONTROL_OPTIONS_USAGE "\n"
    "ftl logs gce NAME prints the serial console (port 1) of the GCE\n"
    "instance NAME (what `ftl deploy gce` created) with `gcloud compute\n"
    "instances get-serial-port-output`: the boot, and what the system\n"
    "prints, also when its control channel does not answer. In a project,\n"
    "zone and project default to ftl.yaml's spec.deploy.gce; else gcloud's\n"
    "own defaults apply.\n\n"
    "  --zone Z       the instance's zone\n"
    "  --project P    the Google Cloud project\n"
    "  --follow       keep printing new output (every 2 s) until Ctrl-C\n"
    "  --group        the console of every instance of the group NAME-group\n"
    "                 (`ftl deploy gce --replicas`), one after the other\n"
    "  --region R     the group's region, for a regional group\n"
    "  -h, --help     this help\n";

struct logs {
    const char *name, *zone, *project;
    bool follow;
};

// The NEXT of "--start=NEXT" in gcloud's stderr, or -1.
static long long next_start(const char *err_text)
{
    const char *at = err_text ? strstr(err_text, "--start=") : NULL;
    return at != NULL ? strtoll(at + strlen("--start="), NULL, 10) : -1;
}

static int logs_gce(const struct logs *l)
{
    char *argv[] = {"gcloud",
                    "compute",
                    "instances",
                    "get-serial-port-output",
                    (char *)l->name,
                    NULL,
                    NULL,
                    NULL,
                    NULL};
    int n = 5;
    if (l->zone != NULL) {
        argv[n++] = str_printf("--zone=%s", l->zone);
    }
    if (l->project != NULL) {
        argv[n++] = str_printf("--project=%s", l->project);
    }
    char *err_log = str_printf("/tmp/ftl-logs-%d.err", (int)getpid());
    struct proc_options opt = {.err_log = l->follow ? err_log : NULL};
    for (long long start = 0;;) {
        int status = proc_run(argv, &opt);
        if (status != 0) {
            char *why = l->follow ? file_read(err_log) : NULL;
            unlink(err_log);
            if (why != NULL) {
                fputs(why, stderr);
            }
            return out_error(status == 127 ? EXIT_ENV : EXIT_FAILED,
                             status == 127 ? "install the Google Cloud CLI"
                                           : "gcloud's message is above",
                             "cannot read %s's serial port output", l->name);
        }
        if (!l->follow) {
            return EXIT_OK;
        }
        long long next = next_start(file_read(err_log));
        unlink(err_log);
        start = next >= 0 ? next : start;
        argv[n] = str_printf("--start=%lld", start);
        sleep(FOLLOW_INTERVAL_S);
    }
}

// Each instance of the group NAME-group, from the URLs gcloud lists
// (.../zones/ZONE/instances/INSTANCE: a regional group's are in several
// zones): its console after a `== INSTANCE (ZONE)` line.
static int logs_gce_group(const struct logs *l, const char *region)
{
    char *urls = NULL;
    char *argv[] = {"gcloud",
                    "compute",
                    "instance-groups",
                    "managed",
                    "list-instances",
                    str_printf("%s%s", l->name, GCE_GROUP_SUFFIX),
                    region ? str_printf("--region=%s", region)
                           : str_printf("--zone=%s", l->zone ? l->zone : ""),
                    "--uri",
                    l->project ? str_printf("--project=%s", l->project) : NULL,
                    NULL};
    struct proc_options opt = {.capture = &urls};
    if (proc_run(argv, &opt) != 0) {
        return out_error(EXIT_FAILED, "gcloud's message is above",
                         "cannot list the instances of %s%s", l->name,
                         GCE_GROUP_SUFFIX);
    }
    int err = EXIT_OK, count = 0;
    for (char *url = strtok(urls, "\n"); url != NULL && err == EXIT_OK;
         url = strtok(NULL, "\n")) {
        char *zone = strstr(url, "/zones/");
        char *instance = strrchr(url, '/');
        if (zone == NULL || instance == NULL) {
            continue;
        }
        zone += strlen("/zones/");
        zone[strcspn(zone, "/")] = '\0';
        struct logs one = {
            .name = instance + 1, .zone = zone, .project = l->project};
        printf("== %s (%s)\n", one.name, zone);
        fflush(stdout);
        err = logs_gce(&one);
        count++;
    }
    if (err == EXIT_OK && count == 0) {
        out_warn("%s%s has no instances", l->name, GCE_GROUP_SUFFIX);
    }
    return err;
}

// `ftl logs gce NAME`: the serial console, through gcloud; t holds the
// options given, of which only --zone and --project fit.
static int logs_console(const char *name, bool follow, bool group,
                        const char *region, const struct control_target *t)
{
    if (t->socket != NULL || t->key != NULL || t->gce.instance != NULL) {
        return out_usage_error(usage, "--socket, --key and --gce are not for "
                                      "`gce NAME`, the serial console");
    }
    if (!proc_in_path("gcloud")) {
        return out_error(EXIT_ENV,
                         "install the Google Cloud CLI: "
                         "https://cloud.google.com/sdk/docs/install",
                         "gcloud is not in PATH");
    }
    struct control_gce g = {.instance = name,
                            .zone = t->gce.zone,
                            .project = t->gce.project};
    control_gce_settle(&g);
    struct logs l = {
        .name = name, .zone = g.zone, .project = g.project, .follow = follow};
    if (group && follow) {
        return out_usage_error(usage, "--follow follows one instance: "
                                      "`ftl logs gce INSTANCE --follow`");
    }
    return group || region ? logs_gce_group(&l, region) : logs_gce(&l);
}

int cmd_logs(int argc, char **argv)
{
    static const struct option options[] = {
        {"follow", no_argument, NULL, 'f'},
        {"group", no_argument, NULL, 'g'},
        {"region", required_argument, NULL, 'r'},
        CONTROL_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct control_target t = {0};
    bool follow = false, group = false;
    const char *region = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'f') {
            follow = true;
        } else if (c == 'g') {
            group = true;
        } else if (c == 'r') {
            region = optarg;
        } else if (control_option_take(&t, c, optarg)) {
            continue;
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    int args = argc - optind;
    bool console = args == 2 && strcmp(argv[optind], "gce") == 0;
    if (args > 2 || (args == 2 && !console)) {
        return out_usage_error(usage, "expected [SERVICE] or `gce NAME`");
    }
    if (console) {
        return logs_console(argv[optind + 1], follow, group, region, &t);
    }
    if (group || region != NULL) {
        return out_usage_error(usage, "--group and --region are for "
                                      "`ftl logs gce NAME`");
    }
    int err = control_options_check(&t, usage);
    if (err != 0) {
        return err;
    }
    if (args == 1 && !name_is_valid(argv[optind])) {
        return out_usage_error(usage, "\"%s\" is not a service name",
                               argv[optind]);
    }
    return logs_local(args == 1 ? argv[optind] : NULL, follow, &t);
}
