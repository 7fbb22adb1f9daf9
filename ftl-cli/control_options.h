// The options of the commands that talk to a running system (`ftl
// status`, `ftl logs`, `ftl apply`): which channel and which key. The
// channel is the project's `ftl run` system (default), a Unix socket
// (--socket PATH), or a GCE instance's serial port 2 (--gce NAME, with
// --zone and --project as `ftl deploy gce` and `ftl logs gce` take them,
// defaulting to ftl.yaml's spec.deploy.gce).
#pragma once

#include <getopt.h>
#include <stdbool.h>

#include "control.h"

// getopt_long codes of the options, above every character.
enum control_option {
    CONTROL_OPT_SOCKET = 0x100,
    CONTROL_OPT_KEY,
    CONTROL_OPT_GCE,
    CONTROL_OPT_ZONE,
    CONTROL_OPT_PROJECT,
};

// The entries of a command's struct option table.
#define CONTROL_OPTIONS                                                        \
    {"socket", required_argument, NULL, CONTROL_OPT_SOCKET},                   \
    {"key", required_argument, NULL, CONTROL_OPT_KEY},                         \
    {"gce", required_argument, NULL, CONTROL_OPT_GCE},                         \
    {"zone", required_argument, NULL, CONTROL_OPT_ZONE},                       \
    {"project", required_argument, NULL, CONTROL_OPT_PROJECT}

// Their lines of a command's usage text.
#define CONTROL_OPTIONS_USAGE                                                  \
    "  --socket PATH  the channel (default: build/run/control.sock)\n"         \
    "  --gce NAME     the GCE instance NAME instead, through its serial\n"     \
    "                 port 2 (`gcloud compute connect-to-serial-port`)\n"      \
    "  --zone Z       its zone (default: ftl.yaml's spec.deploy.gce.zone)\n"   \
    "  --project P    its project (default: spec.deploy.gce.project)\n"        \
    "  --key PATH     the key (default: build/control.key)\n"

// If c is one of the options above, stores arg in t and returns true.
bool control_option_take(struct control_target *t, int c, const char *arg);

// Checks that the options given go together (--socket or --gce, not both;
// --zone and --project with --gce); 0, or EXIT_USAGE after printing why
// with usage.
int control_options_check(const struct control_target *t, const char *usage);

// Zone and project from ftl.yaml's spec.deploy.gce where g leaves them
// out, when run in a project (quietly nothing otherwise).
void control_gce_settle(struct control_gce *g);

// Fills what t leaves NULL: the project's build/run/control.sock (unless
// t names a GCE instance) and build/control.key, and for an instance
// control_gce_settle's zone and project; 0, or an exit code (not in a
// project).
int control_target_find(struct control_target *t);
