// ftl logs: a service's log lines from the running system, through the
// control channel (logs_local.c), or, as `ftl logs gce NAME`, the serial
// console of a GCE instance, through `gcloud compute instances
// get-serial-port-output`. There --follow polls: each call ends by
// telling, on stderr, the --start=NEXT of the output that follows, as
// gcloud documents, and the next call asks from there.
#include "commands.h"
#include "exitcode.h"
#include "files.h"
#include "logs_local.h"
#include "output.h"
#include "proc.h"
#include "project.h"
#include "spec.h"
#include "text.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FOLLOW_INTERVAL_S 2

static const char usage[] =
    "usage: ftl logs [SERVICE] [--follow] [--socket PATH] [--key PATH]\n"
    "       ftl logs gce NAME [--zone Z] [--project P] [--follow]\n\n"
    "ftl logs [SERVICE] prints the log lines the project's running system\n"
    "(`ftl run`, `ftl dev`) keeps for SERVICE (or `kernel`), through the\n"
    "control channel; without SERVICE, those of every service, each line\n"
    "after [NAME]. `ftl logs gce` alone is the service named gce.\n\n"
    "  --follow       keep printing new lines until Ctrl-C (without\n"
    "                 SERVICE: every service asked again each second)\n"
    "  --socket PATH  the channel (default: build/run/control.sock)\n"
    "  --key PATH     the key (default: build/control.key)\n\n"
    "ftl logs gce NAME prints the serial console of the GCE instance NAME\n"
    "(what `ftl deploy gce` created) with `gcloud compute instances\n"
    "get-serial-port-output`. In a project, zone and project default to\n"
    "ftl.yaml's spec.deploy.gce; else gcloud's own defaults apply.\n\n"
    "  --zone Z       the instance's zone\n"
    "  --project P    the Google Cloud project\n"
    "  --follow       keep printing new output (every 2 s) until Ctrl-C\n"
    "  -h, --help     this help\n";

struct logs {
    const char *name, *zone, *project;
    bool follow;
    struct control_target target; // the local form's --socket and --key
};

// Zone and project from ftl.yaml where the command line left them out,
// when run in a project (quietly nothing otherwise).
static void logs_settle(struct logs *l)
{
    static struct settings s;
    struct project p;
    if ((l->zone != NULL && l->project != NULL) || !path_exists("ftl.yaml") ||
        project_find(&p) != 0 || spec_settings(&p, p.ftl_yaml, &s) != 0) {
        return;
    }
    l->zone = l->zone ? l->zone : s.gce_zone;
    l->project = l->project ? l->project : s.gce_project;
}

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

int cmd_logs(int argc, char **argv)
{
    static const struct option options[] = {
        {"zone", required_argument, NULL, 'z'},
        {"project", required_argument, NULL, 'p'},
        {"follow", no_argument, NULL, 'f'},
        {"socket", required_argument, NULL, 's'},
        {"key", required_argument, NULL, 'k'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    struct logs l = {0};
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
        if (c == 'z') {
            l.zone = optarg;
        } else if (c == 'p') {
            l.project = optarg;
        } else if (c == 'f') {
            l.follow = true;
        } else if (c == 's') {
            l.target.socket = optarg;
        } else if (c == 'k') {
            l.target.key = optarg;
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    int args = argc - optind;
    bool gce = args == 2 && strcmp(argv[optind], "gce") == 0;
    if (args > 2 || (args == 2 && !gce)) {
        return out_usage_error(usage, "expected [SERVICE] or `gce NAME`");
    }
    if (!gce && (l.zone != NULL || l.project != NULL)) {
        return out_usage_error(usage,
                               "--zone and --project are for `gce NAME`");
    }
    if (gce && (l.target.socket != NULL || l.target.key != NULL)) {
        return out_usage_error(usage, "--socket and --key are not for `gce`");
    }
    if (!gce && args == 1 && !name_is_valid(argv[optind])) {
        return out_usage_error(usage, "\"%s\" is not a service name",
                               argv[optind]);
    }
    if (!gce) {
        return logs_local(args == 1 ? argv[optind] : NULL, l.follow, &l.target);
    }
    l.name = argv[optind + 1];
    if (!proc_in_path("gcloud")) {
        return out_error(EXIT_ENV,
                         "install the Google Cloud CLI: "
                         "https://cloud.google.com/sdk/docs/install",
                         "gcloud is not in PATH");
    }
    logs_settle(&l);
    return logs_gce(&l);
}
