// What `ftl deploy gce` was asked to do (cmd_deploy.c), shared by the
// one-instance deploy there and the group deploy of gce_group.c, and the
// gcloud calls both make (gcloud.c).
#pragma once

#include <stdbool.h>

struct deploy {
    const char *project, *zone, *bucket, *name, *image, *machine_type;
    // The group (gce_group.c): replicas 0 deploys one instance, no group.
    // region set: a regional group (instances spread over its zones).
    const char *region;
    unsigned replicas;
    bool replicas_given;       // --replicas on the command line: resize to it
    const char *load_balancer; // "http" (global HTTP LB) or "tcp" (network)
    const char *health_path;   // the HTTP health check's path, "/" default
    // Autoscaling: a target CPU utilization ("0.6") or requests per
    // second per instance; NULL and 0 when off. max_replicas bounds it.
    const char *autoscale_cpu;
    unsigned autoscale_rps, max_replicas;
    bool dry_run, delete;
    char *allow;         // "tcp:80,udp:53", or NULL when no ports
    unsigned url_port;   // the guest port of HTTP (80 first), 0 when none
    const char *tarball; // the built image archive
};

// Runs a gcloud command that changes something (argv NULL-terminated,
// argv[0] "gcloud"), or prints it (dry run). 0, or an exit code after the
// error was printed.
int gcloud_do(const struct deploy *d, char **argv);

// Whether `gcloud compute KIND describe NAME --project=P [SCOPE]` succeeds
// (scope: "--zone=Z", "--region=R", "--global" or NULL). In a dry run
// nothing runs: a deploy assumes nothing exists, a delete that all does.
bool gcloud_exists(const struct deploy *d, const char *kind, const char *name,
                   const char *scope);

// The first line of what argv prints, without its newline; NULL when it
// fails or prints nothing. In a dry run argv is printed and dry returned.
char *gcloud_read(const struct deploy *d, char **argv, char *dry);

// gcloud in PATH and an account signed in; 0 or an exit code.
int gcloud_check(void);

// Uploads the image archive and creates the GCE image `image` from it.
int gce_image_upload(const struct deploy *d, const char *image);

// Creates or updates the firewall rule NAME-ports for the guest ports.
int gce_firewall_open(const struct deploy *d);
