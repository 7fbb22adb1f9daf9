// ftl logs gce NAME: the serial console of a GCE instance, through
// `gcloud compute instances get-serial-port-output`. --follow polls: each
// call ends by telling, on stderr, the --start=NEXT of the output that
// follows, as gcloud documents, and the next call asks from there.
#include "commands.h"
#include "exitcode.h"
#include "files.h"
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
    "usage: ftl logs gce NAME [--zone Z] [--project P] [--follow]\n\n"
    "Prints the serial console of the GCE instance NAME (what `ftl deploy\n"
    "gce` created) with `gcloud compute instances get-serial-port-output`.\n"
    "In a project, zone and project default to ftl.yaml's spec.deploy.gce;\n"
    "else gcloud's own defaults apply.\n\n"
    "  --zone Z      the instance's zone\n"
    "  --project P   the Google Cloud project\n"
    "  --follow      keep printing new output (every 2 s) until Ctrl-C\n"
    "  -h, --help    this help\n";

struct logs {
    const char *name, *zone, *project;
    bool follow;
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

static int logs_run(const struct logs *l)
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
        } else if (c == 'h') {
            fputs(usage, stdout);
            return EXIT_OK;
        } else {
            return out_usage_error(usage, "bad option %s", argv[optind - 1]);
        }
    }
    if (argc - optind != 2 || strcmp(argv[optind], "gce") != 0) {
        return out_usage_error(usage, "expected `gce NAME`");
    }
    l.name = argv[optind + 1];
    if (!proc_in_path("gcloud")) {
        return out_error(EXIT_ENV,
                         "install the Google Cloud CLI: "
                         "https://cloud.google.com/sdk/docs/install",
                         "gcloud is not in PATH");
    }
    logs_settle(&l);
    return logs_run(&l);
}
