// ftl deploy gce --replicas N: the system on a managed instance group of
// GCE behind a load balancer, updated by rolling replacement; and
// ftl deploy gce --delete, which removes what either deploy made.
#pragma once

#include "deploy.h"

// The suffix of the managed instance group NAME-group; its instances are
// NAME-xxxx (`ftl logs gce NAME --group` reads each one's console).
#define GCE_GROUP_SUFFIX "-group"

// Deploys d as a group of d->replicas instances: a first deploy creates
// the image and template NAME-VERSION (VERSION from the archive's
// SHA-256), the health check, the group, the load balancer; a re-deploy
// of another image rolls the group over to the new template, never below
// its size (max-unavailable 0), and deletes the old template and image
// once the group is stable. Prints the load balancer's address. 0, or an
// exit code after the error was printed.
int gce_group_deploy(const struct deploy *d);

// Deletes, in the order their users require, whatever exists of what
// either deploy makes under d->name: forwarding rule, proxy, URL map,
// backend service, group, health check, templates, images, the firewall
// rule, the instance, and the uploads if d->bucket is set.
int gce_group_delete(const struct deploy *d);
