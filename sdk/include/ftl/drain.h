// Draining: the end of a service that a new instance of itself replaces.
//
// When `ftl apply` replaces a service that has no devices, the supervisor
// starts the new instance first and, once it has run for its settle time,
// asks the old one to drain: take no new work, finish what is under way,
// then exit with status 0. The new instance has taken the old one's
// listening ports meanwhile (tcpip gives a port's new connections to the
// newest instance of the service that holds it), so no client is refused
// and none is cut off (docs/concepts/specs.md, "Replacing a service").
//
// A program says how it drains with ftl_on_drain; the HTTP library does
// for every app that listens (docs/sdk/http.md). A program without a hook
// is stopped at once, as any stop does, and one that has not ended
// FTL_DRAIN_MAX_NS after the request is stopped then.
#pragma once

#include <ftl/time.h>

#define FTL_DRAIN_MAX_NS (10 * FTL_S)

// The SETATTR the supervisor sends on a service's first channel.
#define FTL_DRAIN_ATTR "ftl.drain"

typedef void (*ftl_drain_fn)(void *arg);

// fn(arg) runs, on the loop, when the supervisor asks this program to
// drain; every hook registered runs, in the order registered. Returns 0,
// or FTL_ERR_LIMIT past FTL_DRAIN_HOOKS_MAX hooks.
#define FTL_DRAIN_HOOKS_MAX 8
int ftl_on_drain(ftl_drain_fn fn, void *arg);

// Takes back a hook (its arg is about to be freed).
void ftl_drain_cancel(ftl_drain_fn fn, void *arg);
