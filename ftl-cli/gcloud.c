// The gcloud calls of `ftl deploy gce` (deploy.h): changes are shown as
// they run (or printed, in a dry run), questions (describe) run quietly
// and are answered by gcloud's exit status.
#include "deploy.h"

#include "exitcode.h"
#include "output.h"
#include "proc.h"
#include "text.h"

#include <stdio.h>
#include <string.h>

int gcloud_do(const struct deploy *d, char **argv)
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

bool gcloud_exists(const struct deploy *d, const char *kind, const char *name,
                   const char *scope)
{
    if (d->dry_run) {
        return d->delete;
    }
    // KIND may be two words: "instance-groups managed".
    char *words = str_printf("%s", kind);
    char *space = strchr(words, ' ');
    if (space != NULL) {
        *space++ = '\0';
    }
    char *out = NULL;
    char *argv[9];
    int n = 0;
    argv[n++] = "gcloud";
    argv[n++] = "compute";
    argv[n++] = words;
    if (space != NULL) {
        argv[n++] = space;
    }
    argv[n++] = "describe";
    argv[n++] = (char *)name;
    argv[n++] = str_printf("--project=%s", d->project);
    argv[n++] = (char *)scope;
    argv[n] = NULL;
    struct proc_options opt = {.capture = &out, .err_log = "/dev/null"};
    return proc_run(argv, &opt) == 0;
}

char *gcloud_read(const struct deploy *d, char **argv, char *dry)
{
    if (d->dry_run) {
        printf("%s\n", proc_describe(argv));
        return dry;
    }
    char *out = NULL;
    struct proc_options opt = {.capture = &out, .err_log = "/dev/null"};
    if (proc_run(argv, &opt) != 0 || out == NULL) {
        return NULL;
    }
    out[strcspn(out, "\n")] = '\0';
    return out[0] != '\0' ? out : NULL;
}

int gcloud_check(void)
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

int gce_image_upload(const struct deploy *d, const char *image)
{
    char *object = str_printf("gs://%s/%s.tar.gz", d->bucket, image);
    char *upload[] = {"gcloud",           "storage", "cp",
                      (char *)d->tarball, object,    NULL};
    char *create[] = {"gcloud",
                      "compute",
                      "images",
                      "create",
                      (char *)image,
                      str_printf("--project=%s", d->project),
                      str_printf("--source-uri=%s", object),
                      NULL};
    int err = gcloud_do(d, upload);
    return err != 0 ? err : gcloud_do(d, create);
}

int gce_firewall_open(const struct deploy *d)
{
    if (d->allow == NULL) {
        out_info("no spec.run.ports in ftl.yaml: no firewall rule");
        return 0;
    }
    char *rule = str_printf("%s-ports", d->name);
    bool exists = gcloud_exists(d, "firewall-rules", rule, NULL);
    // 0.0.0.0/0 also lets in GCE's health checkers and load balancers
    // (130.211.0.0/22, 35.191.0.0/16), which a group needs.
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
