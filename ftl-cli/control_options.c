// The control options (control_options.h), parsed once for the three
// commands that take them.
#include "control_options.h"

#include "exitcode.h"
#include "files.h"
#include "gce.h"
#include "output.h"
#include "project.h"
#include "spec.h"
#include "text.h"

#include <stddef.h>

bool control_option_take(struct control_target *t, int c, const char *arg)
{
    switch (c) {
    case CONTROL_OPT_SOCKET:
        t->socket = arg;
        return true;
    case CONTROL_OPT_KEY:
        t->key = arg;
        return true;
    case CONTROL_OPT_GCE:
        t->gce.instance = arg;
        return true;
    case CONTROL_OPT_ZONE:
        t->gce.zone = arg;
        return true;
    case CONTROL_OPT_PROJECT:
        t->gce.project = arg;
        return true;
    default:
        return false;
    }
}

int control_options_check(const struct control_target *t, const char *usage)
{
    if (t->gce.instance != NULL && t->socket != NULL) {
        return out_usage_error(usage, "--socket and --gce are two channels: "
                                      "give one");
    }
    if (t->gce.instance != NULL && !gce_name_is_valid(t->gce.instance)) {
        return out_usage_error(usage,
                               "\"%s\" is not a GCE instance name (lowercase "
                               "letters, digits, '-'; at most 63)",
                               t->gce.instance);
    }
    if (t->gce.instance == NULL &&
        (t->gce.zone != NULL || t->gce.project != NULL)) {
        return out_usage_error(usage, "--zone and --project are for --gce");
    }
    return 0;
}

void control_gce_settle(struct control_gce *g)
{
    static struct settings s;
    struct project p;
    if ((g->zone != NULL && g->project != NULL) || !path_exists("ftl.yaml") ||
        project_find(&p) != 0 || spec_settings(&p, p.ftl_yaml, &s) != 0) {
        return;
    }
    g->zone = g->zone ? g->zone : s.gce_zone;
    g->project = g->project ? g->project : s.gce_project;
}

int control_target_find(struct control_target *t)
{
    if (t->gce.instance != NULL) {
        control_gce_settle(&t->gce);
    }
    if ((t->socket != NULL || t->gce.instance != NULL) && t->key != NULL) {
        return 0;
    }
    struct project p;
    int err = project_find(&p);
    if (err != 0) {
        return err;
    }
    if (t->socket == NULL && t->gce.instance == NULL) {
        t->socket = path_join(p.build, "run/control.sock");
    }
    if (t->key == NULL) {
        t->key = path_join(p.build, "control.key");
    }
    return 0;
}
